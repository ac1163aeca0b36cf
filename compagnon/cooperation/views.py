"""Pages of the skill barter and of the shared positions (404 outside one's scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.collation import by_name
from compagnon.core.params import paginate
from compagnon.core.services import require
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.members.models import Activity, ActivityStatus, Member, MemberStatus

from . import barter, positions, selectors
from .forms import CostForm, ExchangeForm, PositionForm


def colleagues(member):
    return (
        Member.objects.filter(entity_id=member.entity_id)
        .exclude(pk=member.pk)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by(*by_name("user__last_name", "user__first_name"), "id")
    )


def _barter_context(request, member, form=None):
    page = paginate(request, selectors.exchanges(request.user), 30)
    own = selectors.balances([member.pk])[member.pk] if member else None
    return {
        "member": member,
        "own": own,
        "page": page,
        "to_confirm": list(selectors.to_confirm(request.user)) if member else [],
        "partners": selectors.partners(member) if member else [],
        "form": form or (ExchangeForm(colleagues=colleagues(member), initial={"date": timezone.localdate()}) if member else None),
        "totals_entities": list(selectors.totals_entities(request.user)),
    }


@login_required
def barter_page(request):
    member = selectors.own_member(request.user)
    if request.method == "POST":
        if member is None:
            raise Http404
        form = ExchangeForm(request.POST, colleagues=colleagues(member))
        if form.is_valid():
            try:
                barter.record_exchange(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Recorded: your colleague is asked to confirm."))
                return redirect("cooperation-barter")
        return render(request, "cooperation/barter.html", _barter_context(request, member, form), status=400)
    return render(request, "cooperation/barter.html", _barter_context(request, member))


@login_required
@require_POST
def exchange_decide(request, pk, decision):
    exchange = get_or_404(selectors.exchange, request.user, pk)
    fn = barter.confirm_exchange if decision == "confirm" else barter.decline_exchange
    return run_action(
        request, fn, exchange=exchange, redirect_to="cooperation-barter",
        success=_("Exchange confirmed.") if decision == "confirm" else _("Exchange declined."),
    )


@login_required
def barter_totals(request, entity_pk):
    entity = get_or_404(selectors.totals_entity, request.user, entity_pk)
    require(request.user, "cooperation.view_barter_totals", entity)
    page = paginate(request, selectors.totals_members(request.user, entity.pk), 50)
    return render(
        request, "cooperation/barter_totals.html",
        {"entity": entity, "page": page, "rows": selectors.with_balances(list(page.object_list))},
    )


# --- shared positions -----------------------------------------------------------------------------


@login_required
def position_list(request):
    page = paginate(request, selectors.positions(request.user).order_by("title", "id"), 30)
    return render(
        request, "cooperation/positions.html",
        {
            "page": page,
            "pending": selectors.pending_shares(request.user),
            "entities": list(selectors.manageable_entities(request.user)),
        },
    )


def _entity_activities(entity):
    return Activity.objects.filter(entity=entity).exclude(status=ActivityStatus.CLOSED).order_by(*by_name("name"), "id")


@login_required
def position_new(request, entity_pk):
    entity = get_or_404(lambda u, pk: selectors.manageable_entities(u).get(pk=pk), request.user, entity_pk)
    activities = _entity_activities(entity)
    if request.method == "POST":
        form = PositionForm(request.POST, activities=activities)
        if form.is_valid():
            d = form.cleaned_data
            try:
                p = positions.create_position(
                    actor=request.user, entity=entity, title=d["title"], hours_per_week=d["hours_per_week"],
                    employer=d["employer"], monthly_cost=d["monthly_cost"], starts_on=d["starts_on"], shares=d["shares"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Position created: each activity is asked to accept its share."))
                return redirect("cooperation-position", p.pk)
        return render(request, "cooperation/position_new.html", {"entity": entity, "form": form}, status=400)
    return render(
        request, "cooperation/position_new.html",
        {"entity": entity, "form": PositionForm(activities=activities, initial={"starts_on": timezone.localdate()})},
    )


def _position_context(request, position, cost_form=None):
    shares = selectors.shares_of(position)
    charges = list(selectors.charges_of(position)[:24])
    names = {str(s.activity_id): s.activity.name for s in shares}
    for c in charges:
        c.parts = [(names.get(k, k), v) for k, v in c.split.items()]
    may_manage = request.user.has_perm("cooperation.manage_positions", position)
    return {
        "position": position,
        "shares": [(s, request.user.has_perm("cooperation.decide_share", s)) for s in shares],
        "charges": charges,
        "may_manage": may_manage,
        "cost_form": cost_form or (CostForm(initial={"monthly_cost": position.monthly_cost}) if may_manage else None),
    }


@login_required
def position_page(request, pk):
    position = get_or_404(selectors.position, request.user, pk)
    return render(request, "cooperation/position.html", _position_context(request, position))


@login_required
@require_POST
def position_cost(request, pk):
    position = get_or_404(selectors.position, request.user, pk)
    require(request.user, "cooperation.manage_positions", position)
    form = CostForm(request.POST)
    if form.is_valid():
        try:
            positions.set_monthly_cost(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Monthly cost saved."))
            return redirect("cooperation-position", position.pk)
    return render(request, "cooperation/position.html", _position_context(request, position, form), status=400)


@login_required
@require_POST
def position_end(request, pk):
    position = get_or_404(selectors.position, request.user, pk)
    require(request.user, "cooperation.manage_positions", position)
    return run_action(
        request, positions.end_position, position=position, redirect_to=reverse("cooperation-position", args=[position.pk]),
        success=_("Position ended."),
    )


@login_required
@require_POST
def share_decide(request, pk, decision):
    share = get_or_404(selectors.share, request.user, pk)
    fn = positions.accept_share if decision == "accept" else positions.decline_share
    return run_action(
        request, fn, share=share, redirect_to=reverse("cooperation-position", args=[share.position_id]),
        success=_("Share accepted.") if decision == "accept" else _("Share declined."),
    )
