"""Issuing invoices: numbering, freezing, booking, immutability, credit notes, quotes to invoices."""

import datetime
import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from compagnon.clients.models import Client
from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity
from compagnon.sales import services
from compagnon.sales.models import Document, DocumentCounter, Kind, State

pytestmark = pytest.mark.django_db

LINES = [
    {"kind": "section", "description": "Garden maintenance"},
    {"description": "Hedge trimming", "quantity": D("3.5"), "unit": "HUR", "unit_price": D("40"), "vat_category": "S", "vat_rate": D("20")},
    {"description": "Green waste removal", "quantity": D("1"), "unit": "LS", "unit_price": D("35.50"), "vat_category": "S", "vat_rate": D("10")},
    {"kind": "text", "description": "Work done on 12 March."},
]


def client_of(activity, **kw):
    data = {"name": "Copropriété Les Tilleuls", "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes",
            "country": "FR", "email": "syndic@example.org", "language": "fr"}
    data.update(kw)
    return Client.objects.create(activity=activity, **data)


@pytest.fixture
def gardener():
    member, activity = member_with_activity()
    return member, activity, client_of(activity)


def invoice(member, activity, client, lines=LINES, **kw):
    return services.create_document(actor=member.user, activity=activity, client=client, kind=Kind.INVOICE, lines=lines, **kw)


def issue(member, doc, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.issue_document(actor=member.user, document=doc)


def test_issuing_numbers_freezes_books_and_archives_the_pdf(gardener, django_capture_on_commit_callbacks):
    member, activity, client = gardener
    doc = issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    doc.refresh_from_db()
    year = doc.issue_date.year
    assert doc.state == State.ISSUED and doc.number == f"F{year}-00001"
    assert (doc.tax_exclusive, doc.tax_total, doc.tax_inclusive) == (D("175.50"), D("31.55"), D("207.05"))
    assert doc.due_date == doc.issue_date + datetime.timedelta(days=activity.payment_terms_days)
    assert doc.frozen["buyer"]["address"] == ["4 rue des Lilas", "44000 Nantes"]
    assert doc.pdf.name and len(doc.pdf_sha256) == 64
    with doc.pdf.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    from compagnon.ledger.models import Entry

    entry = Entry.objects.get(source_type="sales.document", source_id=doc.pk)
    lines = list(entry.lines.all())
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines) > 0
    receivable = [line for line in lines if line.client_id == client.pk]
    assert [line.debit for line in receivable] == [D("207.05")]
    # no contribution at issue: the budget charges it when the client pays (decision 0017)
    assert not [line for line in lines if line.account.role.startswith("contribution")]


def test_the_issued_document_keeps_printing_what_it_printed(gardener, django_capture_on_commit_callbacks):
    member, activity, client = gardener
    doc = issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    client.street, client.name = "99 avenue Nouvelle", "Renamed"
    client.save()
    doc.refresh_from_db()
    assert doc.frozen["buyer"]["name"] == "Copropriété Les Tilleuls"
    with pytest.raises(ValidationError, match="credit note"):
        services.save_draft(actor=member.user, document=doc, title="changed")
    with pytest.raises(ValidationError):
        services.delete_draft(actor=member.user, document=doc)


def test_numbers_are_gap_free_and_a_refused_issue_consumes_none(gardener, django_capture_on_commit_callbacks):
    member, activity, client = gardener
    first = issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    no_address = client_of(activity, street="", name="Nowhere Ltd")
    bad = invoice(member, activity, no_address)
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=member.user, document=bad)
    assert "address" in str(exc.value.message_dict["client"])
    bad.refresh_from_db()
    assert bad.state == State.DRAFT and bad.number == ""
    second = issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    assert (first.sequence, second.sequence) == (1, 2)


@pytest.mark.parametrize(
    ("lines", "client_kw", "field", "words"),
    [
        ([], {}, "lines", "at least one line"),
        ([{"kind": "text", "description": "only words"}], {}, "lines", "at least one line"),
        ([{"description": "Consulting", "quantity": D("1"), "unit_price": D("100"), "vat_category": "AE", "vat_rate": D("0")}],
         {"vat_number": "BE0403019262"}, "client", "valid VAT number"),
    ],
    ids=["no-lines", "text-only", "reverse-charge-bad-vat"],
)
def test_issuing_is_refused_with_the_reason(gardener, lines, client_kw, field, words):
    member, activity, _ = gardener
    client = client_of(activity, **client_kw)
    doc = invoice(member, activity, client, lines=lines)
    with pytest.raises(ValidationError) as exc:
        services.issue_document(actor=member.user, document=doc)
    assert words in " ".join(exc.value.message_dict[field])
    assert not DocumentCounter.objects.filter(last__gt=0).exists()


