"""The response-time clock: working time between two moments, the moment a number of working
seconds after another, and the clock of a request (start, pause, resume, stop, new priority).

Working time is the entity's office hours (``SupportSettings``: 9:00–17:00 by default), Monday to
Friday, in the local time zone; nights and weekends do not count (public holidays are not known).
A target is a number of working hours (``ResponseTarget``, or ``DEFAULT_TARGETS``): urgent 4 h,
high one working day, normal two, low five.

The clock of a request starts when the member writes (sending, writing again after an answer,
reopening); while it runs ``due_at`` says when the answer is due. It pauses while the service waits
for the member (``paused_at``; ``paused_remaining`` keeps the working seconds left then, so pages
show it without computing anything) and resumes where it was when the member answers: the working
seconds paused (``paused_for``) push ``due_at`` back. An answer, or closing, stops it.

Every function here is pure (no query): callers pass the calendar and the target.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Priority, State

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
WORKING_WEEKDAYS = frozenset(range(5))  # Monday to Friday

DEFAULT_STARTS = datetime.time(9, 0)
DEFAULT_ENDS = datetime.time(17, 0)
# working days per priority (urgent: hours, see target_hours)
DEFAULT_DAYS = {Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 5}
URGENT_HOURS = 4


@dataclass(frozen=True)
class Calendar:
    starts: datetime.time = DEFAULT_STARTS
    ends: datetime.time = DEFAULT_ENDS

    @property
    def day_seconds(self) -> int:
        return (self.ends.hour * 3600 + self.ends.minute * 60) - (self.starts.hour * 3600 + self.starts.minute * 60)

    @property
    def week_seconds(self) -> int:
        return self.day_seconds * len(WORKING_WEEKDAYS)

    # --- on local wall-clock times (naive) ------------------------------------------------------

    def _open_close(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        return datetime.datetime.combine(day, self.starts), datetime.datetime.combine(day, self.ends)

    def _day_part(self, day: datetime.date, start: datetime.datetime, end: datetime.datetime) -> float:
        if day.weekday() not in WORKING_WEEKDAYS:
            return 0.0
        opens, closes = self._open_close(day)
        lo, hi = max(start, opens), min(end, closes)
        return max((hi - lo).total_seconds(), 0.0)

    def _seconds_between(self, a: datetime.datetime, b: datetime.datetime) -> float:
        if b <= a:
            return 0.0
        weeks = (b - a) // WEEK  # any seven days hold exactly one working week
        total = float(weeks * self.week_seconds)
        a = a + weeks * WEEK
        day = a.date()
        while day <= b.date():
            total += self._day_part(day, a, b)
            day += DAY
        return total

    def _add(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        if seconds <= 0:
            return start
        weeks = int((seconds - 1) // self.week_seconds) if seconds > self.week_seconds else 0
        cursor = start + weeks * WEEK
        left = seconds - weeks * self.week_seconds
        day = cursor.date()
        while True:
            if day.weekday() in WORKING_WEEKDAYS:
                opens, closes = self._open_close(day)
                here = max(cursor, opens)
                if here < closes:
                    available = (closes - here).total_seconds()
                    if left <= available:
                        return here + datetime.timedelta(seconds=left)
                    left -= available
            day += DAY
            cursor = datetime.datetime.combine(day, datetime.time(0, 0))

    # --- on aware datetimes ----------------------------------------------------------------------

    def working_seconds(self, a: datetime.datetime, b: datetime.datetime) -> int:
        """Working seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
        return int(self._seconds_between(_local(a), _local(b)))

    def add(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        """The moment ``seconds`` working seconds after ``start``."""
        return timezone.make_aware(self._add(_local(start), seconds))


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def default_hours(priority: str, calendar: Calendar) -> int:
    """The default target of a priority, in working hours (a working day = the office hours)."""
    if priority == Priority.URGENT:
        return URGENT_HOURS
    return max(1, round(DEFAULT_DAYS.get(priority, 2) * calendar.day_seconds / 3600))


@dataclass(frozen=True)
class Policy:
    """The calendar and the targets ({(service, priority): hours}) of one entity."""

    calendar: Calendar
    targets: dict
    reopen_days: int = 14

    def hours(self, service: str, priority: str) -> int:
        return self.targets.get((service, priority)) or default_hours(priority, self.calendar)

    def target_seconds(self, service: str, priority: str) -> int:
        return self.hours(service, priority) * 3600


# --- the clock of a request (mutates the instance; the caller saves) -----------------------------


def start(request, policy: Policy, now: datetime.datetime) -> None:
    request.clock_started_at, request.paused_at, request.paused_for, request.paused_remaining = now, None, 0, None
    request.due_at = policy.calendar.add(now, policy.target_seconds(request.service, request.priority))


def remaining(request, policy: Policy, at: datetime.datetime) -> int:
    """Working seconds left at ``at`` in the current clock (negative when late)."""
    if request.clock_started_at is None:
        return 0
    spent = policy.calendar.working_seconds(request.clock_started_at, at) - request.paused_for
    return policy.target_seconds(request.service, request.priority) - spent


def pause(request, policy: Policy, now: datetime.datetime) -> None:
    if request.paused_at is not None:
        return
    if request.clock_started_at is None:
        start(request, policy, now)
    request.paused_remaining = remaining(request, policy, now)
    request.paused_at, request.due_at = now, None


def resume(request, policy: Policy, now: datetime.datetime) -> None:
    if request.paused_at is None or request.clock_started_at is None:
        start(request, policy, now)
        return
    request.paused_for += policy.calendar.working_seconds(request.paused_at, now)
    request.paused_at, request.paused_remaining = None, None
    reprice(request, policy)


def stop(request) -> None:
    request.due_at, request.paused_at, request.paused_remaining = None, None, None


def reprice(request, policy: Policy) -> None:
    """The priority (or the targets) changed: the due time of a running clock, or what is left
    of a paused one, follows."""
    if request.clock_started_at is None:
        return
    target = policy.target_seconds(request.service, request.priority)
    if request.paused_at is not None:
        request.paused_remaining = remaining(request, policy, request.paused_at)
        return
    if request.state in (State.NEW, State.OPEN):
        request.due_at = policy.calendar.add(request.clock_started_at, target + request.paused_for)


# --- what pages show -----------------------------------------------------------------------------


def duration(seconds: float) -> str:
    """A duration in plain words: minutes under an hour, hours under two days, else days."""
    seconds = abs(int(seconds))
    if seconds < 3600:
        n = max(1, round(seconds / 60))
        return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}
    if seconds < 48 * 3600:
        n = round(seconds / 3600)
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    n = round(seconds / 86400)
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


