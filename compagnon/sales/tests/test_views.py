"""The member-facing pages of quotes, invoices and credit notes, as a member uses them."""

from decimal import Decimal as D

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity, staff
from compagnon.sales.forms import LINE_INPUTS
from compagnon.sales.models import CatalogueItem, Document, DocumentCounter, Kind, State

from .factories import GARDEN_TOTAL, CatalogueItemFactory, ClientFactory, draft, issued_invoice

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def editor_data(lines=(), **header):
    """What the editor posts: the header fields and one ``line_*`` value per row, in page order."""
    data = {"title": "", "buyer_reference": "", "order_reference": "", "language": "fr", "intro": "",
            "closing": "", "terms": "", "discount_percent": "", "discount_amount": "", "charge_amount": "",
            "charge_reason": "", "exemption_code": "", "valid_until": ""}
    data.update(header)
    columns = {f"line_{name}": [] for name in LINE_INPUTS}
    for i, row in enumerate(lines):
        full = {"key": f"k{i}", "kind": "item", "description": "", "quantity": "1", "unit": "C62",
                "unit_price": "", "discount": "", "vat": "S:20.00", **row}
        for name in LINE_INPUTS:
            columns[f"line_{name}"].append(full[name])
    data.update(columns)
    return data


GARDEN_ROWS = [
    {"kind": "section", "description": "Garden maintenance", "quantity": "", "unit_price": "", "vat": ""},
    {"description": "Hedge trimming", "quantity": "3,5", "unit": "HUR", "unit_price": "40", "vat": "S:20.00"},
    {"description": "Green waste removal", "quantity": "1", "unit": "LS", "unit_price": "35.50", "vat": "S:10.00"},
]


@pytest.fixture
def gardener():
    member, activity = member_with_activity()
    return member, activity, ClientFactory(activity=activity)


