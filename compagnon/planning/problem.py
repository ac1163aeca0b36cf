"""From the database to the solver and back: which visits a week's proposal plans, the members'
working blocks, skills, homes and hours (``build``); and the timing of a member's day after a
visit was moved by hand (``retime``).

Settings (defaults in brackets): ``PLANNING_DAY_START`` ["08:00"] and ``PLANNING_DAY_END``
["18:00"], the working hours of a field day; ``PLANNING_WORKDAYS`` [0-4: Monday to Friday];
``PLANNING_SECONDS`` [6], the solver's time limit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from compagnon import geo
from compagnon.fieldwork.models import SectorMembership, Unavailability, Visit, VisitState
from compagnon.members.models import MemberStatus

from .solver import DEFAULT_SECONDS, Job, Shift, Worker, free_blocks, minutes_of

MOVABLE = (VisitState.TO_PLAN, VisitState.PLANNED)


def _time_setting(name: str, default: str) -> int:
    value = getattr(settings, name, default)
    hours, minutes = str(value).split(":")
    return int(hours) * 60 + int(minutes)


def day_bounds() -> tuple[int, int]:
    return _time_setting("PLANNING_DAY_START", "08:00"), _time_setting("PLANNING_DAY_END", "18:00")


def time_limit() -> int:
    return int(getattr(settings, "PLANNING_SECONDS", DEFAULT_SECONDS))


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def workdays(monday: datetime.date, *, today: datetime.date | None = None) -> list[datetime.date]:
    """The working days of the week still to come (a proposal never plans today or before)."""
    today = today or timezone.localdate()
    days = [
        monday + datetime.timedelta(days=d)
        for d in getattr(settings, "PLANNING_WORKDAYS", range(5))
    ]
    return [d for d in days if d > today]


def week_visits(sector, monday: datetime.date):
    """The visits a proposal for this week plans: the sector's visits to plan or planned on a day
    of the week, and those to plan without a day yet (their contract's date in the week, or none)."""
    sunday = monday + datetime.timedelta(days=6)
    return (
        Visit.objects.filter(sector=sector, state__in=MOVABLE)
        .filter(
            Q(day__range=(monday, sunday))
            | Q(day__isnull=True, state=VisitState.TO_PLAN)
            & (Q(rhythm_date__range=(monday, sunday)) | Q(rhythm_date__isnull=True))
        )
        .select_related("request", "contract", "member")
        .prefetch_related("tasks__service", "request__services", "contract__tasks__service")
        .order_by("id")
    )


def visit_trades(visit) -> frozenset[int]:
    """The trades a visit needs: those of its tasks' services, else of its contract's tasks, else
    of its request (trade and chosen services); none means anyone of the sector may go."""
    trades = {t.service.trade_id for t in visit.tasks.all() if t.service_id}
    if not trades and visit.contract_id:
        trades = {t.service.trade_id for t in visit.contract.tasks.all() if t.service_id}
    if not trades and visit.request_id:
        trades = {s.trade_id for s in visit.request.services.all()}
        if visit.request.trade_id:
            trades.add(visit.request.trade_id)
    return frozenset(trades)


def position(obj) -> tuple[float, float] | None:
    if obj.latitude is None or obj.longitude is None:
        found = geo.locate(
            postcode=obj.postcode, city=obj.city, country=obj.country, street=obj.street
        )
        if found is None:
            return None
        return float(found[0]), float(found[1])
    return float(obj.latitude), float(obj.longitude)


def home_of(member) -> tuple[float, float] | None:
    if not member.postcode and not member.city:
        return None
    found = geo.locate(postcode=member.postcode, city=member.city, country=member.entity.country)
    return (float(found[0]), float(found[1])) if found else None


def _local_minutes(moment: datetime.datetime, day: datetime.date) -> int:
    local = timezone.localtime(moment)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


@dataclass
class Problem:
    monday: datetime.date
    jobs: list[Job] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)
    visits: dict[int, Visit] = field(default_factory=dict)
    kept: list[Visit] = field(default_factory=list)
    members: dict[int, object] = field(default_factory=dict)
    homes: dict[int, tuple[float, float] | None] = field(default_factory=dict)


