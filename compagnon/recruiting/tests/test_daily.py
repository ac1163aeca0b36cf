"""The daily job: reminders, and refused applications deleted after their retention period."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from compagnon.recruiting import services
from compagnon.recruiting.models import Application, Document

from .conftest import apply

pytestmark = pytest.mark.django_db


def test_refused_applications_are_deleted_with_their_files_after_the_retention(w, django_capture_on_commit_callbacks):
    kept = apply(w, email="kept@example.org")
    refused = apply(w, files=[SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")])
    services.refuse_application(actor=w.admin, application=refused, reason="full")
    refused.refresh_from_db()
    stored = refused.documents.get().file
    assert stored.storage.exists(stored.name)
    assert services.purge(timezone.localdate()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge(refused.purge_after) == 1
    assert list(Application.objects.all()) == [kept] and not Document.objects.exists()
    assert not stored.storage.exists(stored.name)


def test_the_daily_command_runs_once_a_day(w, capsys):
    day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    call_command("recruiting_daily", "--date", day)
    call_command("recruiting_daily", "--date", day)
    out = capsys.readouterr().out
    assert "0 reminders sent, 0 refused applications deleted." in out and "Already run today." in out
