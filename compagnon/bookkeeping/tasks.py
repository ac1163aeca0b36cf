"""The daily run of recurring entries, once per day however many machines or workers start it
(``core.schedule.run_once``); with ``reschedule=True`` the task first enqueues itself for the next
morning (``core.schedule.enqueue_once``). ``manage.py post_recurring_entries`` is its cron twin."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from compagnon.core.schedule import enqueue_once, run_once

JOB = "bookkeeping.post_recurring_entries"
RUN_AT = datetime.time(5, 30)  # local time of the daily run


def run_day(day: datetime.date) -> dict:
    """The recurring entries due by ``day``, unless this day already ran: then ``skipped``."""
    from . import services

    outcome = run_once(JOB, day, lambda: services.post_recurring_entries(today=day))
    if not outcome.ran:
        return {"day": day.isoformat(), "created": 0, "posted": 0, "skipped": True}
    return {"day": day.isoformat(), **outcome.result}


@task()
def post_recurring_entries(*, reschedule: bool = False) -> dict:
    today = timezone.localdate()
    if reschedule:
        schedule_next(today)
    return run_day(today)


def schedule_next(day: datetime.date) -> bool:
    """Enqueue tomorrow's run at RUN_AT, once per day. Backends that cannot defer (the immediate
    one of tests) leave it to cron."""
    if not post_recurring_entries.get_backend().supports_defer:
        return False
    tomorrow = day + datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))
    return enqueue_once(
        JOB,
        tomorrow,
        lambda: post_recurring_entries.using(run_after=when).enqueue(reschedule=True),
    )
