"""Carrying out reminders costs a bounded number of queries per action, whatever their number:
what a batch needs is read once (documents, steps and their texts, history, contacts), and each
action then costs the same few statements (lock, email record, mark, audit, free the next step)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.dunning import execution
from compagnon.dunning.models import ActionState, AutomatedAction
from compagnon.sales.models import Document

from .conftest import day

pytestmark = pytest.mark.django_db

PER_ACTION = 10  # BEGIN, lock (+ watermark), savepoint, email record, release, mark, audit, next step, update, COMMIT


def _overdue(make, run, n):
    """n overdue invoices of one member, each with its first reminder due on day 3."""
    w = make(due_days_ago=10)
    for _ in range(n - 1):
        from compagnon.einvoice.tests.scenarios import _line, issue

        document = issue(w.member, w.activity, w.client, [_line("Work", "1", "100", rate="20", unit="LS")])
        Document.objects.filter(pk=document.pk).update(due_date=day(-10))
    from compagnon.dunning import plans

    plans.replan_entity(w.entity.pk, today=day(0))
    run(0)
    ids = list(AutomatedAction.objects.filter(order=1, state=ActionState.SCHEDULED, due_on__lte=day(3))
               .values_list("id", flat=True))
    assert len(ids) == n
    from compagnon.sales.tasks import render_document_pdf

    for document_id in AutomatedAction.objects.filter(pk__in=ids).values_list("document_id", flat=True):
        render_document_pdf.call(document_id=document_id)  # archived, as the issue's task leaves it
    return w, ids


def _queries(ids):
    with CaptureQueriesContext(connection) as captured:
        counts = execution.execute_batch(ids, today=day(3))
    assert counts == {ActionState.EXECUTED: len(ids)}
    return len(captured.captured_queries)


def test_executing_reminders_costs_the_same_few_queries_per_action_whatever_their_number(make, run, mailoutbox):
    _w, ids = _overdue(make, run, 6)
    two, four = _queries(ids[:2]), _queries(ids[2:])
    # a batch reads what it needs once (a handful of queries), then a constant per action
    per_action = (four - two) / 2
    assert per_action <= PER_ACTION, f"{per_action} queries per action"
    assert two - 2 * per_action <= 6, f"{two - 2 * per_action} queries to load a batch"
    assert len(mailoutbox) >= 6  # every client got its reminder, with the invoice PDF
    assert all(m.attachments and m.attachments[0][1].startswith(b"%PDF-") for m in mailoutbox if m.attachments)


def test_a_batch_reuses_the_step_texts_and_still_reads_each_action_under_its_lock(make, run, mailoutbox):
    w, ids = _overdue(make, run, 3)
    # held between the batch's read and its execution: the lock's fresh read wins
    batch = execution.load_batch(ids, day(3))
    AutomatedAction.objects.filter(pk=ids[0]).update(state=ActionState.HELD)
    assert execution.execute_action(ids[0], today=day(3), batch=batch) == ActionState.HELD
    assert execution.execute_action(ids[1], today=day(3), batch=batch) == ActionState.EXECUTED
    # paid meanwhile: cancelled, not sent
    Document.objects.filter(pk=batch.actions[ids[2]].document_id).update(payment_state="paid")
    assert execution.execute_action(ids[2], today=day(3), batch=batch) == ActionState.CANCELLED
    assert len([m for m in mailoutbox if w.client.email in m.to and m.attachments]) == 1
    assert len(batch.texts) == 1  # one text for the step and language, filled per document
    assert isinstance(batch.today, datetime.date)
