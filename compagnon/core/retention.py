"""Rejected uploads are kept ``REJECTED_UPLOAD_RETENTION_DAYS`` (default 90) so people can see
why a file was refused and download it again; then they are purged, file and row.

Generic, so the kernel imports no context: every model with a ``purge_rejected_uploads(before=)``
class method takes part (banking's BankStatement, purchases' SupplierInvoice). The purge is
idempotent and safe with several workers (each model locks the rows it deletes with SKIP LOCKED;
files go after commit), and the daily task and ``manage.py purge_rejected_uploads`` (its cron
twin) run it once a day however many machines start it (``core.schedule.run_once``). With
``reschedule=True`` the task enqueues itself for the next day, once however many copies ran
(``core.schedule.enqueue_once``); ``manage.py purge_rejected_uploads --start-daily`` starts it.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .schedule import enqueue_once, run_once

logger = logging.getLogger(__name__)
JOB = "core.purge_rejected_uploads"
RUN_AT = datetime.time(4, 30)  # local time of the daily purge


def purge_rejected_uploads_now(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Purge what is older than the retention; returns {model label: rows purged}."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.REJECTED_UPLOAD_RETENTION_DAYS)
    done = {}
    for model in apps.get_models():
        purge = getattr(model, "purge_rejected_uploads", None)
        if callable(purge):
            done[model._meta.label] = purge(before=before)
    if any(done.values()):
        logger.info("Purged rejected uploads older than %s: %s", before.date(), done)
    return done


@task()
def purge_rejected_uploads(*, reschedule: bool = False) -> dict[str, int]:
    """Today's purge, unless another worker or cron has done it; tomorrow's is enqueued first, so
    a failing purge does not break the chain."""
    today = timezone.localdate()
    if reschedule:
        schedule_next(today)
    return run_once(JOB, today, purge_rejected_uploads_now).result or {}


def schedule_next(day: datetime.date) -> bool:
    """Enqueue tomorrow's purge at RUN_AT, once per day. Backends that cannot defer (the immediate
    one of tests) leave it to cron."""
    if not purge_rejected_uploads.get_backend().supports_defer:
        return False
    tomorrow = day + datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))
    return enqueue_once(
        JOB, tomorrow, lambda: purge_rejected_uploads.using(run_after=when).enqueue(reschedule=True)
    )
