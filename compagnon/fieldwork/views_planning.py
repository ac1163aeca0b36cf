"""Planning pages: the member's day (the landing page, made for the phone), their week, a visit,
the sector's week with drag and drop (and its form fallback), unavailability, slots, the calendar
feed."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import date_param, id_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action
from compagnon.members.models import Activity, Member

from . import rules, selectors, services
from .forms import PlanForm, SlotForm, UnavailabilityForm
from .models import DepositState, SectorMembership


def _member_or_404(request) -> Member:
    member = selectors.my_member(request.user)
    if member is None:
        raise Http404
    return member


@login_required
def index(request):
    """Today's visits in order (or another day's): the member's landing page on the phone."""
    member = selectors.my_member(request.user)
    if member is None:
        return redirect("fieldwork-sectors")
    day = date_param(request, "day") or timezone.localdate()
    visits = selectors.day_list(request.user, member, day)
    return render(
        request,
        "fieldwork/day.html",
        {
            "member": member,
            "day": day,
            "visits": visits,
            "today": timezone.localdate(),
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
            "sectors": selectors.sectors(request.user).filter(
                id__in=rules.my_sector_ids(request.user)
            ),
            "offered": selectors.requests(request.user, state="offered").filter(
                sector_id__in=rules.my_sector_ids(request.user)
            )[:5],
        },
    )


@login_required
def week(request):
    who = id_param(request, "member")
    member = (
        get_or_404(rules.planning_members(request.user).select_related("user").get, pk=who)
        if who is not None
        else _member_or_404(request)
    )
    monday, _days = selectors.week_of(date_param(request, "week") or timezone.localdate())
    return render(
        request,
        "fieldwork/week.html",
        {
            "member": member,
            "monday": monday,
            "week": selectors.member_week(request.user, member, monday),
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
        },
    )


def _plan_members(user, visit) -> list[Member]:
    qs = Member.objects.select_related("user").exclude(status="left")
    if visit.sector_id:
        ids = set(
            SectorMembership.objects.filter(sector_id=visit.sector_id).values_list(
                "member_id", flat=True
            )
        )
    else:
        ids = set()
    ids |= set(visit.activity.memberships.values_list("member_id", flat=True))
    if visit.member_id:
        ids.add(visit.member_id)
    return list(qs.filter(pk__in=ids).order_by("user__first_name", "user__last_name", "id"))


