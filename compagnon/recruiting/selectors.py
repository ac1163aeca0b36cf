"""Reads for the recruiting pages and API, always from the user's scope (``rules.office_q``):
advisors read the applications and meetings of the offices they advise, administrators those of
their entity; members and everyone else read nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from compagnon.fieldwork.models import Request, RequestState, Sector, SectorMembership, VisitState
from compagnon.members.models import Trade
from compagnon.organisation.models import Office

from .models import OPEN_STEPS, PIPELINE, Application, Call, Meeting, SignUp, SignUpState, Step
from .rules import office_q, recruiting_entities

# the requests nobody has taken yet: what the open needs are counted from
UNASSIGNED = [RequestState.NEW, RequestState.OFFERED]
LOAD_STATES = [VisitState.TO_PLAN, VisitState.PLANNED, VisitState.STARTED]


def applications(user) -> QuerySet[Application]:
    return Application.objects.filter(office_q(user))


def application(user, pk) -> Application:
    return applications(user).select_related("entity", "office", "member__user", "call__trade").get(pk=pk)


def offices(user) -> QuerySet[Office]:
    return Office.objects.filter(office_q(user, "id", "entity_id")).select_related("entity").order_by("entity__name", "name")


def board(user, *, step: str = "", office: int | None = None, trade: int | None = None) -> QuerySet[Application]:
    qs = applications(user)
    if office:
        qs = qs.filter(office_id=office)
    if trade:
        qs = qs.filter(id__in=Application.trades.through.objects.filter(trade_id=trade).values("application_id"))
    if step:
        qs = qs.filter(step=step)
    return qs


def step_counts(user, *, office: int | None = None, trade: int | None = None) -> list[dict]:
    """[{step, label, count}] in the pipeline's order, then refused (one query)."""
    found = dict(board(user, office=office, trade=trade).values_list("step").annotate(n=Count("id", distinct=True)))
    return [{"step": s.value, "label": s.label, "count": found.get(s.value, 0)} for s in [*PIPELINE, Step.REFUSED]]


def meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(office_q(user))


def meeting(user, pk) -> Meeting:
    return meetings(user).select_related("office", "entity").get(pk=pk)


def with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("office").annotate(
        registered=Count("signups", filter=Q(signups__state=SignUpState.REGISTERED)),
        waiting=Count("signups", filter=Q(signups__state=SignUpState.WAITING)),
    )


def signups(user) -> QuerySet[SignUp]:
    return SignUp.objects.filter(office_q(user, "meeting__office_id", "meeting__entity_id"))


def meeting_signups(meeting: Meeting) -> list[SignUp]:
    return list(
        meeting.signups.exclude(state=SignUpState.CANCELLED).select_related("application").order_by("state", "created_at", "id")
    )


def upcoming_for(application: Application) -> list[Meeting]:
    """The meetings to come of the application's office (and of its entity's other offices after
    them), with their counts, for the applicant's page."""
    qs = with_counts(Meeting.objects.filter(entity_id=application.entity_id, starts_at__gt=timezone.now()))
    return sorted(qs.order_by("starts_at")[:20], key=lambda m: (m.office_id != application.office_id, m.starts_at))


def signable_applications(meeting: Meeting) -> QuerySet[Application]:
    return (Application.objects.filter(office_id=meeting.office_id, step__in=OPEN_STEPS)
            .exclude(signups__meeting=meeting, signups__state__in=[SignUpState.REGISTERED, SignUpState.WAITING])
            .order_by("last_name", "first_name", "id"))


# --- open needs and calls ----------------------------------------------------------------------


@dataclass
class Need:
    entity_id: int
    trade: Trade | None
    postcode: str
    city: str
    count: int
    call: Call | None = None


def open_needs(user) -> list[Need]:
    """Field-service requests nobody has taken yet, counted by entity, trade and postcode (read
    only: fieldwork stays the owner), with the call already published for each, if any."""
    entities = recruiting_entities(user)
    rows = list(
        Request.objects.filter(entity_id__in=entities, state__in=UNASSIGNED, taken_by__isnull=True)
        .values("entity_id", "trade_id", "postcode")
        .annotate(n=Count("id"), city=Min("city"))
        .order_by("-n", "postcode")[:200]
    )
    trades = Trade.objects.in_bulk({r["trade_id"] for r in rows if r["trade_id"]})
    calls = {(c.entity_id, c.trade_id, c.postcode): c for c in Call.objects.filter(entity_id__in=entities)}
    return [
        Need(entity_id=r["entity_id"], trade=trades.get(r["trade_id"]), postcode=r["postcode"], city=r["city"],
             count=r["n"], call=calls.get((r["entity_id"], r["trade_id"], r["postcode"])))
        for r in rows
    ]


