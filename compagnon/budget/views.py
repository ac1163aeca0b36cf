"""The budget pages: an activity's budget with its period, movements between activities (asked by
members, decided by advisors), and the staff page of contribution rates and reserve rules."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.views_helpers import get_or_404, run_action

from . import explain, selectors, services
from .forms import MovementForm, PeriodForm, PolicyForm, RateForm, RefusalForm
from .models import BudgetPolicy, ContributionRate


def period_of(data, today: datetime.date | None = None):
    """(form, date_from, date_to) from the query string; year to date by default."""
    today = today or timezone.localdate()
    form = PeriodForm(data or None)
    date_from, date_to = selectors.year_to_date(today)
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["period"] or "ytd"
        if period == "last_year":
            date_from, date_to = (
                datetime.date(today.year - 1, 1, 1),
                datetime.date(today.year - 1, 12, 31),
            )
        elif period == "all":
            date_from = None
        elif period == "custom" or form.cleaned_data["date_from"] or form.cleaned_data["date_to"]:
            date_from = form.cleaned_data["date_from"] or date_from
            date_to = form.cleaned_data["date_to"] or today
    return form, date_from, date_to


def _targets(user, activity):
    s = permissions.scope_for(user)
    return (
        permissions.activities(user)
        .filter(memberships__member_id=s.member_id, entity_id=activity.entity_id)
        .exclude(pk=activity.pk)
        .order_by("name")
    )


@login_required
def budget(request, pk):
    activity = get_or_404(selectors.visible_activity, request.user, pk)
    form, date_from, date_to = period_of(request.GET)
    b = selectors.compute(activity, date_from, date_to)
    can_move = request.user.has_perm("budget.request_movement", activity)
    move_form = None
    if can_move:
        targets = _targets(request.user, activity)
        move_form = MovementForm(targets=targets) if targets.exists() else None
    return render(
        request,
        "budget/budget.html",
        {
            "activity": activity,
            "budget": b,
            "form": form,
            "move_form": move_form,
            "movements": selectors.movements(request.user).filter(
                Q(source=activity) | Q(target=activity)
            )[:50],
            "figure": explain.figures([b]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def movement_request(request, pk):
    activity = get_or_404(selectors.visible_activity, request.user, pk)
    if not request.user.has_perm("budget.request_movement", activity):
        raise PermissionDenied
    form = MovementForm(request.POST, targets=_targets(request.user, activity))
    back = redirect("activity-budget", pk=activity.pk)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return back
    response = run_action(
        request,
        services.request_movement,
        source=activity,
        target=form.cleaned_data["target"],
        amount=form.cleaned_data["amount"],
        reason=form.cleaned_data["reason"],
        redirect_to=back.url,
        success=lambda m: (
            _("The movement is approved and booked.")
            if m.status == "approved"
            else _("Your request is sent to your advisor.")
        ),
    )
    return response


@login_required
def movement_list(request):
    return render(
        request,
        "budget/movements.html",
        {
            "movements": selectors.movements(request.user)[:200],
            "to_decide": selectors.decidable(request.user),
            "refusal_form": RefusalForm(),
        },
    )


def _movement(request, pk):
    return get_or_404(selectors.movements(request.user).get, pk=pk)


@login_required
@require_POST
def movement_approve(request, pk):
    movement = _movement(request, pk)
    response = run_action(
        request,
        services.approve,
        movement=movement,
        redirect_to="budget-movements",
        success=_("Approved and booked."),
    )
    return response


@login_required
@require_POST
def movement_refuse(request, pk):
    movement = _movement(request, pk)
    form = RefusalForm(request.POST)
    reason = form.data.get("refusal_reason", "")
    return run_action(
        request,
        services.refuse,
        movement=movement,
        reason=reason,
        redirect_to="budget-movements",
        success=_("Refused. The member reads your reason."),
    )


@login_required
def rates(request, entity_pk):
    entity = get_or_404(permissions.entities(request.user).get, pk=entity_pk)
    if not request.user.has_perm("budget.change_rates", entity):
        raise PermissionDenied
    activities = entity.activities.order_by("name")
    policy = BudgetPolicy.objects.filter(entity=entity).first() or BudgetPolicy(entity=entity)
    rate_form = RateForm(prefix="rate", activities=activities)
    policy_form = PolicyForm(instance=policy, prefix="policy")
    status = 200
    if request.method == "POST":
        if "rate-rate" in request.POST:
            rate_form = RateForm(
                request.POST,
                prefix="rate",
                activities=activities,
                instance=ContributionRate(entity=entity),
            )
            if rate_form.is_valid():
                fields = {k: rate_form.cleaned_data[k] for k in rate_form.Meta.fields}
                done = run_action(
                    request,
                    services.add_rate,
                    entity=entity,
                    form=rate_form,
                    redirect_to=request.path,
                    success=_("Rate added."),
                    **fields,
                )
                if done is not None:
                    return done
            status = 400
        else:
            policy_form = PolicyForm(request.POST, instance=policy, prefix="policy")
            if policy_form.is_valid():
                fields = {k: policy_form.cleaned_data[k] for k in PolicyForm.Meta.fields}
                done = run_action(
                    request,
                    services.save_policy,
                    entity=entity,
                    form=policy_form,
                    redirect_to=request.path,
                    success=_("Budget rules saved."),
                    **fields,
                )
                if done is not None:
                    return done
            status = 400
    return render(
        request,
        "budget/rates.html",
        {
            "entity": entity,
            "rates": ContributionRate.objects.filter(entity=entity).select_related("activity"),
            "rate_form": rate_form,
            "policy_form": policy_form,
        },
        status=status,
    )
