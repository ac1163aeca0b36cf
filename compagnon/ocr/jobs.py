"""Start a reading in the background and find it again (for the user who started it only)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import JobState, ReadingJob

KEEP = datetime.timedelta(days=2)


def start(*, user, data: bytes, content_type: str, purpose: str) -> ReadingJob:
    """Store the file and enqueue its reading after commit. The caller has checked that ``user``
    may read it for ``purpose``. Photos are stored already scaled down (what OCR reads, a JPEG)."""
    from . import engine, tasks

    if content_type.startswith("image/"):
        data, content_type = engine.prepare(data), "image/jpeg"
    _forget_old(user)
    with transaction.atomic():
        job = ReadingJob(user=user, purpose=purpose, content_type=content_type)
        job.file.save("reading", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(lambda: tasks.read_job.enqueue(job_id=str(job.pk)))
    return job


def for_user(user, job_id) -> ReadingJob | None:
    return ReadingJob.objects.filter(user=user, pk=job_id).first()


def _forget_old(user) -> None:
    """Readings are worth a few minutes: the user's older than two days go (and their files)."""
    for job in ReadingJob.objects.filter(user=user, created_at__lt=timezone.now() - KEEP):
        if job.file:
            job.file.delete(save=False)
        job.delete()


def finish(job: ReadingJob, reading, seconds: float) -> None:
    if reading is None:
        job.state = JobState.FAILED
    elif not reading.found_anything:
        job.state, job.result = JobState.NOTHING, reading.as_dict()
    else:
        job.state, job.result = JobState.DONE, reading.as_dict()
    job.seconds = round(seconds, 3)
    job.finished_at = timezone.now()
