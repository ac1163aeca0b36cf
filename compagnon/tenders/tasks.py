"""Background work of tenders: telling the matched members after an import (one task per import,
idempotent: a member is told once per notice), and the daily run (``daily``: administrative
documents expiring, deadlines coming), once per day through ``core.schedule.run_once``."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from compagnon.core.schedule import enqueue_once, run_once

JOB = "tenders.daily"
RUN_AT = datetime.time(6, 15)


@task()
def announce_notices(*, notice_ids: list[int]) -> int:
    from .matching import announce

    return announce(notice_ids)


def run_day(day: datetime.date) -> dict:
    from . import services

    outcome = run_once(JOB, day, lambda: services.daily(today=day))
    if not outcome.ran:
        return {"day": day.isoformat(), "skipped": True}
    return {"day": day.isoformat(), **outcome.result}


@task()
def tenders_daily(*, reschedule: bool = False) -> dict:
    today = timezone.localdate()
    if reschedule:
        schedule_next(today)
    return run_day(today)


def schedule_next(day: datetime.date) -> bool:
    if not tenders_daily.get_backend().supports_defer:
        return False
    tomorrow = day + datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))
    return enqueue_once(JOB, tomorrow, lambda: tenders_daily.using(run_after=when).enqueue(reschedule=True))