def build(
    sector, monday: datetime.date, *, kept_member_ids=(), today: datetime.date | None = None
) -> Problem:
    """Read the sector's week into a solver problem (a handful of queries)."""
    problem = Problem(monday=monday)
    days = workdays(monday, today=today)
    day_start, day_end = day_bounds()
    memberships = list(
        SectorMembership.objects.filter(sector=sector)
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("member__user", "member__entity")
        .prefetch_related("member__trades")
    )
    sector_trades = frozenset(sector.trades.values_list("id", flat=True))
    member_ids = [m.member_id for m in memberships]
    kept_member_ids = set(kept_member_ids) & set(member_ids)
    sunday = monday + datetime.timedelta(days=6)
    week_start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    week_end = timezone.make_aware(
        datetime.datetime.combine(sunday + datetime.timedelta(days=1), datetime.time.min)
    )

    candidates = list(week_visits(sector, monday))
    movable = []
    for visit in candidates:
        if (
            visit.state == VisitState.PLANNED
            and visit.member_id in kept_member_ids
            and visit.starts_at
        ):
            problem.kept.append(visit)
        else:
            movable.append(visit)
    movable_ids = {v.pk for v in movable}

    # what already fills the members' week: unavailability, visits kept as they are, visits of
    # other sectors and visits under way or done
    busy: dict[tuple[int, datetime.date], list[tuple[int, int]]] = {}
    booked: dict[int, int] = {}
    for u in Unavailability.objects.filter(
        member_id__in=member_ids, starts_at__lt=week_end, ends_at__gt=week_start
    ):
        for day in days:
            start, end = _local_minutes(u.starts_at, day), _local_minutes(u.ends_at, day)
            if end > start:
                busy.setdefault((u.member_id, day), []).append((start, end))
    others = (
        Visit.objects.filter(
            member_id__in=member_ids, starts_at__gte=week_start, starts_at__lt=week_end
        )
        .exclude(state=VisitState.CANCELLED)
        .exclude(pk__in=movable_ids)
        .only("member_id", "starts_at", "minutes")
    )
    for visit in others:
        day = timezone.localtime(visit.starts_at).date()
        start = _local_minutes(visit.starts_at, day)
        busy.setdefault((visit.member_id, day), []).append((start, start + visit.minutes))
        booked[visit.member_id] = booked.get(visit.member_id, 0) + visit.minutes

    for membership in memberships:
        member = membership.member
        problem.members[member.pk] = member
        problem.homes[member.pk] = home_of(member)
        trades = frozenset(t.pk for t in member.trades.all()) or sector_trades
        cap = None
        if membership.weekly_hours is not None:
            cap = max(0, int(membership.weekly_hours * Decimal(60)) - booked.get(member.pk, 0))
        problem.workers.append(
            Worker(key=member.pk, trades=trades, home=problem.homes[member.pk], cap_minutes=cap)
        )
        for day in days:
            for start, end in free_blocks(day_start, day_end, busy.get((member.pk, day), [])):
                problem.shifts.append(Shift(worker=member.pk, day=day, start=start, end=end))

    for visit in movable:
        problem.visits[visit.pk] = visit
        window = None
        if visit.window_start or visit.window_end:
            window = (
                minutes_of(visit.window_start) if visit.window_start else 0,
                minutes_of(visit.window_end) if visit.window_end else 24 * 60 - 1,
            )
        problem.jobs.append(
            Job(
                key=visit.pk,
                position=position(visit),
                minutes=visit.minutes,
                window=window,
                trades=visit_trades(visit),
            )
        )
    return problem


def at(day: datetime.date, minutes: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    )
