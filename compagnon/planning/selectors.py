"""What the planning pages and API read, always from the scopes of ``rules``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from compagnon import geo
from compagnon.fieldwork import rules as fieldwork_rules
from compagnon.fieldwork.models import Sector, SectorMembership
from compagnon.fieldwork.selectors import mark_client_visibility

from . import problem as plans
from . import rules
from .models import Proposal, ProposedVisit


def sector(user, pk: int) -> Sector:
    return fieldwork_rules.sectors(user).select_related("entity", "lead__user").get(pk=pk)


def proposal(user, pk: int) -> Proposal:
    return (
        rules.proposals(user)
        .select_related("sector__entity", "created_by", "accepted_by")
        .get(pk=pk)
    )


def proposals(
    user, *, sector_id: int | None = None, week: datetime.date | None = None, state: str = ""
):
    qs = rules.proposals(user).select_related("sector", "created_by")
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    if week is not None:
        qs = qs.filter(week=plans.monday_of(week))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def sector_members(sector: Sector) -> list:
    rows = SectorMembership.objects.filter(sector=sector).select_related(
        "member__user", "member__entity"
    )
    members = []
    for row in rows:
        row.member.weekly_hours = row.weekly_hours
        members.append(row.member)
    return sorted(
        members, key=lambda m: (m.user.last_name.lower(), m.user.first_name.lower(), m.pk)
    )


def weeks_to_come(count: int = 6) -> list[datetime.date]:
    """The Mondays a proposal may be asked for: this week (when days are left) and the next ones."""
    monday = plans.monday_of(timezone.localdate())
    weeks = [monday + datetime.timedelta(weeks=n) for n in range(count + 1)]
    return [w for w in weeks if plans.workdays(w)][:count]


@dataclass
class Day:
    day: datetime.date
    items: list = field(default_factory=list)
    travel: int = 0
    back: int = 0
    minutes: int = 0


@dataclass
class Row:
    member: object
    days: list = field(default_factory=list)
    travel: int = 0
    minutes: int = 0
    weekly_hours: object = None


def items(proposal: Proposal):
    return proposal.items.select_related(
        "visit__client", "visit__activity", "visit__contract", "member__user"
    ).order_by("member_id", "day", "order", "id")


def review(user, proposal: Proposal) -> dict:
    """The proposal per member and day (order, times, travel, the drive home), the visits left
    out with their reason, and the totals."""
    lines = list(items(proposal))
    mark_client_visibility(user, [line.visit for line in lines])
    members = sector_members(proposal.sector)
    rows = {m.pk: Row(member=m, weekly_hours=m.weekly_hours) for m in members}
    homes = {m.pk: plans.home_of(m) for m in members}
    days: dict[tuple[int, datetime.date], Day] = {}
    unplanned = []
    for line in lines:
        if line.member_id is None:
            unplanned.append(line)
            continue
        row = rows.get(line.member_id)
        if row is None:  # a kept visit of someone who left the sector since
            row = rows[line.member_id] = Row(member=line.member)
            homes[line.member_id] = None
        key = (line.member_id, line.day)
        if key not in days:
            days[key] = Day(day=line.day)
            row.days.append(days[key])
        day = days[key]
        day.items.append(line)
        day.travel += line.travel_minutes
        day.minutes += line.visit.minutes
    for (member_id, _day), day in days.items():
        last = day.items[-1].visit
        here = plans.position(last)
        home = homes.get(member_id)
        day.back = geo.travel_minutes(here, home) if here and home else 0
        day.travel += day.back
        rows[member_id].travel += day.travel
        rows[member_id].minutes += day.minutes
    for row in rows.values():
        row.days.sort(key=lambda d: d.day)
    planned = sum(1 for line in lines if line.member_id is not None)
    return {
        "rows": [r for r in rows.values()],
        "unplanned": unplanned,
        "planned": planned,
        "kept": sum(1 for line in lines if line.kept),
        "total": len(lines),
        "days": plans.workdays(proposal.week),
        "members": members,
    }


def line(proposal: Proposal, pk: int) -> ProposedVisit:
    return proposal.items.select_related("visit").get(pk=pk)
