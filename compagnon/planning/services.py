"""Every change to a proposed plan: ask for one (``propose``; computed by the task worker,
``compute``), move a visit in it (``move``), accept it (``accept``: plans each visit through
``fieldwork.services.plan_visit``) or discard it (``discard``)."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import geo
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork.models import SectorMembership, VisitState
from compagnon.fieldwork.services import plan_visit

from . import problem as plans
from . import rules as _rules  # noqa: F401 - registers the planning.* permissions
from .models import Outcome, Proposal, ProposalState, ProposedVisit, Reason
from .solver import Slot, cheapest_position, minutes_of, schedule, solve

logger = logging.getLogger(__name__)
STALE_AFTER = datetime.timedelta(minutes=10)


def _audit(actor, action, proposal, message, params=None):
    record(
        actor=actor,
        action=action,
        obj=proposal,
        message=message,
        params=params or {},
        entity=proposal.sector.entity,
    )


# --- asking for a proposal ------------------------------------------------------------------------


def propose(*, actor, sector, week: datetime.date, keep_member_ids=()) -> Proposal:
    """Ask for a proposal for ``sector`` and the week of ``week``; computed by the task worker
    after commit. A previous proposal of the same week still open is discarded."""
    require(actor, "planning.propose", sector)
    monday = plans.monday_of(week)
    if not plans.workdays(monday):
        raise ValidationError(
            {"week": _("This week has no working day left to plan: choose a later week.")}
        )
    members = set(
        SectorMembership.objects.filter(sector=sector).values_list("member_id", flat=True)
    )
    unknown = set(keep_member_ids) - members
    if unknown:
        raise ValidationError(
            {"keep": _("Only the sector's members' visits can be kept as they are.")}
        )
    with transaction.atomic():
        Proposal.objects.filter(
            sector=sector, week=monday, state__in=(ProposalState.READY, ProposalState.COMPUTING)
        ).update(state=ProposalState.DISCARDED)
        proposal = Proposal.objects.create(
            sector=sector, week=monday, created_by=actor, seconds=plans.time_limit()
        )
        proposal.kept_members.set(keep_member_ids)
        _audit(
            actor,
            "planning.proposal_asked",
            proposal,
            gettext_noop("Plan proposed for the week of %(week)s"),
            {"week": monday},
        )

        def enqueue():
            from .tasks import compute_proposal

            compute_proposal.enqueue(proposal_id=proposal.pk)

        transaction.on_commit(enqueue)
    return proposal


def compute(proposal_id: int) -> str:
    """Solve the proposal's week and store the plan (the task's body). Idempotent: a proposal
    that is no longer being computed is left as it is."""
    proposal = Proposal.objects.select_related("sector__entity").filter(pk=proposal_id).first()
    if proposal is None or proposal.state != ProposalState.COMPUTING:
        return proposal.state if proposal else "gone"
    try:
        problem = plans.build(
            proposal.sector,
            proposal.week,
            kept_member_ids=list(proposal.kept_members.values_list("id", flat=True)),
        )
        result = solve(
            problem.jobs,
            problem.workers,
            problem.shifts,
            seconds=proposal.seconds,
            detour=geo_factor(),
            speed_kmh=geo_speed(),
        )
    except Exception as exc:  # the page must say it failed rather than wait for ever
        logger.exception("proposal %s failed", proposal_id)
        Proposal.objects.filter(pk=proposal_id, state=ProposalState.COMPUTING).update(
            state=ProposalState.FAILED, message=exc.__class__.__name__, computed_at=timezone.now()
        )
        return ProposalState.FAILED
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal_id)
        if proposal.state != ProposalState.COMPUTING:
            return proposal.state
        rows = []
        for visit in problem.kept:
            local = timezone.localtime(visit.starts_at)
            rows.append(
                ProposedVisit(
                    proposal=proposal,
                    visit=visit,
                    member_id=visit.member_id,
                    day=local.date(),
                    starts_at=visit.starts_at,
                    kept=True,
                )
            )
        for stop in result.stops:
            rows.append(
                ProposedVisit(
                    proposal=proposal,
                    visit_id=stop.job,
                    member_id=stop.worker,
                    day=stop.day,
                    starts_at=plans.at(stop.day, stop.start),
                    order=stop.order,
                    travel_minutes=stop.travel,
                )
            )
        for key, reason in result.unassigned.items():
            rows.append(ProposedVisit(proposal=proposal, visit_id=key, reason=reason))
        number_days(rows)
        ProposedVisit.objects.bulk_create(rows)
        proposal.state, proposal.computed_at, proposal.solve_seconds = (
            ProposalState.READY,
            timezone.now(),
            round(result.seconds, 2),
        )
        proposal.save(update_fields=["state", "computed_at", "solve_seconds"])
        retime_all(proposal)
    return ProposalState.READY


def number_days(rows: list[ProposedVisit]) -> None:
    """Order each member's day by start time (kept visits among the solver's)."""
    days: dict = {}
    for row in rows:
        if row.member_id is not None:
            days.setdefault((row.member_id, row.day), []).append(row)
    for items in days.values():
        for n, row in enumerate(sorted(items, key=lambda r: r.starts_at), start=1):
            row.order = n


def geo_factor() -> float:
    from django.conf import settings

    return float(getattr(settings, "GEO_DETOUR_FACTOR", geo.DETOUR_FACTOR))


def geo_speed() -> float:
    from django.conf import settings

    return float(getattr(settings, "GEO_SPEED_KMH", geo.SPEED_KMH))


def fail_stale(proposal: Proposal) -> Proposal:
    """A proposal still "being computed" long after its time limit: the worker stopped; say so."""
    if (
        proposal.state == ProposalState.COMPUTING
        and timezone.now() - proposal.created_at > STALE_AFTER
    ):
        Proposal.objects.filter(pk=proposal.pk, state=ProposalState.COMPUTING).update(
            state=ProposalState.FAILED, message="stale"
        )
        proposal.refresh_from_db()
    return proposal


# --- timing of the days ---------------------------------------------------------------------------


def _slot(item: ProposedVisit) -> Slot:
    visit = item.visit
    window = None
    if visit.window_start or visit.window_end:
        window = (
            minutes_of(visit.window_start) if visit.window_start else 0,
            minutes_of(visit.window_end) if visit.window_end else 24 * 60 - 1,
        )
    fixed = None
    if item.kept and item.starts_at:
        local = timezone.localtime(item.starts_at)
        fixed = local.hour * 60 + local.minute
    return Slot(position=plans.position(visit), minutes=visit.minutes, window=window, fixed=fixed)


def _day_problems(item: ProposedVisit, slot: Slot, start: int, day_end: int) -> str:
    problems = []
    if slot.window and not slot.fixed and start > slot.window[1]:
        problems.append(_("Starts after the latest time the client asked for."))
    if start + slot.minutes > day_end:
        problems.append(_("Ends after the working day."))
    return " ".join(problems)


def retime_day(proposal: Proposal, member, day: datetime.date, homes: dict) -> int:
    """Order (kept visits at their time), start times and travel of a member's day; returns the
    day's travel, the drive home included."""
    items = list(
        proposal.items.filter(member=member, day=day)
        .select_related("visit")
        .order_by("order", "starts_at", "id")
    )
    day_start, day_end = plans.day_bounds()
    if member.pk not in homes:
        homes[member.pk] = plans.home_of(member)
    slots = [_slot(i) for i in items]
    timed, back = schedule(
        slots, home=homes[member.pk], day_start=day_start, travel=geo.travel_minutes
    )
    total, free_from = back, None
    for n, (item, slot, (start, leg)) in enumerate(zip(items, slots, timed, strict=True), start=1):
        item.order, item.travel_minutes = n, leg
        item.starts_at = plans.at(day, start) if not item.kept else item.starts_at
        item.problem = _day_problems(item, slot, start, day_end)
        if free_from is not None and free_from + leg > start:
            item.problem = " ".join(
                filter(None, [item.problem, _("Overlaps the visit before it (travel included).")])
            )
        free_from = start + slot.minutes
        total += leg
    ProposedVisit.objects.bulk_update(items, ["order", "travel_minutes", "starts_at", "problem"])
    return total


