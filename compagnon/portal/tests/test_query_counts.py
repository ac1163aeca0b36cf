"""What "Issue and send" costs in SQL queries: the document is read under lock once for the whole
step (issue, then email or hand over), and the count does not grow with the lines
(docs/sizing.md, issue 17)."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.sales.models import Kind, State

from .helpers import draft
from .test_send_means_send import send_data

pytestmark = pytest.mark.django_db


def _lines(n):
    return [
        {
            "description": f"Work {i}",
            "quantity": D("1"),
            "unit": "HUR",
            "unit_price": D("40"),
            "vat_category": "S",
            "vat_rate": D("20"),
        }
        for i in range(n)
    ]


def _issue_and_send(client, member, activity, customer, lines, **changes):
    invoice = draft(member, activity, customer, kind=Kind.INVOICE, lines=_lines(lines))
    url = f"/documents/{invoice.pk}/email/"
    data = send_data(client.get(url), **changes)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.sent_at
    return [q["sql"] for q in ctx.captured_queries]


def _locked_reads(queries):
    return [
        q for q in queries if q.startswith('SELECT "sales_document"."id"') and "FOR UPDATE" in q
    ]


@pytest.mark.parametrize("how", [{}, {"action": "none"}], ids=["email", "handed over"])
def test_issue_and_send_locks_the_document_once_whatever_the_lines(gardener, client, how):
    member, activity, customer = gardener
    client.force_login(member.user)
    _issue_and_send(client, member, activity, customer, 1, **how)  # warm: caches, rule sets
    few = _issue_and_send(client, member, activity, customer, 1, **how)
    many = _issue_and_send(client, member, activity, customer, 12, **how)
    assert len(many) == len(few), set(many) ^ set(few)
    if connection.vendor == "postgresql":  # SQLite has no FOR UPDATE: the lock is the write
        assert len(_locked_reads(few)) == 1, _locked_reads(few)
    document_reads = [q for q in few if q.startswith('SELECT "sales_document"."id"')]
    # in the member's scope, under lock; nothing else reads the document's row again
    assert len(document_reads) == 2, document_reads