def test_line_errors_name_the_line_and_nothing_is_saved(gardener):
    member, activity, client = gardener
    doc = invoice(member, activity, client)
    with pytest.raises(ValidationError) as exc:
        services.save_draft(actor=member.user, document=doc, lines=[*LINES, {"description": "", "quantity": D("1"), "unit_price": D("1"),
                                                                            "vat_category": "E", "vat_rate": D("20")}])
    text = " ".join(exc.value.message_dict["lines"])
    assert "Line 5" in text and "description" in text and "must be 0" in text
    assert doc.lines.count() == 4


def test_a_full_credit_note_cancels_the_invoice_and_cannot_be_exceeded(gardener, django_capture_on_commit_callbacks):
    member, activity, client = gardener
    inv = issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    credit = services.credit_note_for(actor=member.user, invoice=inv)
    credit = issue(member, credit, django_capture_on_commit_callbacks)
    assert credit.number.startswith("A") and credit.tax_inclusive == inv.tax_inclusive
    assert credit.frozen["references"]["credited"] == inv.number
    # nothing is left to credit: refused when the second credit note is made (and again at issue)
    with pytest.raises(ValidationError, match="left to credit"):
        services.credit_note_for(actor=member.user, invoice=inv)


def test_quote_deposit_then_final_invoice_deducts_the_deposit(gardener, django_capture_on_commit_callbacks):
    member, activity, client = gardener
    quote = services.create_document(actor=member.user, activity=activity, client=client, kind=Kind.QUOTE, lines=LINES)
    with pytest.raises(ValidationError):
        services.invoice_from_quote(actor=member.user, quote=quote, mode="deposit", percent=D("30"))
    for state in (State.SENT, State.ACCEPTED):
        quote = services.change_quote_state(actor=member.user, document=quote, to_state=state)
    assert quote.number.startswith("D")
    deposit = services.invoice_from_quote(actor=member.user, quote=quote, mode="deposit", percent=D("30"))
    assert deposit.tax_exclusive == D("52.65")  # 30% of 175.50, split over the two rates
    # the client reads "30 %", never the Decimal's exponent form "3E+1"
    assert "30%" in deposit.lines.first().description.replace("\u00a0", "").replace(" ", "")
    deposit = issue(member, deposit, django_capture_on_commit_callbacks)
    quote.refresh_from_db()
    assert quote.state == State.PARTIALLY_INVOICED
    final = services.invoice_from_quote(actor=member.user, quote=quote, mode="final")
    assert final.prepaid == deposit.tax_inclusive and final.payable == final.tax_inclusive - deposit.tax_inclusive
    final = issue(member, final, django_capture_on_commit_callbacks)
    quote.refresh_from_db()
    assert quote.state == State.INVOICED
    from compagnon.ledger.models import EntryLine

    for doc in (deposit, final):
        lines = EntryLine.objects.filter(entry__source_type="sales.document", entry__source_id=doc.pk)
        assert sum(x.debit for x in lines) == sum(x.credit for x in lines)


def test_another_member_can_neither_issue_nor_see_the_document(gardener, client):
    member, activity, c = gardener
    doc = invoice(member, activity, c)
    stranger, _ = member_with_activity(OfficeFactory(entity=activity.entity))
    with pytest.raises(PermissionDenied):
        services.issue_document(actor=stranger.user, document=doc)
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    assert client.get(f"/api/v1/documents/{doc.pk}/", **auth).status_code == 404
    assert client.post(f"/api/v1/documents/{doc.pk}/issue/", **auth).status_code == 404
    assert client.get(f"/api/v1/documents/{doc.pk}/pdf/", **auth).status_code == 404


