"""Reads for the pages and the API, always from a scope of ``rules`` (what the user may see), with
the related rows a page shows fetched in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from compagnon import permissions
from compagnon.members.models import Activity, Member, MemberStatus, Trade

from . import rules
from .models import (
    Contract,
    ContractState,
    Request,
    Sector,
    Service,
    Slot,
    Unavailability,
    Visit,
    VisitState,
    VisitTask,
)


def my_member(user) -> Member | None:
    s = permissions.scope_for(user)
    return (
        Member.objects.select_related("user", "entity").filter(pk=s.member_id).first()
        if s.member_id
        else None
    )


def mark_client_visibility(user, objects):
    """Set ``shows_client`` on each request, contract or visit: whether the page may print the
    client's name, phone, email and exact address."""
    for obj in objects:
        obj.shows_client = rules.sees_client(user, obj)
    return objects


# --- sectors and the catalogue --------------------------------------------------------------------


def sectors(user) -> QuerySet[Sector]:
    return (
        rules.sectors(user)
        .select_related("entity", "office", "lead__user")
        .prefetch_related("trades")
    )


def sector_detail(user, pk: int) -> Sector:
    return sectors(user).get(pk=pk)


def catalogue(entity, *, trade: Trade | None = None, active_only: bool = True) -> QuerySet[Service]:
    """The entity's services (public: shown on the request page)."""
    qs = Service.objects.filter(entity=entity).select_related("trade")
    if active_only:
        qs = qs.filter(active=True)
    if trade is not None:
        qs = qs.filter(trade=trade)
    return qs.order_by("trade__code", "name_fr", "id")


def services(user) -> QuerySet[Service]:
    return (
        rules.services(user)
        .select_related("trade", "entity")
        .order_by("entity_id", "trade__code", "name_fr", "id")
    )


def trades_of(entity) -> list[Trade]:
    return list(
        Trade.objects.filter(field_services__entity=entity, field_services__active=True)
        .distinct()
        .order_by("code")
    )


# --- requests --------------------------------------------------------------------------------------


def requests(user, *, state: str = "", sector_id: int | None = None) -> QuerySet[Request]:
    qs = rules.requests(user).select_related(
        "sector", "trade", "taken_by__user", "proposed_member__user", "entity"
    )
    if state:
        qs = qs.filter(state=state)
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    return qs.prefetch_related("services__trade", "photos")


def request_detail(user, pk: int) -> Request:
    return requests(user).get(pk=pk)


def activities_to_take(user, request: Request) -> list[Activity]:
    """The activities the user works in, in the request's entity (the trade's first)."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return []
    qs = Activity.objects.filter(
        entity_id=request.entity_id, memberships__member_id=s.member_id
    ).distinct()
    return sorted(qs, key=lambda a: (a.trade_id != request.trade_id, a.name.casefold(), a.pk))


def proposable_members(request: Request) -> list[Member]:
    if request.sector_id is None:
        return []
    return list(
        Member.objects.filter(sector_memberships__sector_id=request.sector_id)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )


# --- contracts -------------------------------------------------------------------------------------


def contracts(
    user, *, state: str = "", client_id: int | None = None, activity_id: int | None = None
) -> QuerySet[Contract]:
    qs = rules.contracts(user).select_related(
        "activity__entity", "client", "member__user", "sector"
    )
    if state:
        qs = qs.filter(state=state)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    return qs


def contract_detail(user, pk: int) -> Contract:
    return contracts(user).prefetch_related("recurrences", "tasks__service").get(pk=pk)


def contract_by_token(token: str) -> Contract:
    return (
        Contract.objects.select_related("activity__entity", "client", "member__user")
        .prefetch_related("tasks")
        .get(client_token=token, state=ContractState.ACTIVE)
    )


def upcoming_visits(contract: Contract, *, limit: int = 6) -> list[Visit]:
    today = timezone.localdate()
    return list(
        contract.visits.filter(day__gte=today, state__in=(VisitState.TO_PLAN, VisitState.PLANNED))
        .select_related("member__user")
        .prefetch_related("tasks")
        .order_by("day", "starts_at", "id")[:limit]
    )


# --- visits and calendars ------------------------------------------------------------------------


def _visit_rows(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    return qs.select_related(
        "client", "member__user", "contract", "activity", "sector", "request"
    ).prefetch_related(Prefetch("tasks", queryset=VisitTask.objects.order_by("position", "id")))


def visits(
    user,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    member_id: int | None = None,
    sector_id: int | None = None,
    state: str = "",
) -> QuerySet[Visit]:
    qs = rules.visits(user)
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    if state:
        qs = qs.filter(state=state)
    return _visit_rows(qs).order_by("day", "starts_at", "id")


def visit_detail(user, pk: int) -> Visit:
    return _visit_rows(rules.visits(user)).get(pk=pk)


def day_list(user, member: Member, day: datetime.date) -> list[Visit]:
    """The member's visits of the day in order (planned times first)."""
    rows = list(
        visits(user, since=day, until=day, member_id=member.pk).exclude(state=VisitState.CANCELLED)
    )
    rows.sort(key=lambda v: (v.starts_at is None, v.starts_at or timezone.now(), v.pk))
    return mark_client_visibility(user, rows)


