"""Periodic jobs run once a day, however many machines and workers try.

A daily job may be started by cron on every machine, by a self-rescheduling task that was
enqueued twice, or picked by several ``db_worker`` processes at once. Each start goes through
:func:`run_once`: the first process to insert the ``ScheduledRun(job, day)`` row (a unique pair,
inserted and committed in its own transaction before the job starts) runs the job; every other
start sees the row and returns without doing anything. No lock is held while the job runs and the
guard is the same on SQLite and PostgreSQL.

What if the process that claimed the day dies? A run that raised records its error and may be
claimed again at once; a run still unfinished after ``stale_after`` (the process was killed) may
be taken over by the next start. Both take-overs are one conditional ``UPDATE``: one process wins.
Jobs guarded this way must themselves be idempotent (every periodic job of Compagnon is), since a
taken-over run may repeat part of what the dead one did.

A self-rescheduling task chains itself with :func:`enqueue_once`: the claim of the next day's
enqueue ("<job>:enqueued") and the enqueue itself are one transaction (the database task backend
writes its queue row in the same database), so two chains collapse into one and a crash cannot
leave a day claimed but never enqueued.

Called inside an outer transaction (tests), the claim is a savepoint of it.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)
STALE_AFTER = datetime.timedelta(hours=3)


@dataclass
class Outcome:
    ran: bool  # False: another process had claimed this job for this day
    result: Any = None
    run: ScheduledRun | None = None


def runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim(job: str, day: datetime.date, *, stale_after: datetime.timedelta = STALE_AFTER) -> ScheduledRun | None:
    """Claim ``job`` for ``day``: the row if this process may run it, None if another one has."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job, day=day, started_at=now, runner=runner())
    except IntegrityError:
        pass
    # Taken over only when the previous run failed, or has not finished long after it started.
    abandoned = Q(finished_at__isnull=True) & (~Q(error="") | Q(started_at__lt=now - stale_after))
    taken = ScheduledRun.objects.filter(abandoned, job=job, day=day).update(
        started_at=now, runner=runner(), error="", attempts=F("attempts") + 1
    )
    if taken != 1:
        return None
    logger.warning("%s for %s: taking over a run that failed or was abandoned", job, day)
    return ScheduledRun.objects.get(job=job, day=day)


def run_once(job: str, day: datetime.date, fn: Callable[[], Any], *,
             stale_after: datetime.timedelta = STALE_AFTER) -> Outcome:
    """Run ``fn()`` for ``day`` unless another process has claimed ``job`` for that day."""
    run = claim(job, day, stale_after=stale_after)
    if run is None:
        return Outcome(ran=False)
    try:
        result = fn()
    except Exception as exc:
        ScheduledRun.objects.filter(pk=run.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    run.finished_at = timezone.now()
    run.result = result if isinstance(result, dict) else {"result": result}
    ScheduledRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at, result=run.result)
    return Outcome(ran=True, result=result, run=run)


def enqueue_once(job: str, day: datetime.date, enqueue: Callable[[], Any]) -> bool:
    """Call ``enqueue()`` (which enqueues ``job``'s task for ``day``) unless it was done already."""
    now = timezone.now()
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=f"{job}:enqueued", day=day, started_at=now, finished_at=now,
                                        runner=runner())
            enqueue()
    except IntegrityError:
        return False
    return True

