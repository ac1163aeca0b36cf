"""Pages: my invoices an advance can be asked on and my advances (phone first), asking for one,
one advance, the advisors' and bookkeepers' queue, and for the bookkeepers the guarantee fund
(balance, open advances, losses due), the policy and paying advances in a transfer batch.

Advances come from the permission layer (404 outside the user's scope); actions check the rules
(403 for a visible advance the user may not decide)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.formatting import money
from compagnon.core.params import id_param, paginate
from compagnon.core.views_helpers import get_or_404, run_action
from compagnon.organisation.models import Entity

from . import policy, selectors, services
from .forms import AskForm, PayForm, PolicyForm, RefuseForm
from .models import AdvanceState


def _staff(user) -> dict:
    scope = permissions.scope_for(user)
    books = permissions.money_entities(user)
    return {"reviews": scope.is_advisor or bool(books), "books": bool(books)}


@login_required
def home(request):
    invoices = selectors.eligible_invoices(request.user)
    member = selectors.member_for(request.user)
    rows = [(a.document, a) for a in policy.assess_all(invoices, member)] if member else []
    return render(request, "prefinancing/home.html", {
        "rows": [(d, a) for d, a in rows if a.possible or a.blockers[0]["code"] != "disabled"],
        "disabled": bool(rows) and all(a.blockers and a.blockers[0]["code"] == "disabled" for _d, a in rows),
        "page": paginate(request, selectors.advance_list(request.user, mine=True), 25),
        **_staff(request.user),
    })


@login_required
def ask(request, pk):
    document = get_or_404(selectors.invoice_for, request.user, pk)
    if not services.may_ask(request.user, document.activity):
        raise PermissionDenied(_("Only the members working in this activity can ask for an advance on its invoices."))
    member = selectors.member_for(request.user)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.request_advance, document=document, form=form,
                              amount=form.cleaned_data["amount"], success=_said, redirect_to="prefinancing-home")
        if response is not None:
            return redirect("prefinancing-detail", pk=response.result.pk)
    amount = form.cleaned_data.get("amount") if form.is_bound and form.is_valid() else None
    answer = policy.assess(document, member, amount)
    if not form.is_bound:
        form = AskForm(initial={"amount": answer.maximum})
    return render(request, "prefinancing/ask.html", {"document": document, "form": form, "answer": answer,
                                                     "still_due": document.payable - document.paid_amount},
                  status=400 if request.method == "POST" else 200)


def _said(advance) -> str:
    if advance.state == AdvanceState.APPROVED:
        return _("Advance of %(amount)s approved: it is paid with the next transfers.") % {
            "amount": money(advance.net_paid)}
    return _("Advance of %(amount)s asked: a person checks it and answers you.") % {"amount": money(advance.amount)}


@login_required
def detail(request, pk):
    advance = get_or_404(selectors.advance_detail, request.user, pk)
    return render(request, "prefinancing/detail.html", {
        "advance": advance, "reasons": policy.explain_all(advance.reasons),
        "can_decide": advance.state == AdvanceState.REQUESTED and services.may_decide(request.user, advance),
        "refuse_form": RefuseForm(), "settlements": list(advance.settlements.all()),
    })


def _decidable(request, pk):
    advance = get_or_404(selectors.advance_detail, request.user, pk)
    if not services.may_decide(request.user, advance):
        raise PermissionDenied(_("Only the member's advisor or the bookkeeping staff decide an advance."))
    return advance


@login_required
@require_POST
def approve(request, pk):
    advance = _decidable(request, pk)
    return run_action(request, services.approve_advance, advance=advance, success=_("Advance approved and booked."),
                      redirect_to="prefinancing-review")


@login_required
def refuse(request, pk):
    advance = _decidable(request, pk)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = run_action(request, services.refuse_advance, advance=advance, reason=form.cleaned_data["reason"],
                              form=form, success=_("Advance refused; the member reads why."),
                              redirect_to="prefinancing-review")
        if response is not None:
            return response
    return render(request, "prefinancing/detail.html", {
        "advance": advance, "reasons": policy.explain_all(advance.reasons), "can_decide": True,
        "refuse_form": form, "settlements": list(advance.settlements.all())},
        status=400 if request.method == "POST" else 200)


@login_required
def review(request):
    staff = _staff(request.user)
    if not staff["reviews"]:
        raise Http404
    office = id_param(request, "office")
    rows = list(selectors.review_queue(request.user, office_id=office)[:200])
    return render(request, "prefinancing/review.html", {
        "rows": [(a, policy.explain_all(a.reasons)) for a in rows],
        "offices": permissions.offices(request.user).order_by("name"), "office": office, **staff})


def _books_entity(request, entity_pk=None) -> Entity:
    entities = list(selectors.money_entities(request.user))
    if not entities:
        raise Http404
    wanted = entity_pk or id_param(request, "entity")
    if wanted is None:
        return entities[0]
    for e in entities:
        if e.pk == wanted:
            return e
    raise Http404


@login_required
def fund(request):
    entity = _books_entity(request)
    due = {a.pk for a in services.losses_due([entity.pk])}
    open_advances = list(selectors.open_advances(entity))
    return render(request, "prefinancing/fund.html", {
        **selectors.fund(entity), "entities": selectors.money_entities(request.user),
        "advances": [(a, a.pk in due) for a in open_advances],
        "to_pay": list(services.to_pay([entity.pk]).select_related("member__user", "document")),
        "today": timezone.localdate(),
    })


@login_required
def policy_edit(request, entity_pk):
    entity = _books_entity(request, entity_pk)
    current = policy.policy_for(entity)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in PolicyForm.Meta.fields}
        response = run_action(request, services.save_policy, entity=entity, form=form,
                              success=_("Prefinancing policy saved."), redirect_to="prefinancing-fund", **values)
        if response is not None:
            return response
    return render(request, "prefinancing/policy.html", {"form": form, "entity": entity},
                  status=400 if request.method == "POST" else 200)


@login_required
def pay(request, entity_pk):
    from compagnon.payouts.models import BatchState, PayoutBatch

    entity = _books_entity(request, entity_pk)
    batches = PayoutBatch.objects.filter(entity=entity, state=BatchState.DRAFT)
    waiting = list(services.to_pay([entity.pk]).select_related("member__user", "document"))
    form = PayForm(request.POST or None)
    form.fields["batch"].choices = [(str(b.pk), str(b)) for b in batches]
    form.fields["advances"].choices = [(str(a.pk), f"{a} · {a.member} · {a.document.number} · {a.net_paid} €")
                                       for a in waiting]
    if request.method == "POST" and form.is_valid():
        batch = batches.get(pk=form.cleaned_data["batch"])
        chosen = [a for a in waiting if str(a.pk) in form.cleaned_data["advances"]]
        response = run_action(request, services.add_to_batch, batch=batch, advances=chosen, form=form,
                              success=lambda done: _("Advances added to the batch: %(count)s.") % {"count": len(done)},
                              redirect_to="prefinancing-fund")
        if response is not None:
            return response
    return render(request, "prefinancing/pay.html", {"form": form, "waiting": waiting, "batches": batches,
                                                     "entity": entity},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def loss(request, pk):
    advance = get_or_404(selectors.advance_detail, request.user, pk)
    if not request.user.has_perm("prefinancing.manage", advance.entity):
        raise PermissionDenied
    return run_action(request, services.take_loss, advance=advance, success=_("The loss is booked."),
                      redirect_to="prefinancing-fund")
