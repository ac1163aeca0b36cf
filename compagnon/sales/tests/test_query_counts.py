"""What the document page, the editor and the autosave cost in SQL queries: the same whatever the
number of lines and of documents made from the document (no N+1), and the autosave reads the
document once before saving and never again after (docs/sizing.md, "What would make a request
cheaper")."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
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
    # what was typed and the totals it makes are written together, in one UPDATE
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "sales_document"')]
    assert len(updates) == 1, updates
    body = client.post(url, editor_data(rows, title="Spring"), **HTMX).content.decode()
    assert "Saved at" in body and 'id="net-k24"' in body and "80.00" in body
    quote.refresh_from_db()
    assert quote.tax_exclusive == D("2000.00") and quote.lines.count() == 25


def _reads_of(ctx, table):
    return [q["sql"] for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"].split(" WHERE ")[0]
            and not q["sql"].startswith('SELECT "sales_document"')]


def test_the_autosave_does_not_check_again_the_rows_it_read_under_its_lock(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    rows = [{"description": "Hedge", "quantity": "2", "unit": "HUR", "unit_price": "40"}]
    ctx = _count(client, "post", f"/documents/{quote.pk}/autosave/", editor_data(rows, title="Spring"), **HTMX)
    # client, activity, entity and creator were read with the document: no existence check, and no
    # constraint run through the database (8 queries of the 24 it took, docs/sizing.md)
    for table in ("clients_client", "members_activity", "organisation_entity"):
        assert not _reads_of(ctx, table), table
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT 1 AS "_check"')]
    # what the member types is still validated: a discount over 100 % is refused and nothing saved
    bad = client.post(f"/documents/{quote.pk}/autosave/", editor_data(rows, discount_percent="150"), **HTMX)
    assert bad.status_code == 400
    quote.refresh_from_db()
    assert quote.discount_percent == D("0") and quote.title == "Spring"
    with pytest.raises(ValidationError):
        services.save_draft(actor=member.user, document=quote, discount_percent=D("-1"))


def test_the_editor_marks_each_line_s_unit_and_vat_chosen_in_its_own_list(client, gardener):
    member, activity, customer = gardener
    lines = _lines(2)
    lines[1].update(unit="DAY", vat_category="Z", vat_rate=D("0"))
    quote = draft(member, activity, customer, lines=lines)
    page = client.get(f"/documents/{quote.pk}/").content.decode()
    first, second = page.split('name="line_unit"')[1:3]
    assert '<option value="HUR" selected>' in first.split("</select>")[0]
    assert '<option value="DAY" selected>' in second.split("</select>")[0]
    assert second.split('name="line_vat"')[1].split("</select>")[0].count(" selected") == 1
    assert '<option value="Z:0.00" selected>' in second.split('name="line_vat"')[1].split("</select>")[0]
    # the hidden row the "+ Line" button copies offers the same lists, none chosen but the default
    template = page.split('id="tpl-line-item"')[1].split("</template>")[0]
    assert template.count('<option value="HUR"') == 1 and "&lt;" not in template


def test_the_panels_of_an_issued_invoice_cost_one_query_each_at_most(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    ctx = _count(client, "get", f"/documents/{invoice.pk}/")
    # only quotes are accepted or refused online; the emails are read once for the panel
    assert not _reads_of(ctx, "portal_signatureevidence") and not _reads_of(ctx, "portal_clientrefusal")
    assert len(_reads_of(ctx, "sales_documentemail")) == 1
    allocations = _reads_of(ctx, "payments_allocation")
    # one read, without the bank transaction nor the frozen copies of the documents (only a number shows)
    assert len(allocations) == 1 and "banking_banktransaction" not in allocations[0]
    assert '"sales_document"."frozen"' not in allocations[0]
    # nothing scheduled: the day collections were last announced is not needed
    assert not _reads_of(ctx, "dunning_collectionrun")
