"""The daily collections run happens once a day however it is started: cron on every machine,
the self-rescheduling task enqueued twice, several ``db_worker`` processes. The queue here is the
real database backend and the workers are django-tasks-db's own ``Worker`` (batch mode: they stop
when nothing is ready), two of them at once on PostgreSQL."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from compagnon.core.models import ScheduledRun
from compagnon.core.tests.threads import together
from compagnon.dunning.models import ActionState, AutomatedAction
from compagnon.dunning.tasks import JOB
from compagnon.einvoice.tests.scenarios import _line, business_client, issue
from compagnon.sales.models import Document

from .conftest import TODAY, client_emails, day

pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers: PostgreSQL; SQLite's shared in-memory test database locks tables "
    "instead of waiting (a real SQLite file serialises writers, so the same guard holds)",
)


def worker(n: int = 1) -> Worker:
    return Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=f"test-worker-{n}", excluded_queue_names=[])


def cron(date: datetime.date, *args) -> str:
    out = StringIO()
    call_command("run_collections", "--date", date.isoformat(), *args, stdout=out)
    return out.getvalue()


def waiting_runs() -> list[str]:
    """The days of the collections runs waiting in the queue (the chains)."""
    return sorted(r.args_kwargs["kwargs"]["date"] for r in DBTaskResult.objects.filter(
        status="READY", task_path__endswith=".run_collections"))


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as in production (tests otherwise run them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def invoices(make):
    """Four overdue invoices of one activity, planned and announced by day 0's run (cron)."""
    w = make(due_days_ago=10)
    documents = [w.document]
    for i in range(3):
        client = business_client(w.activity, "FR", name=f"Client {i} SAS")
        documents.append(issue(w.member, w.activity, client, [_line("Work", "1", str(100 + i), unit="LS")]))
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(due_date=TODAY - datetime.timedelta(days=10))
    assert '"announced": 4' in cron(day(0), "--inline")
    assert AutomatedAction.objects.filter(order=1, due_on=day(3)).count() == 4
    return documents


def reminders_sent(mailoutbox, documents) -> list[int]:
    """How many emails went to each document's client about it."""
    return [len([m for m in client_emails(mailoutbox, d) if d.number in m.subject]) for d in documents]


def test_cron_on_two_machines_runs_the_day_once_and_says_so_on_the_second(invoices, mailoutbox):
    first = cron(day(3), "--inline")
    second = cron(day(3), "--inline")
    assert '"claimed": 4' in first
    assert "already ran" in second
    assert reminders_sent(mailoutbox, invoices) == [1, 1, 1, 1]
    run = ScheduledRun.objects.get(job=JOB, day=day(3))
    assert run.finished_at and run.result["claimed"] == 4
    # --again runs the day anyway: idempotent, nothing more goes out
    assert '"claimed": 0' in cron(day(3), "--inline", "--again")
    assert reminders_sent(mailoutbox, invoices) == [1, 1, 1, 1]


def test_the_daily_task_enqueued_twice_runs_the_day_once_and_leaves_one_chain(invoices, queue, mailoutbox):
    for _ in range(2):
        call_command("run_collections", "--start-daily", "--date", day(3).isoformat(), stdout=StringIO())
    assert waiting_runs() == [day(3).isoformat()] * 2
    worker().run()
    assert not DBTaskResult.objects.failed().exists()
    assert reminders_sent(mailoutbox, invoices) == [1, 1, 1, 1]
    assert set(AutomatedAction.objects.filter(order=1).values_list("state", flat=True)) == {ActionState.EXECUTED}
    assert waiting_runs() == [day(4).isoformat()]  # one chain goes on
    assert ScheduledRun.objects.filter(job=JOB, day=day(3), finished_at__isnull=False).count() == 1
    # cron as well, on another machine: nothing more
    assert "already ran" in cron(day(3))


@on_postgresql
def test_two_machines_running_cron_at_the_same_moment_send_each_reminder_once(invoices, mailoutbox):
    outputs = []
    _, errors = together([lambda: outputs.append(cron(day(3), "--inline"))] * 2)
    assert not errors
    assert sorted("already ran" in out for out in outputs) == [False, True]
    assert reminders_sent(mailoutbox, invoices) == [1, 1, 1, 1]
    assert ScheduledRun.objects.filter(job=JOB, day=day(3)).count() == 1


@on_postgresql
def test_two_workers_given_the_daily_task_twice_run_the_day_once_and_keep_one_chain(invoices, queue, mailoutbox):
    for _ in range(2):
        call_command("run_collections", "--start-daily", "--date", day(3).isoformat(), stdout=StringIO())
    _, errors = together([lambda i=i: worker(i).run() for i in range(2)])
    assert not errors and not DBTaskResult.objects.failed().exists()
    assert reminders_sent(mailoutbox, invoices) == [1, 1, 1, 1]
    assert waiting_runs() == [day(4).isoformat()]
    ran = [r.return_value for r in DBTaskResult.objects.filter(task_path__endswith=".run_collections",
                                                               status="SUCCESSFUL")]
    assert sorted(bool(v.get("skipped")) for v in ran) == [False, True]
