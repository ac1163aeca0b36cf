from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@pytest.mark.django_db
def test_healthz_reports_database_and_tasks_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "tasks": "ok"}


@pytest.mark.django_db
def test_healthz_says_tasks_are_late_when_the_queue_is_not_worked(client, settings):
    settings.TASKS_LATE_AFTER_SECONDS = 60
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="compagnon.core.tasks.send_email",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=10),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    assert client.get("/healthz").json()["tasks"] == "late"