def week_of(day: datetime.date) -> tuple[datetime.date, list[datetime.date]]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, [monday + datetime.timedelta(days=i) for i in range(7)]


def member_week(user, member: Member, monday: datetime.date) -> dict:
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    rows = mark_client_visibility(
        user,
        list(
            visits(user, since=days[0], until=days[-1], member_id=member.pk).exclude(
                state=VisitState.CANCELLED
            )
        ),
    )
    start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time.min))
    end = start + datetime.timedelta(days=7)
    away = list(
        rules.unavailabilities(user).filter(member=member, starts_at__lt=end, ends_at__gt=start)
    )
    return {
        "days": [
            {
                "day": d,
                "visits": [v for v in rows if v.day == d],
                "away": [
                    u
                    for u in away
                    if timezone.localtime(u.starts_at).date()
                    <= d
                    <= timezone.localtime(u.ends_at).date()
                ],
            }
            for d in days
        ]
    }


def sector_week(user, sector: Sector, monday: datetime.date) -> dict:
    """Everyone's week in a sector: one row per member, one cell per day, and the visits of the
    week still to plan."""
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    members = list(
        Member.objects.filter(sector_memberships__sector=sector)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "id")
    )
    rows = mark_client_visibility(
        user,
        list(
            visits(user, since=days[0], until=days[-1], sector_id=sector.pk).exclude(
                state=VisitState.CANCELLED
            )
        ),
    )
    start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time.min))
    end = start + datetime.timedelta(days=7)
    away = list(
        Unavailability.objects.filter(member__in=members, starts_at__lt=end, ends_at__gt=start)
    )
    grid = []
    for member in members:
        cells = []
        for d in days:
            cells.append(
                {
                    "day": d,
                    "visits": [
                        v
                        for v in rows
                        if v.member_id == member.pk and v.day == d and v.state != VisitState.TO_PLAN
                    ],
                    "away": [
                        u
                        for u in away
                        if u.member_id == member.pk
                        and timezone.localtime(u.starts_at).date()
                        <= d
                        <= timezone.localtime(u.ends_at).date()
                    ],
                }
            )
        grid.append({"member": member, "cells": cells})
    to_plan = [
        v
        for v in rows
        if v.state == VisitState.TO_PLAN or v.member_id not in {m.pk for m in members}
    ]
    return {"days": days, "grid": grid, "to_plan": to_plan, "members": members}


def unavailabilities(user, member: Member) -> QuerySet[Unavailability]:
    return (
        rules.unavailabilities(user)
        .filter(member=member, ends_at__gte=timezone.now())
        .order_by("starts_at", "id")
    )


def slots(
    user, *, member_id: int | None = None, sector_id: int | None = None, free_only: bool = False
) -> QuerySet[Slot]:
    qs = rules.slots(user).select_related("member__user", "sector", "activity", "visit")
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    if free_only:
        qs = qs.filter(visit__isnull=True, starts_at__gt=timezone.now())
    return qs.order_by("starts_at", "id")


def free_slots(
    *, sector: Sector | None = None, entity=None, member_id: int | None = None, limit: int = 40
) -> list[Slot]:
    """Public: the future free slots of a sector (or of one member), for booking."""
    qs = Slot.objects.filter(visit__isnull=True, starts_at__gt=timezone.now()).select_related(
        "member__user", "sector"
    )
    if sector is not None:
        qs = qs.filter(sector=sector)
    if entity is not None:
        qs = qs.filter(sector__entity=entity)
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    return list(qs.order_by("starts_at", "id")[:limit])
