"""What the document page, the editor and the autosave cost in SQL queries: the same whatever the
number of lines and of documents made from the document (no N+1), and the autosave reads the
document once before saving and never again after (docs/sizing.md, "What would make a request
cheaper")."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import member_with_activity
from compagnon.sales import services

from .factories import GARDEN_LINES, ClientFactory, draft, issued_invoice
from .test_views import HTMX, editor_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity, ClientFactory(activity=activity)


def _count(client, method, url, data=None, **extra):
    getattr(client, method)(url, data, **extra)  # warm: caches, sessions
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data, **extra)
    assert response.status_code == 200, response.content.decode()[:500]
    return ctx


def _lines(n):
    return [{"description": f"Work {i}", "quantity": D("1"), "unit": "HUR", "unit_price": D("40"),
             "vat_category": "S", "vat_rate": D("20")} for i in range(n)]


def test_the_editor_costs_the_same_whatever_the_number_of_lines(client, gardener):
    member, activity, customer = gardener
    small = draft(member, activity, customer, lines=_lines(1))
    large = draft(member, activity, customer, lines=_lines(30))
    few = _count(client, "get", f"/documents/{small.pk}/")
    many = _count(client, "get", f"/documents/{large.pk}/")
    assert len(many) == len(few)


def test_the_document_page_shows_the_documents_made_from_it_with_a_constant_number_of_queries(client, gardener):
    member, activity, customer = gardener
    one = issued_invoice(member, activity, customer)
    services.credit_note_for(actor=member.user, invoice=one, lines=[{**GARDEN_LINES[1], "quantity": D("1")}])
    several = issued_invoice(member, activity, customer)
    notes = [services.credit_note_for(actor=member.user, invoice=several, lines=[{**GARDEN_LINES[1], "quantity": D("1")}])
             for _ in range(3)]
    few = _count(client, "get", f"/documents/{one.pk}/")
    ctx = _count(client, "get", f"/documents/{several.pk}/")
    assert len(ctx) == len(few)
    page = client.get(f"/documents/{several.pk}/").content.decode()
    assert all(f"/documents/{n.pk}/" in page for n in notes)
    # the credit note links back to the invoice it corrects (read only when there is one)
    note_page = client.get(f"/documents/{notes[0].pk}/").content.decode()
    assert f"/documents/{several.pk}/" in note_page and several.number in note_page


def test_the_autosave_reads_the_document_once_before_saving_and_not_again(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    rows = [{"description": f"Work {i}", "quantity": "2", "unit": "HUR", "unit_price": "40"} for i in range(3)]
    url = f"/documents/{quote.pk}/autosave/"
    few = _count(client, "post", url, editor_data(rows, title="Spring"), **HTMX)
    rows = [{"description": f"Work {i}", "quantity": "2", "unit": "HUR", "unit_price": "40"} for i in range(25)]
    ctx = _count(client, "post", url, editor_data(rows, title="Spring"), **HTMX)
    assert len(ctx) == len(few)
    document_reads = [q["sql"] for q in ctx.captured_queries
                      if q["sql"].startswith('SELECT "sales_document"."id"')]
    # one read within the member's scope, one under lock in the service: nothing after the save
    assert len(document_reads) == 2, document_reads
    body = client.post(url, editor_data(rows, title="Spring"), **HTMX).content.decode()
    assert "Saved at" in body and 'id="net-k24"' in body and "80.00" in body
    quote.refresh_from_db()
    assert quote.tax_exclusive == D("2000.00") and quote.lines.count() == 25
