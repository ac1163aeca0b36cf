"""Pages of internal subcontracting (phone first; 404 outside one's scope, 403 for a visible
object one may not act on)."""

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
from compagnon.core.params import paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import selectors, services
from .forms import DeclineForm, PolicyForm, SubcontractForm
from .models import Status


@login_required
def subcontract_list(request):
    asked = paginate(request, selectors.asked(request.user).order_by("-created_at", "-id"), 20, name="asked")
    received = paginate(request, selectors.received(request.user).order_by("-created_at", "-id"), 20, name="received")
    return render(
        request, "subcontracting/list.html",
        {
            "asked": asked,
            "received": received,
            "to_answer": list(selectors.to_answer(request.user)[:20]),
            "may_ask": selectors.held_activities(request.user).exists(),
            "staff_entities": list(selectors.staff_entities(request.user)),
            "decline_form": DeclineForm(),
        },
    )


def _new_form(request, data=None):
    held = selectors.held_activities(request.user)
    entity_id = permissions.scope_for(request.user).member_entity_id
    return SubcontractForm(
        data, held=held, providers=selectors.directory(entity_id),
        documents=selectors.client_documents(request.user, held),
    )


@login_required
def subcontract_new(request):
    if not selectors.held_activities(request.user).exists():
        raise Http404
    if request.method == "POST":
        form = _new_form(request, request.POST)
        if form.is_valid():
            try:
                s = services.ask(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Asked: the other activity is asked to accept."))
                return redirect("subcontracting-detail", s.pk)
        return render(request, "subcontracting/new.html", {"form": form}, status=400)
    return render(request, "subcontracting/new.html", {"form": _new_form(request)})


@login_required
def subcontract_page(request, pk):
    s = get_or_404(selectors.subcontract, request.user, pk)
    user = request.user
    invoices = selectors.invoices_of(s)
    cancelled = {i.corrects_id for i in invoices if i.corrects_id}
    return render(
        request, "subcontracting/detail.html",
        {
            "s": s,
            "invoices": [
                (i, i.kind == "invoice" and i.pk not in cancelled and user.has_perm("subcontracting.cancel", i))
                for i in invoices
            ],
            "may_decide": s.status == Status.PENDING and user.has_perm("subcontracting.decide", s),
            "may_withdraw": s.status in (Status.PENDING, Status.ACCEPTED) and user.has_perm("subcontracting.withdraw", s),
            "may_issue": s.status == Status.ACCEPTED and s.client_document_id is None
            and user.has_perm("subcontracting.issue", s),
            "decline_form": DeclineForm(),
        },
    )


@login_required
@require_POST
def subcontract_decide(request, pk, decision):
    s = get_or_404(selectors.subcontract, request.user, pk)
    require(request.user, "subcontracting.decide", s)
    to = reverse("subcontracting-detail", args=[s.pk])
    if decision == "accept":
        return run_action(request, services.accept, subcontract=s, redirect_to=to, success=_("Work accepted."))
    form = DeclineForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    return run_action(request, services.decline, subcontract=s, answer=answer, redirect_to=to, success=_("Work declined."))


@login_required
@require_POST
def subcontract_withdraw(request, pk):
    s = get_or_404(selectors.subcontract, request.user, pk)
    require(request.user, "subcontracting.withdraw", s)
    return run_action(
        request, services.withdraw, subcontract=s, redirect_to=reverse("subcontracting-detail", args=[s.pk]),
        success=_("Request withdrawn."),
    )


@login_required
@require_POST
def subcontract_issue(request, pk):
    s = get_or_404(selectors.subcontract, request.user, pk)
    require(request.user, "subcontracting.issue", s)
    response = run_action(
        request, services.issue_by_hand, subcontract=s, redirect_to=reverse("subcontracting-detail", args=[s.pk]),
        success=lambda inv: _("Internal invoice %(number)s issued.") % {"number": inv.number},
    )
    return response


@login_required
def invoice_page(request, pk):
    invoice = get_or_404(selectors.internal_invoice, request.user, pk)
    return render(request, "subcontracting/invoice.html", {"invoice": invoice, "s": invoice.subcontract})


@login_required
@require_POST
def invoice_cancel(request, pk):
    invoice = get_or_404(selectors.internal_invoice, request.user, pk)
    require(request.user, "subcontracting.cancel", invoice)
    return run_action(
        request, services.cancel, invoice=invoice, redirect_to=reverse("subcontracting-detail", args=[invoice.subcontract_id]),
        success=lambda note: _("Internal credit note %(number)s issued.") % {"number": note.number},
    )


@login_required
def entity_list(request, entity_pk):
    entity = get_or_404(lambda u, pk: selectors.staff_entities(u).get(pk=pk), request.user, entity_pk)
    require(request.user, "subcontracting.view_entity", entity)
    page = paginate(request, selectors.entity_subcontracts(request.user, entity), 30)
    return render(
        request, "subcontracting/entity.html",
        {
            "entity": entity,
            "page": page,
            "policy": services.policy_for(entity),
            "may_manage": request.user.has_perm("subcontracting.manage_policy", entity),
        },
    )


@login_required
def policy_page(request, entity_pk):
    entity = get_or_404(lambda u, pk: selectors.admin_entities(u).get(pk=pk), request.user, entity_pk)
    require(request.user, "subcontracting.manage_policy", entity)
    policy = services.policy_for(entity)
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.save_policy(actor=request.user, entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Setting saved."))
                return redirect("subcontracting-entity", entity.pk)
        return render(request, "subcontracting/settings.html", {"entity": entity, "form": form}, status=400)
    form = PolicyForm(initial={"internal_rate": policy.internal_rate})
    return render(request, "subcontracting/settings.html", {"entity": entity, "form": form})
