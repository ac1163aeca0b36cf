"""Two workers running the collections run at the same time never send the same reminder (row
locks with SKIP LOCKED are a PostgreSQL behaviour; SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections, transaction

from compagnon.core.tests.threads import together
from compagnon.dunning import services
from compagnon.dunning.models import ActionState, AutomatedAction
from compagnon.einvoice.tests.scenarios import _line, business_client, issue
from compagnon.sales.models import Document

from .conftest import TODAY, day

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks (FOR UPDATE SKIP LOCKED) are a PostgreSQL behaviour; SQLite serialises writers"),
]


@pytest.fixture


def invoices(make):
    """Eight overdue invoices of one activity, each with its first reminder announced on day 0."""
    import datetime

    w = make(due_days_ago=10)
    documents = [w.document]
    for i in range(7):
        client = business_client(w.activity, "FR", name=f"Client {i} SAS")
        doc = issue(w.member, w.activity, client, [_line("Work", "1", str(100 + i), unit="LS")])
        documents.append(doc)
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(due_date=TODAY - datetime.timedelta(days=10))
    services.run_collections(today=day(0))  # plans the new ones (they are announced on day 0 too)
    assert AutomatedAction.objects.filter(order=1, due_on=day(3)).count() == 8
    return w, documents


def test_two_workers_at_the_same_time_send_each_reminder_once(invoices, mailoutbox):
    _w, documents = invoices
    summaries = []
    _, errors = together([lambda: summaries.append(services.run_collections(today=day(3), batch_size=2))] * 2)
    assert not errors
    assert sum(s["claimed"] for s in summaries) == 8
    firsts = AutomatedAction.objects.filter(order=1)
    assert set(firsts.values_list("state", flat=True)) == {ActionState.EXECUTED}
    reminders = [m for m in mailoutbox if m.subject.startswith(_reminder_subject_start())]
    assert sorted(m.subject for m in reminders) == sorted(f"{_reminder_subject_start()}{d.number}" for d in documents)
    # and again, from two more workers: nothing more
    _, errors = together([lambda: services.run_collections(today=day(3))] * 2)
    assert not errors and len([m for m in mailoutbox if m.subject.startswith(_reminder_subject_start())]) == 8


def test_an_action_another_worker_holds_is_skipped_not_waited_for(invoices, mailoutbox):
    _w, documents = invoices
    held = AutomatedAction.objects.get(order=1, document=documents[0])
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def holder():  # a worker in the middle of carrying out this action
        try:
            with transaction.atomic():
                AutomatedAction.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(60)
        finally:
            connections.close_all()

    def other():
        try:
            locked.wait(20)
            with transaction.atomic():
                ids = services.select_due(day(3))
            outcome.update(services.execute_batch(ids, today=day(3)))
        finally:
            connections.close_all()
            release.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == {ActionState.EXECUTED: 7, "locked": 1}
    assert AutomatedAction.objects.get(pk=held.pk).state == ActionState.SCHEDULED
    assert len([m for m in mailoutbox if m.subject.startswith(_reminder_subject_start())]) == 7


def test_the_executor_does_an_action_once_even_if_two_tasks_carry_it(invoices, mailoutbox):
    with transaction.atomic():
        ids = services.select_due(day(3))
    _, errors = together([lambda: services.execute_batch(ids, today=day(3))] * 3)
    assert not errors
    assert AutomatedAction.objects.filter(pk__in=ids, state=ActionState.EXECUTED).count() == 8
    assert len([m for m in mailoutbox if m.subject.startswith(_reminder_subject_start())]) == 8


def _reminder_subject_start() -> str:
    """How the French clients' reminder subjects start (the documents here are in French)."""
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext("Reminder: invoice {number}").split("{number}")[0]