@dataclass(frozen=True)
class Reading:
    """What the clock of a request says now: ``kind`` is due, late, paused or "" (not running)."""

    kind: str
    seconds: int = 0
    due_at: datetime.datetime | None = None

    @property
    def text(self) -> str:
        if self.kind == "due":
            return _("answer due in %(time)s") % {"time": duration(self.seconds)}
        if self.kind == "late":
            return _("late by %(time)s") % {"time": duration(self.seconds)}
        if self.kind == "paused":
            if self.seconds <= 0:
                return _("clock paused while waiting for the member (already late)")
            return _("clock paused while waiting for the member: %(time)s of working time left") % {
                "time": duration(self.seconds)}
        return ""

    @property
    def css(self) -> str:
        return {"due": "warning" if self.seconds < 3600 else "", "late": "danger", "paused": "paused"}.get(self.kind, "")


def read(request, now: datetime.datetime | None = None) -> Reading:
    """The clock of ``request`` at ``now`` (no query: reads the stored fields)."""
    now = now or timezone.now()
    if request.state in (State.NEW, State.OPEN) and request.due_at is not None:
        delta = (request.due_at - now).total_seconds()
        return Reading("due" if delta >= 0 else "late", int(abs(delta)), request.due_at)
    if request.state == State.WAITING and request.paused_at is not None:
        return Reading("paused", int(request.paused_remaining or 0))
    return Reading("")
