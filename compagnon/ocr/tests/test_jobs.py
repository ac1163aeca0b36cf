"""Readings in the background: one per request, kept for their owner, cleaned up."""

import datetime

import pytest
from django.utils import timezone

from compagnon.core.tests.factories import UserFactory
from compagnon.ocr import jobs, tasks
from compagnon.ocr.models import JobState, ReadingJob

from . import receipts

pytestmark = pytest.mark.django_db


def photo():
    return receipts.png(receipts.ticket(size=12))


def test_a_reading_that_breaks_says_failed_and_keeps_no_file(monkeypatch, django_capture_on_commit_callbacks):
    def broken(data, content_type, **kwargs):
        raise RuntimeError("native crash")

    monkeypatch.setattr("compagnon.ocr.read_document", broken)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(user=user, data=photo(), content_type="image/png", purpose="test")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not job.file and job.finished_at


def test_a_reading_that_finds_nothing_says_so(monkeypatch, django_capture_on_commit_callbacks):
    from compagnon.ocr.reading import Reading

    monkeypatch.setattr("compagnon.ocr.read_document", lambda data, content_type, **kw: Reading(text="???"))
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(user=UserFactory(), data=photo(), content_type="image/png", purpose="test")
    job.refresh_from_db()
    assert job.state == JobState.NOTHING


def test_old_readings_go_with_their_files_when_the_user_reads_again(monkeypatch):
    user, other = UserFactory(), UserFactory()
    old = jobs.start(user=user, data=photo(), content_type="image/png", purpose="test")
    theirs = jobs.start(user=other, data=photo(), content_type="image/png", purpose="test")
    ReadingJob.objects.filter(pk__in=[old.pk, theirs.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=3))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    jobs.start(user=user, data=photo(), content_type="image/png", purpose="test")
    assert not ReadingJob.objects.filter(pk=old.pk).exists() and not storage.exists(name)
    assert ReadingJob.objects.filter(pk=theirs.pk).exists()  # only one's own


def test_a_photo_is_stored_scaled_down_as_jpeg():
    job = jobs.start(user=UserFactory(), data=photo(), content_type="image/png", purpose="test")
    assert job.content_type == "image/jpeg" and job.state == JobState.PENDING
    with job.file.open("rb") as f:
        assert f.read(3) == b"\xff\xd8\xff"
    assert tasks.read_job.call(job_id="00000000-0000-0000-0000-000000000000") == "gone"