def test_api_creates_a_draft_issues_it_and_serves_the_pdf(gardener, client, django_capture_on_commit_callbacks):
    member, activity, c = gardener
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    payload = {"kind": "invoice", "activity": activity.pk, "client": c.pk, "title": "March",
               "lines": [{"description": "Pruning", "quantity": "2", "unit": "HUR", "unit_price": "45", "vat_category": "S", "vat_rate": "20"}]}
    created = client.post("/api/v1/documents/", payload, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tax_inclusive"] == "108.00" and body["state"] == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        issued = client.post(f"/api/v1/documents/{body['id']}/issue/", **auth)
    assert issued.status_code == 200 and issued.json()["number"].startswith("F")
    edit = client.patch(f"/api/v1/documents/{body['id']}/", {"title": "x"}, content_type="application/json", **auth)
    assert edit.status_code == 400 and "credit note" in edit.json()["error"]["fields"]["non_field_errors"][0]
    pdf = client.get(f"/api/v1/documents/{body['id']}/pdf/", **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")  # consuming it closes the file


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL behaviour; SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_fifty_invoices_from_ten_connections_get_unique_gap_free_numbers_in_issue_order():
    member, activity = member_with_activity()
    c = client_of(activity)
    drafts = [invoice(member, activity, c, lines=LINES[1:2]) for _ in range(50)]
    errors = []

    def worker(batch):
        from django.db import connections

        try:
            for doc in batch:
                services.issue_document(actor=member.user, document=doc)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(drafts[i::10],)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    issued = list(Document.objects.filter(kind=Kind.INVOICE, state=State.ISSUED).order_by("sequence"))
    assert [d.sequence for d in issued] == list(range(1, 51))
    assert [d.issued_at for d in issued] == sorted(d.issued_at for d in issued)


def test_check_books_accepts_sound_sales_and_names_a_gap(gardener, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    member, activity, client = gardener
    for _ in range(3):
        issue(member, invoice(member, activity, client), django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("check_books", stdout=out)
    assert "Invoice and credit-note numbers are gap-free" in out.getvalue()
    second = Document.objects.get(sequence=2)
    Document.objects.filter(pk=second.pk).update(sequence=7)  # what a tampered database would look like
    with pytest.raises(CommandError):
        call_command("check_books", stdout=StringIO(), stderr=StringIO())
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Document.objects.filter(pk=second.pk).update(pdf="", pdf_requested_at=an_hour_ago)
    problems = StringIO()
    with pytest.raises(CommandError):
        call_command("check_books", stdout=problems, stderr=problems)
    assert "gap or duplicate" in problems.getvalue() and "no archived PDF" in problems.getvalue()


def test_the_client_page_shows_the_documents_in_the_timeline(gardener, client, django_capture_on_commit_callbacks):
    member, activity, c = gardener
    doc = issue(member, invoice(member, activity, c), django_capture_on_commit_callbacks)
    client.force_login(member.user)
    page = client.get(f"/clients/{c.pk}/").content.decode()
    assert doc.number in page and f"/documents/{doc.pk}/" in page
    stranger, _ = member_with_activity(OfficeFactory(entity=activity.entity))
    client.force_login(stranger.user)
    assert client.get(f"/clients/{c.pk}/").status_code == 404


def test_api_takes_an_additional_charge_only_with_what_it_is_for(gardener, client):
    member, activity, c = gardener
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    payload = {"kind": "invoice", "activity": activity.pk, "client": c.pk, "charge_amount": "30",
               "lines": [{"description": "Pruning", "quantity": "2", "unit": "HUR", "unit_price": "45",
                          "vat_category": "S", "vat_rate": "20"}]}
    refused = client.post("/api/v1/documents/", payload, content_type="application/json", **auth)
    assert refused.status_code == 400
    assert "what the additional charge is for" in str(refused.json()["error"]["fields"]["charge_reason"])
    created = client.post("/api/v1/documents/", {**payload, "charge_reason": "Travel costs"},
                          content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["charge_total"], body["tax_exclusive"], body["tax_inclusive"]) == ("30.00", "120.00", "144.00")
    assert body["vat_breakdown"][0]["charge_amount"] == "30.00"
    # the charge can be changed, but not left without its reason
    emptied = client.patch(f"/api/v1/documents/{body['id']}/", {"charge_reason": ""},
                           content_type="application/json", **auth)
    assert emptied.status_code == 400
