import logging
import time

from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def read_job(*, job_id: str) -> str:
    """Read one waiting receipt, keep what was read, delete the file. Idempotent: a job already
    read is left as it is. The engine's own time cap (``OCR_TIMEOUT_SECONDS``) bounds it."""
    from . import jobs, read_document
    from .models import JobState, ReadingJob

    job = ReadingJob.objects.filter(pk=job_id).first()
    if job is None or job.state != JobState.PENDING:
        return job.state if job else "gone"
    started = time.monotonic()
    try:
        with job.file.open("rb") as f:
            data = f.read()
    except OSError:
        data = b""
    try:
        reading = read_document(data, job.content_type) if data else None
    except Exception:  # a reading is a convenience: the job says "failed", the member types
        logger.exception("reading %s failed", job_id)
        reading = None
    with transaction.atomic():
        job = ReadingJob.objects.select_for_update().get(pk=job_id)
        if job.state != JobState.PENDING:
            return job.state
        jobs.finish(job, reading, time.monotonic() - started)
        if job.file:
            job.file.delete(save=False)
        job.save()
    logger.info("reading %s: %s in %.2f s", job.pk, job.state, job.seconds)
    return job.state