def test_member_quotes_sends_gets_accepted_then_invoices_a_deposit_and_the_rest(
    client, gardener, django_capture_on_commit_callbacks
):
    member, activity, customer = gardener
    client.force_login(member.user)
    assert "New quote" in client.get("/documents/").content.decode()
    page = client.get("/documents/new/?kind=quote").content.decode()
    assert customer.name in page

    response = client.post("/documents/new/", {"kind": "quote", "activity": activity.pk, "client": customer.pk})
    quote = Document.objects.get(client=customer)
    assert response.status_code == 302 and response.url == f"/documents/{quote.pk}/"
    assert (quote.kind, quote.state) == (Kind.QUOTE, State.DRAFT)
    editor = client.get(response.url).content.decode()
    assert 'id="editor"' in editor and "sales/editor.js" in editor
    assert 'value="S:20.00" selected' in editor  # a new line defaults to the standard rate

    # Autosave: the lines typed with a decimal comma, the live totals come back.
    response = client.post(f"/documents/{quote.pk}/autosave/",
                           editor_data(GARDEN_ROWS, title="Spring maintenance", valid_until="2030-01-31"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200, body
    assert 'id="totals"' in body and "Saved at" in body
    assert "207.05" in body and "VAT 20 % on 140.00" in body and "VAT 10 % on 35.50" in body
    quote.refresh_from_db()
    assert quote.tax_inclusive == GARDEN_TOTAL and quote.title == "Spring maintenance"
    assert [line.kind for line in quote.lines.all()] == ["section", "item", "item"]
    assert quote.lines.all()[1].quantity == D("3.5")

    # A mistake: the service names the line; nothing stored changes, nothing typed is lost.
    bad = GARDEN_ROWS[:2] + [{"description": "Green waste removal", "quantity": "0", "unit_price": "35.50"}]
    response = client.post(f"/documents/{quote.pk}/autosave/", editor_data(bad), **HTMX)
    assert response.status_code == 400
    assert "Line 3: the quantity cannot be 0." in response.content.decode()
    quote.refresh_from_db()
    assert quote.tax_inclusive == GARDEN_TOTAL and quote.title == "Spring maintenance"
    response = client.post(f"/documents/{quote.pk}/autosave/", editor_data(bad, title="Typed"))
    assert response.status_code == 400 and 'value="Typed"' in response.content.decode()

    # Send (the editor posts its content first, then the member goes on to the send page).
    response = client.post(f"/documents/{quote.pk}/send/", editor_data(GARDEN_ROWS, title="Spring maintenance",
                                                                       valid_until="2030-01-31"))
    assert response.status_code == 302 and response.url == f"/documents/{quote.pk}/email/"
    assert "Send this quote?" in client.get(response.url).content.decode()
    # handed over another way: marked as sent, nothing emailed (sales' own confirm step)
    response = client.post(f"/documents/{quote.pk}/send/", {"confirm": "1"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.state == State.SENT and quote.number.startswith("D")
    page = client.get(f"/documents/{quote.pk}/").content.decode()
    assert "PDF being prepared" in page and "Mark accepted" in page

    client.post(f"/documents/{quote.pk}/state/", {"to_state": "accepted"})
    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED

    # A 30 % deposit invoice, issued.
    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "deposit", "deposit-percent": "30"})
    deposit = Document.objects.get(quote=quote, kind=Kind.DEPOSIT)
    assert response.url == f"/documents/{deposit.pk}/"
    assert deposit.tax_exclusive == D("52.65")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/documents/{deposit.pk}/issue/", {"confirm": "1"})
    assert response.status_code == 302, response.content.decode()
    deposit.refresh_from_db()
    assert deposit.state == State.ISSUED and deposit.number

    # The final invoice deducts the deposit.
    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "final"})
    final = Document.objects.get(quote=quote, kind=Kind.INVOICE)
    assert final.prepaid == deposit.tax_inclusive and final.payable == GARDEN_TOTAL - deposit.tax_inclusive
    editor = client.get(f"/documents/{final.pk}/").content.decode()
    assert "Deposits deducted" in editor and "Amount due" in editor
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/documents/{final.pk}/issue/", {"confirm": "1"})
    final.refresh_from_db()
    quote.refresh_from_db()
    assert final.state == State.ISSUED and quote.state == State.INVOICED
    page = client.get(f"/documents/{quote.pk}/").content.decode()
    assert deposit.number in page and final.number in page  # related documents
    assert "History" in page and "Draft" in page and "→ accepted" in page  # the quote's timeline
    assert AuditEvent.objects.filter(object_type="sales.document", object_id=str(quote.pk)).count() >= 3


