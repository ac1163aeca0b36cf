"""The advisor's list of their members, most in need of attention first.

What needs attention (``KINDS``), from the member row, its ``FollowUp`` row and the audit log:

* ``unrecorded`` — a planned appointment whose time has passed without being marked held,
  cancelled or missed;
* ``overdue`` — a next step past its due date, not ticked;
* ``no_meeting`` — no appointment held for more than ``ADVISING_NO_MEETING_MONTHS`` months (6)
  and none planned;
* ``review`` — no yearly review done this year (for members who had one last year or joined
  before this year);
* ``changes`` — status changed, or maturity changed, in the last ``ADVISING_CHANGE_DAYS`` days (30).

How it costs little at thousands of members: ``rank`` reads, in one query, each followed member's
needs as booleans the database computes (one LEFT JOIN to ``FollowUp``) in name order, and one the
recent maturity changes (a partial index of the audit log), then counts and sorts them in Python
by score: no SQL sort over computed expressions, no second count. ``rows`` then
reads the page's members (one query) and ``decorate`` what each row shows from other apps (three
grouped queries: overdue steps; unpaid invoices from sales; expense claims waiting from expenses).
Two queries to rank, one for the page, three for the figures: the same for 20 members or 20,000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.audit.models import AuditEvent
from compagnon.core.collation import by_name
from compagnon.members.models import Member, MemberStatus

from . import selectors
from .models import Absence

KINDS = {
    "unrecorded": (_("Appointment to record"), 8),
    "overdue": (_("Overdue next steps"), 4),
    "no_meeting": (_("No recent appointment"), 2),
    "review": (_("Yearly review due"), 1),
    "changes": (_("Recent change"), 1),
}
SHOWS = ("mine", "all")
FOLLOW_UP = {"f_held": "last_held_at", "f_next": "next_planned_at", "f_due": "first_due_on",
             "f_open": "open_steps", "f_review": "last_review_year"}


def no_meeting_months() -> int:
    return int(getattr(settings, "ADVISING_NO_MEETING_MONTHS", 6))


def change_days() -> int:
    return int(getattr(settings, "ADVISING_CHANGE_DAYS", 30))


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Clock:
    """The moments the kinds of attention compare with."""

    now: datetime.datetime
    today: datetime.date
    no_meeting_since: datetime.datetime
    year_start: datetime.datetime
    changed_since: datetime.date

    @classmethod
    def at(cls, now: datetime.datetime | None = None) -> Clock:
        now = now or timezone.now()
        today = timezone.localdate(now)
        return cls(now=now, today=today,
                   no_meeting_since=timezone.make_aware(datetime.datetime.combine(
                       months_before(today, no_meeting_months()), datetime.time())),
                   year_start=timezone.make_aware(datetime.datetime(today.year, 1, 1)),
                   changed_since=today - datetime.timedelta(days=change_days()))


def conditions(clock: Clock) -> dict[str, Q]:
    """Which kinds of attention a member needs, as conditions on a member row annotated with
    ``f_*`` (its follow-up row): the one definition (with ``maturity_changed``)."""
    return {
        "unrecorded": Q(f_next__lt=clock.now),
        "overdue": Q(f_due__lt=clock.today),
        "no_meeting": (Q(f_held__isnull=True) | Q(f_held__lt=clock.no_meeting_since))
        & (Q(f_next__isnull=True) | Q(f_next__lt=clock.now)),
        "review": ~Q(status=MemberStatus.LEFT) & (
            Q(f_review__lt=clock.today.year) | (Q(f_review__isnull=True) & Q(created_at__lt=clock.year_start))),
        "changes": Q(status_since__gte=clock.changed_since),  # and the maturity changes: ``maturity_changed``
    }


def maturity_changed(clock: Clock) -> set[int]:
    """The members whose maturity changed in the last ``ADVISING_CHANGE_DAYS`` days, read from the
    audit log through a small partial index of this app (migration 0001): a few rows, whatever
    the size of the log."""
    since = clock.now - datetime.timedelta(days=change_days())
    return set(AuditEvent.objects.filter(action="member.maturity_changed", created_at__gte=since,
                                         member_id__isnull=False).values_list("member_id", flat=True))


def score(needs: dict[str, bool]) -> int:
    return sum(KINDS[k][1] for k, on in needs.items() if on)


def _followed(user, *, show: str, q: str, office_id: int | None, status: str, relayed: list[int] | None,
              today: datetime.date) -> QuerySet[Member]:
    qs = selectors.followed_members(user)
    if show == "mine":
        if relayed is None:
            relayed = selectors.relayed_advisor_ids(user, today)
        qs = qs.filter(advisor_id__in=[user.pk, *relayed])
    qs = qs.filter(status=status) if status else qs.exclude(status=MemberStatus.LEFT)
    if office_id:
        qs = qs.filter(office_id=office_id)
    for word in q.split()[:5]:
        qs = qs.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                       | Q(user__email__icontains=word) | Q(number__icontains=word))
    return qs


def rank(user, *, show: str = "mine", q: str = "", office_id: int | None = None, status: str = "",
         attention: str = "", relayed: list[int] | None = None,
         now: datetime.datetime | None = None) -> tuple[list[int], dict[str, int], dict[int, dict[str, bool]]]:
    """The ids of the members ``user`` follows, most in need of attention first (then the oldest
    meeting, then the name); how many need each kind (before the ``attention`` filter: ``all``,
    ``any`` and one count per kind); and each listed member's needs. ``show="mine"``: the members
    whose advisor is ``user`` or one of the advisors they stand in for today (``relayed``, read
    when not given). One query: the database computes each member's needs (plain comparisons and
    one index probe per member) and returns them in name order; Python counts them and sorts by
    score and last meeting, a stable sort that keeps the names in order within a tie."""
    clock = Clock.at(now)
    qs = _followed(user, show=show, q=q, office_id=office_id, status=status, relayed=relayed, today=clock.today)
    qs = qs.annotate(**{k: F(f"advising_follow_up__{v}") for k, v in FOLLOW_UP.items() if k != "f_open"})
    matured = maturity_changed(clock)
    kinds = list(KINDS)
    qs = qs.annotate(**{f"a_{k}": Case(When(cond, then=Value(True)), default=Value(False),
                                       output_field=BooleanField()) for k, cond in conditions(clock).items()})
    rows = qs.order_by(*by_name("user__last_name", "user__first_name"), "id").values_list(
        "pk", "f_held", *[f"a_{k}" for k in kinds])
    tally = {"all": 0, "any": 0, **{k: 0 for k in kinds}}
    ranked, needs_of = [], {}
    for pk, held, *on in rows:
        needs = dict(zip(kinds, on, strict=True))
        if pk in matured:
            needs["changes"] = on[kinds.index("changes")] = True
        tally["all"] += 1
        if any(on):
            tally["any"] += 1
        for k, flag in needs.items():
            tally[k] += flag
        if attention == "any" and not any(on) or attention in KINDS and not needs[attention]:
            continue
        needs_of[pk] = needs
        ranked.append((-score(needs), held is not None, held or clock.now, pk))
    ranked.sort(key=lambda key: key[:3])  # stable: the names' order within a tie
    return [key[-1] for key in ranked], tally, needs_of


def rows(user, ids: list[int], needs_of: dict[int, dict[str, bool]], *, relays: list[Absence] | None = None,
         now: datetime.datetime | None = None) -> list[Member]:
    """The members of one page, in the order of ``ids``, with what each row shows (see
    ``decorate``)."""
    found = {m.pk: m for m in Member.objects.filter(pk__in=list(ids)).select_related("user", "office", "advisor")
             .annotate(**{k: F(f"advising_follow_up__{v}") for k, v in FOLLOW_UP.items()})}
    members = [found[pk] for pk in ids if pk in found]
    for m in members:
        m.f_open = m.f_open or 0
        m.needs = needs_of.get(m.pk, {})
        m.score = score(m.needs)
    return decorate(user, members, relays=relays, now=now)


def decorate(user, members: list[Member], *, relays: list[Absence] | None = None,
             now: datetime.datetime | None = None) -> list[Member]:
    """Give each member what the row shows: ``attention`` (code, label), ``overdue_steps``,
    ``unpaid_invoices``, ``expenses_waiting``, ``relayed`` (the absence ``user`` stands in for),
    ``recent_status``: three queries whatever the page (four when ``relays`` is not given)."""
    from compagnon.expenses.models import ClaimState, ExpenseClaim
    from compagnon.sales.models import Document, PaymentState, State

    from .models import NextStep

    clock = Clock.at(now)
    today = clock.today
    ids = [m.pk for m in members]
    overdue = dict(NextStep.objects.filter(member_id__in=ids, done_at__isnull=True, due_on__lt=today)
                   .values("member_id").annotate(n=Count("id")).order_by().values_list("member_id", "n"))
    unpaid = dict(Document.objects.filter(activity__memberships__member_id__in=ids, state=State.ISSUED,
                                          payment_state__in=[PaymentState.AWAITING, PaymentState.PARTIAL])
                  .values("activity__memberships__member_id").annotate(n=Count("id")).order_by()
                  .values_list("activity__memberships__member_id", "n"))
    waiting = dict(ExpenseClaim.objects.filter(member_id__in=ids, state=ClaimState.SUBMITTED)
                   .values("member_id").annotate(n=Count("id")).order_by().values_list("member_id", "n"))
    if relays is None:
        relays = list(Absence.objects.filter(relay_id=user.pk, starts_on__lte=today, ends_on__gte=today)
                      .select_related("advisor"))
    relays = {a.advisor_id: a for a in relays if a.covers(today)}
    for m in members:
        needs = getattr(m, "needs", {})
        m.attention = [(k, label) for k, (label, _weight) in KINDS.items() if needs.get(k)]
        m.overdue_steps = overdue.get(m.pk, 0)
        m.unpaid_invoices = unpaid.get(m.pk, 0)
        m.expenses_waiting = waiting.get(m.pk, 0)
        m.relayed = relays.get(m.advisor_id)
        m.recent_status = m.status_since >= clock.changed_since
    return members