@login_required
def visit_detail(request, pk: int, form=None, status=200):
    visit = get_or_404(selectors.visit_detail, request.user, pk)
    selectors.mark_client_visibility(request.user, [visit])
    may_plan = request.user.has_perm("fieldwork.plan_visit", visit)
    if form is None and may_plan:
        start = timezone.localtime(visit.starts_at).time() if visit.starts_at else None
        form = PlanForm(
            members=_plan_members(request.user, visit),
            initial={
                "member": visit.member_id,
                "day": visit.day or timezone.localdate(),
                "time": start,
            },
        )
    return render(
        request,
        "fieldwork/visit.html",
        {
            "visit": visit,
            "form": form,
            "may_plan": may_plan,
            "deposits": [d for d in visit.deposits.all() if d.state == DepositState.PAID],
        },
        status=status,
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def visit_plan(request, pk: int):
    """Plan (or move) a visit: the form of the visit's page, and what the sector week's drag and
    drop posts (answered in JSON)."""
    visit = get_or_404(selectors.visit_detail, request.user, pk)
    form = PlanForm(request.POST, members=_plan_members(request.user, visit))
    if form.is_valid():
        data = form.cleaned_data
        member = Member.objects.get(pk=data["member"])
        starts_at = (
            timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))
            if data["time"]
            else None
        )
        try:
            services.plan_visit(
                user=request.user, visit=visit, member=member, day=data["day"], starts_at=starts_at
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if _wants_json(request):
                return JsonResponse({"message": _("Visit planned.")})
            messages.success(request, _("Visit planned."))
            return redirect(
                request.POST.get("back") == "sector"
                and visit.sector_id
                and reverse("fieldwork-sector-week", args=[visit.sector_id])
                + f"?week={data['day']}"
                or reverse("fieldwork-visit", args=[pk])
            )
    if _wants_json(request):
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    return visit_detail(request, pk, form=form, status=400)


@login_required
def sector_list(request):
    return render(request, "fieldwork/sectors.html", {"sectors": selectors.sectors(request.user)})


@login_required
def sector_week(request, pk: int):
    sector = get_or_404(selectors.sector_detail, request.user, pk)
    monday, _days = selectors.week_of(date_param(request, "week") or timezone.localdate())
    data = selectors.sector_week(request.user, sector, monday)
    return render(
        request,
        "fieldwork/sector_week.html",
        {
            "sector": sector,
            "monday": monday,
            **data,
            "may_plan_any": request.user.has_perm("fieldwork.manage_sectors", sector)
            or sector.pk in rules.led_sector_ids(request.user)
            or sector.pk in rules.my_sector_ids(request.user),
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "free_slots": selectors.slots(request.user, sector_id=sector.pk, free_only=True)[:20],
        },
    )


@login_required
def unavailability(request):
    member = _member_or_404(request)
    form = UnavailabilityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = run_action(
                request,
                services.add_unavailability,
                success=_("Unavailability saved."),
                redirect_to=reverse("fieldwork-unavailability"),
                form=form,
                member=member,
                **form.cleaned_data,
            )
            if done is not None:
                return done
        status = 400
    return render(
        request,
        "fieldwork/unavailability.html",
        {"form": form, "rows": selectors.unavailabilities(request.user, member)},
        status=status,
    )


@login_required
@require_POST
def unavailability_delete(request, pk: int):
    row = get_or_404(rules.unavailabilities(request.user).select_related("member").get, pk=pk)
    return run_action(
        request,
        services.delete_unavailability,
        success=_("Unavailability removed."),
        redirect_to=reverse("fieldwork-unavailability"),
        unavailability=row,
    )


@login_required
def slots(request):
    member = _member_or_404(request)
    sectors = list(selectors.sectors(request.user).filter(id__in=rules.my_sector_ids(request.user)))
    activities = list(
        Activity.objects.filter(memberships__member=member).distinct().order_by("name")
    )
    form = SlotForm(request.POST or None, sectors=sectors, activities=activities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            done = run_action(
                request,
                services.publish_slot,
                success=_("Slot published."),
                redirect_to=reverse("fieldwork-slots"),
                form=form,
                member=member,
                sector=next(s for s in sectors if s.pk == data["sector"]),
                activity=next(a for a in activities if a.pk == data["activity"]),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                deposit=data["deposit"] or 0,
            )
            if done is not None:
                return done
        status = 400
    return render(
        request,
        "fieldwork/slots.html",
        {
            "form": form,
            "rows": selectors.slots(request.user, member_id=member.pk).filter(
                starts_at__gte=timezone.now()
            ),
            "sectors": sectors,
        },
        status=status,
    )


@login_required
@require_POST
def slot_delete(request, pk: int):
    slot = get_or_404(selectors.slots(request.user).get, pk=pk)
    return run_action(
        request,
        services.delete_slot,
        success=_("Slot removed."),
        redirect_to=reverse("fieldwork-slots"),
        slot=slot,
    )


@login_required
def feed(request):
    member = _member_or_404(request)
    feed = services.calendar_feed(member)
    return render(
        request,
        "fieldwork/feed.html",
        {"url": request.build_absolute_uri(reverse("fieldwork-ical", args=[feed.token]))},
    )


@login_required
@require_POST
def feed_rotate(request):
    member = _member_or_404(request)
    return run_action(
        request,
        services.rotate_feed,
        success=_("New address made: the old one no longer works."),
        redirect_to=reverse("fieldwork-feed"),
        member=member,
    )


@login_required
@require_POST
def deposit_refund(request, pk: int, deposit_pk: int):
    visit = get_or_404(selectors.visit_detail, request.user, pk)
    deposit = get_or_404(visit.deposits.get, pk=deposit_pk)
    return run_action(
        request,
        lambda actor: services.refund_deposit(actor=actor, deposit=deposit),
        success=_("The deposit is refunded to the client."),
        redirect_to=reverse("fieldwork-visit", args=[pk]),
    )