def retime_all(proposal: Proposal) -> None:
    """Recompute every day of the proposal and its total travel."""
    homes: dict = {}
    days = proposal.items.exclude(member=None).order_by().values_list("member_id", "day").distinct()
    members = {m.pk: m for m in proposal.sector.members.select_related("entity")}
    total = 0
    for member_id, day in days:
        member = members.get(member_id)
        if member is not None:
            total += retime_day(proposal, member, day, homes)
    Proposal.objects.filter(pk=proposal.pk).update(travel_minutes=total)
    proposal.travel_minutes = total


# --- editing, accepting ---------------------------------------------------------------------------


def move(
    *, actor, item: ProposedVisit, member=None, day: datetime.date | None = None
) -> ProposedVisit:
    """Move a visit of the proposal to ``member`` on ``day`` (at the place in the day that adds
    the least travel), or leave it out of the plan when ``member`` is None."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=item.proposal_id)
        )
        require(actor, "planning.change_proposal", proposal)
        item = (
            ProposedVisit.objects.select_for_update(of=("self",))
            .select_related("visit")
            .get(pk=item.pk)
        )
        if item.kept:
            raise ValidationError(
                _("This visit is kept as it is: it cannot be moved in the proposal.")
            )
        if member is not None:
            if not SectorMembership.objects.filter(
                sector_id=proposal.sector_id, member=member
            ).exists():
                raise ValidationError({"member": _("Choose a member of the sector.")})
            if day is None or day not in plans.workdays(proposal.week):
                raise ValidationError(
                    {"day": _("Choose a working day of the proposal's week that is still to come.")}
                )
        before = (item.member_id, item.day)
        if member is None:
            item.member, item.day, item.starts_at, item.reason, item.order = (
                None,
                None,
                None,
                Reason.BY_HAND,
                0,
            )
            item.travel_minutes, item.problem, item.moved = 0, "", True
            item.save()
        else:
            others = list(
                proposal.items.filter(member=member, day=day)
                .exclude(pk=item.pk)
                .select_related("visit")
                .order_by("order")
            )
            home = plans.home_of(member)
            where = cheapest_position(
                [plans.position(o.visit) for o in others],
                plans.position(item.visit),
                home=home,
                travel=geo.travel_minutes,
            )
            for n, other in enumerate(others, start=1):
                other.order = n if n <= where else n + 1
            ProposedVisit.objects.bulk_update(others, ["order"])
            item.member, item.day, item.order, item.reason, item.moved = (
                member,
                day,
                where + 1,
                "",
                True,
            )
            item.save()
        retime_all(proposal)
        _audit(
            actor,
            "planning.visit_moved",
            proposal,
            gettext_noop("Visit %(visit)s moved in the proposal to %(member)s, %(day)s"),
            {
                "visit": item.visit_id,
                "member": str(member) if member else "—",
                "day": day or "—",
                "before": str(before),
            },
        )
    item.refresh_from_db()
    return item


def accept(*, actor, proposal: Proposal) -> Proposal:
    """Plan every visit of the proposal with ``plan_visit`` (its rules and checks apply to each).
    A visit whose new time is still taken by another visit waiting to move is tried again after
    the others; what stays refused is listed with the reason."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=proposal.pk)
        )
        require(actor, "planning.change_proposal", proposal)
        items = list(
            proposal.items.filter(kept=False)
            .exclude(member=None)
            .select_related("visit", "member__user", "member__entity")
            .order_by("day", "starts_at", "id")
        )
        pending = []
        for item in items:
            v = item.visit
            if (
                v.state == VisitState.PLANNED
                and v.member_id == item.member_id
                and v.starts_at == item.starts_at
            ):
                item.outcome, item.problem = Outcome.UNCHANGED, ""
            else:
                pending.append(item)
        while pending:
            refused = []
            for item in pending:
                try:
                    with transaction.atomic():
                        plan_visit(
                            user=actor,
                            visit=item.visit,
                            member=item.member,
                            day=item.day,
                            starts_at=item.starts_at,
                        )
                except (ValidationError, PermissionDenied) as exc:
                    item.outcome, item.problem = Outcome.REFUSED, " ".join(_messages(exc))
                    refused.append(item)
                else:
                    item.outcome, item.problem = Outcome.PLANNED, ""
            if len(refused) == len(pending):
                break
            pending = refused
        ProposedVisit.objects.bulk_update(items, ["outcome", "problem"])
        proposal.state, proposal.accepted_by, proposal.accepted_at = (
            ProposalState.ACCEPTED,
            actor,
            timezone.now(),
        )
        proposal.save(update_fields=["state", "accepted_by", "accepted_at"])
        planned = sum(1 for i in items if i.outcome == Outcome.PLANNED)
        _audit(
            actor,
            "planning.proposal_accepted",
            proposal,
            gettext_noop(
                "Plan of the week of %(week)s accepted: %(planned)s visits planned, %(refused)s refused"
            ),
            {
                "week": proposal.week,
                "planned": planned,
                "refused": sum(1 for i in items if i.outcome == Outcome.REFUSED),
            },
        )
    return proposal


def _messages(exc) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [
            _(
                "You may not plan this visit: ask the sector's lead or the member of the visit's activity."
            )
        ]
    return [str(m) for m in exc.messages]


def discard(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=proposal.pk)
        )
        require(actor, "planning.discard_proposal", proposal)
        proposal.state = ProposalState.DISCARDED
        proposal.save(update_fields=["state"])
        _audit(
            actor,
            "planning.proposal_discarded",
            proposal,
            gettext_noop("Proposed plan of the week of %(week)s discarded"),
            {"week": proposal.week},
        )
    return proposal


def describe_day(day: datetime.date) -> str:
    return formats.date_format(day, "l j F")
