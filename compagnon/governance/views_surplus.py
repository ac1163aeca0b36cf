"""Pages of surplus sharing (the entity's administrators) and the transparency page (every member
of the entity)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import selectors, surplus, transparency
from .forms_surplus import PostForm, RulesForm, SimulateForm
from .surplus_models import SurplusAllocation
from .views import transparency_url


def _entity(request, entity_pk):
    entity = get_or_404(selectors.assembly_entity, request.user, entity_pk)
    require(request.user, "governance.manage_surplus", entity)
    return entity


def _surplus_context(request, entity, **forms):
    rules = selectors.distribution_rules(request.user, entity)
    return {
        "entity": entity,
        "current": rules.first(),
        "history": list(rules[1:10]),
        "allocations": list(selectors.allocations(request.user, entity)[:10]),
        "rules_form": forms.get("rules_form") or RulesForm(resolutions=surplus.adoptable_resolutions(entity)),
        "simulate_form": forms.get("simulate_form") or SimulateForm(rules=rules),
    }


@login_required
def surplus_page(request, entity_pk):
    entity = _entity(request, entity_pk)
    return render(request, "governance/surplus.html", _surplus_context(request, entity))


@login_required
@require_POST
def rules_view(request, entity_pk):
    entity = _entity(request, entity_pk)
    form = RulesForm(request.POST, resolutions=surplus.adoptable_resolutions(entity))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            surplus.save_rules(actor=request.user, entity=entity, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The rules are recorded; they apply to the next simulations."))
            return redirect("governance-surplus", entity.pk)
    return render(request, "governance/surplus.html", _surplus_context(request, entity, rules_form=form), status=400)


@login_required
@require_POST
def simulate_view(request, entity_pk):
    entity = _entity(request, entity_pk)
    form = SimulateForm(request.POST, rules=selectors.distribution_rules(request.user, entity))
    if form.is_valid():
        try:
            allocation = surplus.simulate(
                actor=request.user, entity=entity, year=form.cleaned_data["year"], rules=form.cleaned_data["rules"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("governance-allocation", allocation.pk)
    return render(request, "governance/surplus.html", _surplus_context(request, entity, simulate_form=form), status=400)


def _allocation_context(allocation: SurplusAllocation, form=None):
    parts = [(name, _(surplus.PART_LABELS[name]), getattr(allocation, name)) for name in SurplusAllocation.PARTS]
    detail = allocation.detail or {}
    return {
        "allocation": allocation,
        "entity": allocation.entity,
        "parts": parts,
        "workers": detail.get("workers", []),
        "associates": detail.get("associates", []),
        "split": detail.get("split", ""),
        "notes": [_(n) for n in detail.get("notes", [])],
        "form": None if allocation.posted else (form or PostForm(initial={"date": timezone.localdate()})),
    }


@login_required
def allocation_page(request, pk):
    allocation = get_or_404(selectors.allocation, request.user, pk)
    require(request.user, "governance.manage_surplus", allocation.entity)
    return render(request, "governance/allocation.html", _allocation_context(allocation))


@login_required
@require_POST
def post_view(request, pk):
    allocation = get_or_404(selectors.allocation, request.user, pk)
    require(request.user, "governance.manage_surplus", allocation.entity)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            surplus.post(actor=request.user, allocation=allocation, date=form.cleaned_data["date"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The allocation is posted to the books."))
            return redirect("governance-allocation", allocation.pk)
    return render(request, "governance/allocation.html", _allocation_context(allocation, form), status=400)


@login_required
def transparency_page(request, entity_pk):
    entity = get_or_404(selectors.transparency_entity, request.user, entity_pk)
    require(request.user, "governance.view_transparency", entity)
    return render(
        request,
        "governance/transparency_page.html",
        {
            "entity": entity,
            "figures": transparency.figures(entity),
            "decisions": selectors.recent_decisions(request.user, entity),
            "figures_url": transparency_url(entity.pk),
            "may_manage": request.user.has_perm("governance.manage_surplus", entity),
        },
    )
