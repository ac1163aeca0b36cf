"""Rejected uploads are kept ``REJECTED_UPLOAD_RETENTION_DAYS`` (default 90) so people can see
why a file was refused and download it again; then they are purged, file and row.

Generic, so the kernel imports no context: every model with a ``purge_rejected_uploads(before=)``
class method takes part (banking's BankStatement, purchases' SupplierInvoice). The task is
idempotent and safe with several workers (each model locks the rows it deletes with SKIP LOCKED;
files go after commit). With ``reschedule=True`` it enqueues itself for the next day, once per day
however many copies ran (an atomic ``cache.add`` in the shared cache); ``manage.py
purge_rejected_uploads`` is the cron alternative.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
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
    done = purge_rejected_uploads_now()
    if reschedule:
        schedule_next(timezone.localdate())
    return done


def schedule_next(day: datetime.date) -> bool:
    """Enqueue tomorrow's purge at RUN_AT, once per day. Backends that cannot defer (the immediate
    one of tests) leave it to cron."""
    if not purge_rejected_uploads.get_backend().supports_defer:
        return False
    tomorrow = day + datetime.timedelta(days=1)
    if not cache.add(f"purge-rejected-uploads:{tomorrow.isoformat()}", 1, timeout=3 * 86400):
        return False
    when = timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))
    purge_rejected_uploads.using(run_after=when).enqueue(reschedule=True)
    return True
