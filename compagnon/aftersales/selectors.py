"""Reads of after-sales for pages and the API, always from the user's reach (rules.py): a member sees
the cases of the activities they work in and the cases given to them; the desk (the entity's
administrators and client-relations agents) sees its entities' cases. Anything else answers
DoesNotExist (404)."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from compagnon import geo
from compagnon.directory.models import DirectoryProfile
from compagnon.members.models import Activity, Member, MemberStatus, Trade

from .models import OPEN_STATES, Case, Message, Photo, State, WarrantyRule
from .rules import desk_entities, member_id, my_activity_ids

LIST_RELATED = ("activity", "client", "trade", "assigned_member__user", "document")
YEAR = datetime.timedelta(days=365)


def cases(user) -> QuerySet[Case]:
    """Every case the user may see."""
    q = Q(pk__in=[])
    activities = sorted(my_activity_ids(user))
    if activities:
        q |= Q(activity_id__in=activities)
    mine = member_id(user)
    if mine is not None:
        q |= Q(assigned_member_id=mine)
    desks = sorted(desk_entities(user))
    if desks:
        q |= Q(entity_id__in=desks)
    return Case.objects.filter(q)


def case_for(user, pk) -> Case:
    return cases(user).select_related(*LIST_RELATED, "entity", "visit", "service").get(pk=pk)


def my_cases(user, *, state: str = "") -> QuerySet[Case]:
    """The member's side: cases of their activities and cases given to them."""
    q = Q(pk__in=[])
    activities = sorted(my_activity_ids(user))
    if activities:
        q |= Q(activity_id__in=activities)
    mine = member_id(user)
    if mine is not None:
        q |= Q(assigned_member_id=mine)
    qs = Case.objects.filter(q).select_related(*LIST_RELATED)
    if state:
        qs = qs.filter(state=state)
    return qs


QUEUE_TABS = ("waiting", "open", "done")


def queue(user, *, show: str = "waiting", trade: int | None = None) -> QuerySet[Case]:
    """The desk's cases: *waiting for a colleague* (declined, or no member), *open*, *done*."""
    qs = Case.objects.filter(entity_id__in=sorted(desk_entities(user))).select_related(*LIST_RELATED)
    if show == "open":
        qs = qs.filter(state__in=OPEN_STATES, in_queue=False)
    elif show == "done":
        qs = qs.exclude(state__in=OPEN_STATES)
    else:
        qs = qs.filter(in_queue=True, state=State.REPORTED).order_by("created_at", "id")
    if trade:
        qs = qs.filter(trade_id=trade)
    return qs


def desk_cases(user, *, trade: int | None = None) -> QuerySet[Case]:
    qs = Case.objects.filter(entity_id__in=sorted(desk_entities(user)))
    return qs.filter(trade_id=trade) if trade else qs


def queue_trades(user) -> list[Trade]:
    ids = Case.objects.filter(entity_id__in=sorted(desk_entities(user))).exclude(trade__isnull=True).values("trade_id")
    return list(Trade.objects.filter(pk__in=ids).order_by("code"))


def thread(case: Case) -> list[Message]:
    return list(case.messages.select_related("author").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.order_by("id"))))


def photo_of(case: Case, pk) -> Photo:
    return case.photos.get(pk=pk)


def my_activities(user) -> list[Activity]:
    return list(Activity.objects.filter(pk__in=sorted(my_activity_ids(user))).order_by("name"))


# --- colleagues to give a case to ----------------------------------------------------------------


@dataclass(frozen=True)
class Colleague:
    member: Member
    km: float | None

    @property
    def label(self) -> str:
        return str(self.member)


def _job_place(case: Case):
    source = case.visit or case.client
    return geo.locate(postcode=source.postcode or "", city=source.city or "",
                      country=case.client.country or case.entity.jurisdiction or "FR")


def colleagues(case: Case, *, limit: int = 30) -> list[Colleague]:
    """Members of the case's entity working in its trade (their trades or an activity's), nearest
    first by the zone they serve in the directory (else their city), the others after by name."""
    qs = Member.objects.filter(entity_id=case.entity_id).exclude(status=MemberStatus.LEFT).select_related("user")
    if case.trade_id:
        qs = qs.filter(Q(trades=case.trade_id) | Q(activity_memberships__activity__trade_id=case.trade_id))
    if case.assigned_member_id:
        qs = qs.exclude(pk=case.assigned_member_id)
    members = list(qs.distinct()[:200])
    profiles = {p.member_id: p for p in DirectoryProfile.objects.filter(member_id__in=[m.pk for m in members])}
    place = _job_place(case)
    out = []
    for m in members:
        p = profiles.get(m.pk)
        km = None
        if place is not None and p is not None:
            point = (p.zone_lat, p.zone_lon) if p.zone_lat is not None else (p.lat, p.lon)
            if point[0] is not None:
                km = round(geo.distance_km(place, point), 1)
        out.append(Colleague(m, km))
    out.sort(key=lambda c: (c.km is None, c.km or 0, c.label.lower()))
    return out[:limit]


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    count: int = 0
    open: int = 0
    under_warranty: int = 0
    resolved: int = 0
    rejected: int = 0
    median_first_answer: int | None = None  # working seconds
    median_resolution: int | None = None

    @property
    def first_answer_text(self) -> str:
        from .clock import duration_or_dash

        return duration_or_dash(self.median_first_answer)

    @property
    def resolution_text(self) -> str:
        from .clock import duration_or_dash

        return duration_or_dash(self.median_resolution)


def results_of(qs: QuerySet[Case], *, since: datetime.datetime | None = None) -> Results:
    """Counts and median times over the cases reported since ``since`` (12 months by default): two
    queries."""
    since = since or timezone.now() - YEAR
    qs = qs.filter(created_at__gte=since).order_by()
    counts = qs.aggregate(
        count=Count("id"), open=Count("id", filter=Q(state__in=OPEN_STATES)),
        under_warranty=Count("id", filter=Q(under_warranty=True)),
        resolved=Count("id", filter=Q(resolution__gt="")), rejected=Count("id", filter=Q(rejection_reason__gt="")))
    firsts, ends = [], []
    for first, end in qs.values_list("first_answer_seconds", "resolution_seconds"):
        if first is not None:
            firsts.append(first)
        if end is not None:
            ends.append(end)
    return Results(**counts, median_first_answer=int(statistics.median(firsts)) if firsts else None,
                   median_resolution=int(statistics.median(ends)) if ends else None)


def activity_results(user) -> list[tuple[Activity, Results]]:
    """The member's activities, each with its results over the last 12 months."""
    return [(a, results_of(Case.objects.filter(activity=a))) for a in my_activities(user)]


def warranty_rules(user, *, entity_id: int | None = None) -> QuerySet[WarrantyRule]:
    qs = WarrantyRule.objects.filter(entity_id__in=sorted(desk_entities(user))).select_related(
        "entity", "trade", "service")
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs


def visible_rules(user) -> QuerySet[WarrantyRule]:
    """The rules a member reads (their entity's), or the desk's."""
    from compagnon import permissions

    s = permissions.scope_for(user)
    ids = set(desk_entities(user))
    if s.member_entity_id:
        ids.add(s.member_entity_id)
    return WarrantyRule.objects.filter(entity_id__in=sorted(ids)).select_related("entity", "trade", "service")