def test_issuing_without_the_clients_address_says_what_to_fix_and_changes_nothing(client):
    member, activity = member_with_activity()
    customer = ClientFactory(activity=activity, without_address=True)
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    editor = client.get(f"/documents/{invoice.pk}/").content.decode()
    assert "The client's address is incomplete: street, postcode and city" in editor  # warned before

    response = client.post(f"/documents/{invoice.pk}/issue/", {"confirm": "1"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "The client&#x27;s address is incomplete (street, postcode and city are required" in body
    assert f'href="/clients/{customer.pk}/edit/"' in body and "Nothing has been changed" in body
    invoice.refresh_from_db()
    assert invoice.state == State.DRAFT and invoice.number == "" and invoice.sequence is None
    assert not DocumentCounter.objects.filter(entity=invoice.entity, series="invoice", last__gt=0).exists()
    assert not AuditEvent.objects.filter(action="document.issued").exists()


def test_a_member_gets_404_on_another_members_documents_pages_and_pdf(client):
    office = OfficeFactory()
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    theirs = draft(b, activity_b, ClientFactory(activity=activity_b), kind=Kind.INVOICE)
    issued = issued_invoice(b, activity_b, ClientFactory(activity=activity_b))
    issued.pdf.save("archived.pdf", ContentFile(b"%PDF-1.7 archived"))
    item = CatalogueItemFactory(activity=activity_b)
    client.force_login(a.user)
    for doc in (theirs, issued):
        for suffix in ("", "preview/", "pdf/", "pdf/status/", "issue/", "send/", "credit-note/", "line/?kind=item"):
            url = f"/documents/{doc.pk}/{suffix}"
            assert client.get(url).status_code == 404, url
        for suffix in ("autosave/", "issue/", "send/", "state/", "invoice/", "credit-note/", "duplicate/", "delete/"):
            url = f"/documents/{doc.pk}/{suffix}"
            assert client.post(url, editor_data([{"description": "x", "unit_price": "1"}], mode="final",
                                                confirm="1")).status_code == 404, url
    assert client.get(f"/activities/{activity_b.pk}/catalogue/").status_code == 404
    assert client.get(f"/activities/{activity_b.pk}/catalogue/{item.pk}/").status_code == 404
    assert client.post(f"/activities/{activity_b.pk}/catalogue/{item.pk}/active/", {"active": "0"}).status_code == 404
    page = client.get("/documents/?q=").content.decode()
    assert theirs.client.name not in page and issued.number not in page
    theirs.refresh_from_db()
    assert theirs.is_draft and Document.objects.filter(pk=theirs.pk).exists()
    item.refresh_from_db()
    assert item.active


def test_the_list_costs_the_same_number_of_queries_whatever_the_number_of_documents(client, gardener):
    member, activity, customer = gardener
    client.force_login(member.user)

    def count(url, **extra):
        client.get(url, **extra)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, **extra)
        assert response.status_code == 200
        return len(ctx)

    draft(member, activity, customer)
    urls = [("/documents/", {}), ("/documents/?tab=quotes&q=Tilleuls", {}),
            ("/documents/?tab=drafts", {**HTMX, "HTTP_HX_TARGET": "document-rows"})]
    small = [count(url, **extra) for url, extra in urls]
    for _ in range(12):
        draft(member, activity, ClientFactory(activity=activity))
    issued_invoice(member, activity, customer)
    assert [count(url, **extra) for url, extra in urls] == small
    page = client.get("/documents/?tab=invoices").content.decode()
    assert "F" in page and "issued" in page


def test_the_list_filters_live_and_paginates(client, gardener):
    member, activity, customer = gardener
    other = ClientFactory(activity=activity, name="Mairie de Rezé")
    draft(member, activity, customer)
    draft(member, activity, other, kind=Kind.INVOICE)
    client.force_login(member.user)
    rows = client.get("/documents/?q=rez", **HTMX, HTTP_HX_TARGET="document-rows").content.decode()
    assert "Mairie de Rezé" in rows and customer.name not in rows and "<html" not in rows
    assert customer.name not in client.get("/documents/?tab=invoices").content.decode()
    for _ in range(25):
        draft(member, activity, customer)
    page = client.get("/documents/?tab=quotes").content.decode()
    assert "Page 1 of 2" in page and "tab=quotes&amp;page=2" in page


def test_autosave_refuses_to_change_an_issued_document_and_says_why(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    client.force_login(member.user)
    data = editor_data([{"description": "Sneaky change", "unit_price": "1000"}], title="Changed")
    response = client.post(f"/documents/{invoice.pk}/autosave/", data, **HTMX)
    assert response.status_code == 400
    assert "is issued: it can no longer be changed. Correct it with a credit note." in response.content.decode()
    response = client.post(f"/documents/{invoice.pk}/autosave/", data)
    assert response.status_code == 302 and response.url == f"/documents/{invoice.pk}/"
    invoice.refresh_from_db()
    assert invoice.title == "" and invoice.tax_inclusive == GARDEN_TOTAL
    assert [line.description for line in invoice.lines.all()][1] == "Hedge trimming"
    # the page of an issued document has no editor
    assert 'id="editor"' not in client.get(f"/documents/{invoice.pk}/").content.decode()


def test_the_archived_pdf_is_served_inline_under_its_number_once_ready(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    client.force_login(member.user)
    status = client.get(f"/documents/{invoice.pk}/pdf/status/").content.decode()
    assert "PDF being prepared" in status and 'hx-trigger="every 3s"' in status
    assert client.get(f"/documents/{invoice.pk}/pdf/").status_code == 302  # not archived yet
    invoice.pdf.save("archived.pdf", ContentFile(b"%PDF-1.7 archived"))
    status = client.get(f"/documents/{invoice.pk}/pdf/status/").content.decode()
    assert "every 3s" not in status and f"/documents/{invoice.pk}/pdf/" in status
    response = client.get(f"/documents/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 archived"  # consuming it closes the file


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_draft_pdf_is_rendered_on_the_fly_and_the_preview_is_html(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer, title="Spring maintenance")
    client.force_login(member.user)
    preview = client.get(f"/documents/{quote.pk}/preview/").content.decode()
    assert "Hedge trimming" in preview and "Back to the draft" in preview and 'content="width=device-width, initial-scale=1"' in preview
    response = client.get(f"/documents/{quote.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    quote.refresh_from_db()
    assert not quote.pdf  # a draft's PDF is not archived


def test_travel_costs_are_typed_with_what_they_are_for_and_printed(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    client.force_login(member.user)
    url = f"/documents/{quote.pk}/autosave/"
    refused = client.post(url, editor_data(GARDEN_ROWS, charge_amount="25"), **HTMX)
    assert refused.status_code == 400
    assert "Say what the additional charge is for" in refused.content.decode()
    quote.refresh_from_db()
    assert quote.charge_amount == 0
    saved = client.post(url, editor_data(GARDEN_ROWS, charge_amount="25", charge_reason="Travel costs"), **HTMX)
    body = saved.content.decode()
    assert saved.status_code == 200, body
    assert "Travel costs" in body and "+ 25.00" in body
    quote.refresh_from_db()
    # 175.50 of work at 20 % and 10 %: the 25.00 is spread over both rates and taxed with them
    assert quote.charge_total == D("25.00") and quote.tax_exclusive == D("200.50")
    assert sorted(v.charge_amount for v in quote.vat_breakdown.all()) == [D("5.06"), D("19.94")]
    editor = client.get(f"/documents/{quote.pk}/").content.decode()
    assert 'name="charge_reason"' in editor and "<details class=\"more\" open>" in editor
    preview = client.get(f"/documents/{quote.pk}/preview/").content.decode()
    assert "Travel costs" in preview and "+ 25,00" in preview  # printed in the document's language (fr)


def test_a_partial_credit_note_opens_in_the_editor(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/").content.decode()
    assert "Create a credit note" in page
    page = client.get(f"/documents/{invoice.pk}/credit-note/").content.decode()
    assert "Hedge trimming" in page and "Credit the whole invoice" in page
    response = client.post(f"/documents/{invoice.pk}/credit-note/", {"mode": "partial", "line": ["1"], "qty_1": "5"})
    assert response.status_code == 400 and "at most 3.5" in response.content.decode()
    response = client.post(f"/documents/{invoice.pk}/credit-note/", {"mode": "partial", "line": ["1"], "qty_1": "1,5"})
    note = Document.objects.get(credited=invoice)
    assert response.url == f"/documents/{note.pk}/"
    assert [(line.description, line.quantity) for line in note.lines.all()] == [("Hedge trimming", D("1.5"))]
    assert 'id="editor"' in client.get(response.url).content.decode()


def test_duplicate_then_delete_a_draft(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer, title="Spring maintenance")
    client.force_login(member.user)
    response = client.post(f"/documents/{quote.pk}/duplicate/")
    copy = Document.objects.exclude(pk=quote.pk).get()
    assert response.url == f"/documents/{copy.pk}/" and copy.title == "Spring maintenance"
    assert copy.lines.count() == 3
    response = client.post(f"/documents/{copy.pk}/delete/")
    assert response.url == "/documents/" and not Document.objects.filter(pk=copy.pk).exists()


def test_a_member_with_two_activities_chooses_one_and_a_client_of_it(client):
    member, first = member_with_activity()
    from compagnon.core.tests.factories import ActivityFactory

    second = ActivityFactory(entity=first.entity, holder=member, name="Second")
    theirs = ClientFactory(activity=second, name="Client of the second")
    client.force_login(member.user)
    page = client.get("/documents/new/").content.decode()
    assert 'name="activity"' in page and "Second" in page
    choices = client.get(f"/documents/new/?activity={second.pk}&q=second", **HTMX,
                         HTTP_HX_TARGET="client-choices").content.decode()
    assert "Client of the second" in choices and "/clients/new/?activity=" in choices
    response = client.post("/documents/new/", {"kind": "invoice", "activity": first.pk, "client": theirs.pk})
    assert response.status_code == 400 and "Choose one of this activity" in response.content.decode()
    assert not Document.objects.exists()


def test_a_belgian_line_defaults_to_21_percent_and_offers_the_other_rates(client):
    from compagnon.core.tests.factories import EntityFactory
    from compagnon.core.tests.factories import OfficeFactory as Offices

    office = Offices(entity=EntityFactory(belgian=True))
    member, activity = member_with_activity(office)
    quote = draft(member, activity, ClientFactory(activity=activity, country="BE"), lines=[])
    client.force_login(member.user)
    row = client.get(f"/documents/{quote.pk}/line/?kind=item", **HTMX).content.decode()
    assert 'value="S:21.00" selected' in row and 'value="S:6.00"' in row and 'value="AE:0.00"' in row


def test_catalogue_items_fill_a_line_and_only_workers_change_them(client, gardener):
    member, activity, customer = gardener
    client.force_login(member.user)
    response = client.post(f"/activities/{activity.pk}/catalogue/", {
        "name": "Lawn mowing", "description": "Up to 500 m²", "unit": "HUR", "unit_price": "32,50",
        "vat": "S:10.00"})
    assert response.status_code == 302
    item = CatalogueItem.objects.get(activity=activity)
    assert (item.unit_price, item.vat_rate) == (D("32.5"), D("10"))
    quote = draft(member, activity, customer, lines=[])
    editor = client.get(f"/documents/{quote.pk}/").content.decode()
    assert "Add from your catalogue" in editor and "Lawn mowing" in editor
    row = client.get(f"/documents/{quote.pk}/line/?catalogue_item={item.pk}", **HTMX).content.decode()
    assert "Lawn mowing\nUp to 500 m²" in row and 'value="S:10.00" selected' in row and "32.50" in row
    client.post(f"/activities/{activity.pk}/catalogue/{item.pk}/active/", {"active": "0"})
    item.refresh_from_db()
    assert not item.active

    advisor = advisor_of(member.office)
    client.force_login(advisor)
    page = client.get(f"/activities/{activity.pk}/catalogue/")
    assert page.status_code == 200 and "Add an item" not in page.content.decode()
    assert client.post(f"/activities/{activity.pk}/catalogue/", {"name": "x", "unit": "C62", "unit_price": "1",
                                                                  "vat": "S:20.00"}).status_code == 403


def test_an_accountant_reads_a_document_but_has_no_editor(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    accountant = staff(Role.ACCOUNTANT, activity.entity)
    client.force_login(accountant)
    page = client.get(f"/documents/{quote.pk}/")
    assert page.status_code == 200 and 'id="editor"' not in page.content.decode()
    response = client.post(f"/documents/{quote.pk}/autosave/", editor_data(GARDEN_ROWS), **HTMX)
    assert response.status_code == 403