def manageable_calls(user) -> QuerySet[Call]:
    return Call.objects.filter(entity_id__in=recruiting_entities(user)).select_related("trade", "office")


def published_calls(entity_id: int | None = None) -> QuerySet[Call]:
    qs = Call.objects.filter(published=True).select_related("trade", "entity")
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs


# --- team load --------------------------------------------------------------------------------


def load_sectors(user) -> QuerySet[Sector]:
    """The sectors whose load a user sees: those of the entities they advise or work for as staff."""
    from compagnon.permissions import scope_for

    s = scope_for(user)
    return Sector.objects.filter(entity_id__in=s.advisor_entities | s.entity_wide)


@dataclass
class LoadRow:
    sector: Sector
    member: object
    weekly_hours: Decimal | None
    hours: list[Decimal]
    total: Decimal = Decimal("0")
    capacity: Decimal | None = None
    share: int | None = None  # % of the availability already planned over the weeks
    over: bool = False


@dataclass
class SectorLoad:
    sector: Sector
    rows: list[LoadRow] = field(default_factory=list)
    hours: list[Decimal] = field(default_factory=list)
    total: Decimal = Decimal("0")
    capacity: Decimal = Decimal("0")
    weekly: Decimal = Decimal("0")
    share: int | None = None


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def team_load(user, *, start: datetime.date | None = None, weeks: int = 4, sector: int | None = None) -> list[SectorLoad]:
    """Per sector and per member, the hours of field visits planned in each of the coming
    ``weeks`` (from Monday of ``start``'s week) against their weekly hours: ONE query."""
    start = week_start(start or timezone.localdate())
    bounds = [start + datetime.timedelta(weeks=i) for i in range(weeks + 1)]
    visit = "member__field_visits__"
    same = Q(**{f"{visit}sector_id": F("sector_id"), f"{visit}state__in": LOAD_STATES})
    sums = {
        f"w{i}": Sum(f"{visit}minutes", filter=same & Q(**{f"{visit}day__gte": bounds[i], f"{visit}day__lt": bounds[i + 1]}))
        for i in range(weeks)
    }
    qs = SectorMembership.objects.filter(sector__in=load_sectors(user)).select_related("sector", "member__user")
    if sector:
        qs = qs.filter(sector_id=sector)
    memberships = qs.annotate(**sums).order_by("sector__name", "sector_id", "member__user__last_name", "member__user__first_name", "id")
    out: list[SectorLoad] = []
    for m in memberships:
        if not out or out[-1].sector.pk != m.sector_id:
            out.append(SectorLoad(sector=m.sector, hours=[Decimal("0")] * weeks))
        hours = [(Decimal(getattr(m, f"w{i}") or 0) / 60).quantize(Decimal("0.1")) for i in range(weeks)]
        row = LoadRow(sector=m.sector, member=m.member, weekly_hours=m.weekly_hours, hours=hours, total=sum(hours))
        if m.weekly_hours:
            row.capacity = m.weekly_hours * weeks
            row.share = round(row.total * 100 / row.capacity)
            row.over = any(h > m.weekly_hours for h in hours)
        group = out[-1]
        group.rows.append(row)
        group.hours = [a + b for a, b in zip(group.hours, hours, strict=True)]
        group.total += row.total
        group.capacity += row.capacity or 0
        group.weekly += m.weekly_hours or 0
    for group in out:
        group.share = round(group.total * 100 / group.capacity) if group.capacity else None
    return out


def follow_steps(application: Application) -> list[dict]:
    """The pipeline as the applicant reads it: each step done, current or to come."""
    if application.step == Step.REFUSED:
        return []
    at = PIPELINE.index(Step(application.step))
    return [{"label": s.label, "state": "done" if i < at else "current" if i == at else "todo"}
            for i, s in enumerate(PIPELINE)]
