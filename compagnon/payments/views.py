"""Pages: the staff matching queue and a transaction's page (allocate, accept a suggestion, bank
charges, refund, set aside, undo), and an activity's money page.

Views parse the request, read through ``selectors`` and act through ``services``; a service's
ValidationError is shown on the page it came from (status 400), nothing typed is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, paginate, text_param
from compagnon.core.redirects import next_url
from compagnon.core.views_helpers import get_or_404, run_action
from compagnon.sales.models import Document

from . import selectors, services
from .forms import AllocateForm, ReasonForm, RefundForm, UseCreditForm
from .models import Allocation, AllocationKind

PAGE_SIZE = 25


def _next(request, default: str) -> str:
    return next_url(request, default)


def _messages_of(exc: ValidationError) -> list[str]:
    return [m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "error_dict") else exc.messages


# --- staff: the queue -------------------------------------------------------------------------------


@login_required
def index(request):
    """The entities whose payments the user matches: straight to the queue when there is one."""
    entities = list(selectors.matching_entities(request.user))
    if not entities:
        raise Http404
    if len(entities) == 1:
        return redirect("payments-queue", entity_pk=entities[0].pk)
    counts = {e.pk: selectors.queue_counts(e) for e in entities}
    return render(request, "payments/index.html", {"entities": [(e, counts[e.pk]) for e in entities]})


@login_required
def queue(request, entity_pk):
    entity = get_or_404(selectors.matching_entity, request.user, entity_pk)
    tab = choice_param(request, "tab", selectors.TABS, default="in")
    page = paginate(request, selectors.queue(entity, tab=tab), PAGE_SIZE)
    found = selectors.suggestions(entity, page.object_list) if tab == "in" else {}
    counts = selectors.queue_counts(entity)
    return render(request, "payments/queue.html", {
        "entity": entity, "tab": tab, "page": page,
        "rows": [(t, found.get(t.pk, [])) for t in page.object_list],
        "tabs": [(key, label, counts[key]) for key, (label, _q) in selectors.TABS.items()],
        "here": request.get_full_path(),
    })


# --- staff: one transaction ---------------------------------------------------------------------


def _transaction_page(request, t, *, status=200, allocate_form=None, refund_form=None, reason_form=None, errors=()):
    entity = t.account.entity
    q = text_param(request, "q")
    incoming = t.amount > 0
    context = {
        "t": t, "entity": entity, "q": q, "incoming": incoming, "errors": errors,
        "allocations": selectors.transaction_allocations(t),
        "open": t.state in ("unmatched", "partial") and t.open_amount > 0,
        "allocate_form": allocate_form or AllocateForm(),
        "refund_form": refund_form or RefundForm(),
        "reason_form": reason_form or ReasonForm(),
        "here": request.get_full_path(),
    }
    if incoming:
        context["suggestions"] = selectors.suggestions(entity, [t]).get(t.pk, [])
        context["invoices"] = selectors.invoice_choices(entity, q)
    else:
        context["credit_notes"] = selectors.credit_note_choices(entity, q)
        context["credits"] = selectors.credit_choices(entity, q)
    if request.htmx and request.htmx.target == "choices":
        return render(request, "payments/_choices.html", context)
    return render(request, "payments/transaction.html", context, status=status)


@login_required
def transaction_detail(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    return _transaction_page(request, t)


@login_required
@require_POST
def allocate(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    form = AllocateForm(request.POST)
    if form.is_valid():
        items = form.items(request.POST)
        if not form.errors:
            response = run_action(request, services.allocate, form=form, transaction=t, items=items,
                                  rest_to_credit=form.cleaned_data["rest_to_credit"], success=_("Payment matched."),
                                  redirect_to=reverse("payments-transaction", args=[t.pk]))
            if response:
                return response
    return _transaction_page(request, t, status=400, allocate_form=form)


@login_required
@require_POST
def accept(request, pk):
    """One tap on a suggestion. The reasons are computed again here, never taken from the form."""
    t = get_or_404(selectors.transaction_for, request.user, pk)
    document_id = request.POST.get("document", "")
    chosen = next((s for s in selectors.suggestions(t.account.entity, [t]).get(t.pk, [])
                   if str(s.document.pk) == document_id), None)
    if chosen is None:
        messages.error(request, _("This suggestion no longer applies: the transaction or the invoice changed."))
        return redirect(_next(request, reverse("payments-transaction", args=[t.pk])))
    return run_action(request, services.accept_suggestion, transaction=t, document=chosen.document,
                      reasons=chosen.reasons,
                      success=_("%(number)s: payment matched.") % {"number": chosen.document.number},
                      redirect_to=reverse("payments-transaction", args=[t.pk]))


@login_required
@require_POST
def bank_charge(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    try:
        services.mark_bank_charge(actor=request.user, transaction=t)
    except ValidationError as exc:
        return _transaction_page(request, t, status=400, errors=_messages_of(exc))
    messages.success(request, _("Booked as bank charges."))
    return redirect(_next(request, reverse("payments-transaction", args=[t.pk])))


@login_required
@require_POST
def refund(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        response = run_action(request, services.refund, form=form, transaction=t, credit_note=data["credit_note"],
                              credit=data["credit"], amount=data["amount"], success=_("Refund matched."),
                              redirect_to=reverse("payments-transaction", args=[t.pk]))
        if response:
            return response
    return _transaction_page(request, t, status=400, refund_form=form)


@login_required
@require_POST
def set_aside(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        response = run_action(request, services.set_aside, form=form, transaction=t,
                              reason=form.cleaned_data["reason"], success=_("Transaction set aside."),
                              redirect_to=reverse("payments-queue", args=[t.account.entity_id]))
        if response:
            return response
    return _transaction_page(request, t, status=400, reason_form=form)


@login_required
@require_POST
def bring_back(request, pk):
    t = get_or_404(selectors.transaction_for, request.user, pk)
    try:
        services.bring_back(actor=request.user, transaction=t)
    except ValidationError as exc:
        return _transaction_page(request, t, status=400, errors=_messages_of(exc))
    messages.success(request, _("Transaction back in the queue."))
    return redirect("payments-transaction", pk=t.pk)


def _staff_allocation(user, pk) -> Allocation:
    return (Allocation.objects.filter(entity_id__in=permissions.money_entities(user))
            .select_related("transaction", "document").get(pk=pk))


@login_required
@require_POST
def reverse_allocation(request, pk):
    allocation = get_or_404(_staff_allocation, request.user, pk)
    default = (reverse("payments-transaction", args=[allocation.transaction_id]) if allocation.transaction_id
               else reverse("document-detail", args=[allocation.document_id]))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(request, services.reverse_allocation, allocation=allocation, reason=reason,
                      success=_("Allocation undone."), redirect_to=default)


@login_required
@require_POST
def use_credit(request, pk):
    """Settle an invoice of the same client with a client credit (from the money page)."""
    credit = get_or_404(_staff_allocation, request.user, pk)
    if credit.kind != AllocationKind.CLIENT_CREDIT:
        raise Http404
    default = reverse("activity-money", args=[credit.activity_id])
    form = UseCreditForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
        return redirect(_next(request, default))
    document = Document.objects.filter(entity_id=credit.entity_id, pk=form.cleaned_data["document"]).select_related("entity").first()
    if document is None:
        raise Http404
    return run_action(request, services.use_credit, document=document, credit=credit,
                      amount=form.cleaned_data["amount"],
                      success=_("%(number)s settled with the client's credit.") % {"number": document.number},
                      redirect_to=default)


# --- members: an activity's money ------------------------------------------------------------------


@login_required
def activity_money(request, pk):
    activity = get_or_404(selectors.activity_for, request.user, pk)
    summary = selectors.money_summary(request.user, activity)
    can_match = request.user.has_perm("payments.match_payment", activity.entity)
    targets = selectors.credit_targets(summary["credits"]) if can_match else {}
    credits = [(c, targets.get(c.client_id, [])) for c in summary["credits"]]
    return render(request, "payments/money.html", {**summary, "credits": credits, "can_match": can_match,
                                                   "here": request.get_full_path()})

