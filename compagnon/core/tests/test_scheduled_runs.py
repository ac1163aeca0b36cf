"""A daily job runs once a day however many machines start it (cron on every node, a chain
enqueued twice, several workers): the first to claim (job, day) runs it, the others stop; a run
that failed or was abandoned can be taken over, by one process only."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from compagnon.core import schedule
from compagnon.core.models import ScheduledRun
from compagnon.core.tests.threads import together

DAY = datetime.date(2026, 6, 1)


@pytest.mark.django_db
def test_a_second_start_the_same_day_does_nothing_and_the_next_day_runs():
    calls = []
    first = schedule.run_once("demo.job", DAY, lambda: calls.append(1) or {"purged": 3})
    again = schedule.run_once("demo.job", DAY, lambda: calls.append(2))
    assert (first.ran, first.result, again.ran) == (True, {"purged": 3}, False)
    assert calls == [1]
    run = ScheduledRun.objects.get(job="demo.job", day=DAY)
    assert run.finished_at and run.result == {"purged": 3} and run.runner
    assert schedule.run_once("demo.job", DAY + datetime.timedelta(days=1), lambda: calls.append(3)).ran
    assert schedule.run_once("other.job", DAY, lambda: None).ran  # jobs do not share days


@pytest.mark.django_db
def test_a_failed_run_keeps_its_error_and_the_next_start_runs_the_day_again():
    def boom():
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError):
        schedule.run_once("demo.job", DAY, boom)
    failed = ScheduledRun.objects.get(job="demo.job", day=DAY)
    assert failed.error == "RuntimeError: mail server down" and failed.finished_at is None
    retry = schedule.run_once("demo.job", DAY, lambda: "done")
    assert retry.ran and retry.result == "done"
    run = ScheduledRun.objects.get(job="demo.job", day=DAY)
    assert (run.error, run.attempts, run.result) == ("", 2, {"result": "done"})


@pytest.mark.django_db
def test_a_run_whose_process_died_is_taken_over_only_once_it_is_stale():
    assert schedule.claim("demo.job", DAY) is not None  # the process then dies: never finished
    assert schedule.claim("demo.job", DAY) is None  # still running as far as anyone knows
    ScheduledRun.objects.filter(job="demo.job").update(
        started_at=timezone.now() - schedule.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    assert schedule.claim("demo.job", DAY) is not None
    assert schedule.claim("demo.job", DAY) is None  # taken over once
    assert ScheduledRun.objects.get(job="demo.job").attempts == 2


@pytest.mark.django_db
def test_a_chain_enqueues_the_next_day_once_however_many_copies_ask():
    enqueued = []
    assert schedule.enqueue_once("demo.job", DAY, lambda: enqueued.append(DAY))
    assert not schedule.enqueue_once("demo.job", DAY, lambda: enqueued.append(DAY))
    assert enqueued == [DAY]
    # the enqueue claim is its own job: it never stops that day's run
    assert schedule.run_once("demo.job", DAY, lambda: None).ran


@pytest.mark.django_db
def test_an_enqueue_that_fails_leaves_the_day_free_for_another_copy():
    def broken():
        raise ConnectionError("queue down")

    with pytest.raises(ConnectionError):
        schedule.enqueue_once("demo.job", DAY, broken)
    assert not ScheduledRun.objects.exists()
    assert schedule.enqueue_once("demo.job", DAY, lambda: None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrent writers: PostgreSQL; SQLite's shared in-memory test database locks tables")
def test_eight_workers_starting_the_same_job_at_once_run_it_once():
    calls = []
    lock = threading.Lock()

    def job():
        with lock:
            calls.append(threading.get_ident())
        return {"ok": 1}

    results, errors = together([lambda: schedule.run_once("demo.job", DAY, job).ran] * 8)
    assert not errors
    assert sorted(results) == [False] * 7 + [True] and len(calls) == 1
    assert ScheduledRun.objects.filter(job="demo.job").count() == 1
    results, errors = together([lambda: schedule.enqueue_once("demo.job", DAY, lambda: None)] * 8)
    assert not errors and sorted(results) == [False] * 7 + [True]


@pytest.mark.django_db(transaction=True)
def test_the_purge_from_cron_on_every_machine_and_its_task_started_twice_runs_once_a_day(settings):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from compagnon.core.retention import JOB

    def purge(*args) -> str:
        out = StringIO()
        call_command("purge_rejected_uploads", *args, stdout=out)
        return out.getvalue()

    assert "banking.BankStatement: 0" in purge()
    assert "already ran" in purge()  # the next machine's cron
    assert "banking.BankStatement: 0" in purge("--again")

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    purge("--start-daily")
    purge("--start-daily")
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()
    assert not DBTaskResult.objects.failed().exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    waiting = DBTaskResult.objects.filter(status="READY", task_path__endswith=".purge_rejected_uploads")
    assert [timezone.localtime(r.run_after).date() for r in waiting] == [tomorrow]  # one chain
    assert ScheduledRun.objects.filter(job=JOB, day=timezone.localdate()).count() == 1
