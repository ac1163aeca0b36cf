"""Validated sheets become the lines of the period's invoice; at the period end the member issues
and sends them in one tap (or they go by themselves unless held); nobody else sees them."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import OfficeFactory, api_token_for
from compagnon.fieldwork.models import Deposit, DepositState
from compagnon.homeservices import invoicing
from compagnon.homeservices.models import FieldInvoice, FieldInvoiceState
from compagnon.interventions.models import SheetState
from compagnon.notifications.models import Notification
from compagnon.sales.models import State

from .helpers import client_of, contract_for, gardener, validated_sheet

pytestmark = pytest.mark.django_db(transaction=True)

MAY_4, MAY_18 = datetime.date(2026, 5, 4), datetime.date(2026, 5, 18)


@pytest.fixture
def coop():
    member, activity = gardener()
    client = client_of(activity)
    contract = contract_for(member, activity, client)
    return member, activity, client, contract


def test_two_visits_of_may_make_one_draft_with_a_line_per_visit_and_the_priced_supplies(coop):
    member, activity, client, contract = coop
    first = validated_sheet(contract, MAY_4, minutes=90, supplies=[("Terreau 40 L", "2", "12.50")])
    validated_sheet(contract, MAY_18, minutes=60, tasks=("Tonte",))
    fi = FieldInvoice.objects.get()
    document = fi.document
    assert (fi.period_start, fi.period_end, fi.state) == (
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 31),
        "collecting",
    )
    lines = list(document.lines.values_list("description", "quantity", "unit_price", "vat_rate"))
    assert (
        lines[0][0].startswith("Passage du 04/05/2026")  # the client's language
        and "Tonte, Taille de haie" in lines[0][0]
        and "1 h 30" in lines[0][0]
    )
    assert lines[0][1:] == (D("1.500"), D("30.0000"), D("20.00"))
    assert lines[1][0] == "Terreau 40 L" and lines[1][1] == D("2.000")
    assert lines[2][1] == D("1.000")
    # 45 + 25 + 30 = 100 excl. VAT; 120 incl.; supplies are not home services
    assert (document.tax_exclusive, document.tax_inclusive) == (D("100.00"), D("120.00"))
    assert fi.eligible_amount == D("90.00") and fi.minutes == 150 and fi.workers == [str(member)]
    first.refresh_from_db()
    assert first.document == document and document.state == State.DRAFT
    invoicing.add_sheet(sheet=first)  # the same sheet again changes nothing
    assert document.lines.count() == 3 and FieldInvoice.objects.count() == 1


def test_deleting_the_prepared_draft_releases_its_sheets_for_the_next_run(coop):
    from compagnon.sales import services as sales

    member, activity, client, contract = coop
    sheet = validated_sheet(contract, MAY_4)
    draft = FieldInvoice.objects.get().document
    sales.delete_draft(actor=member.user, document=draft)  # was refused by a protected key
    sheet.refresh_from_db()
    assert sheet.document is None and not FieldInvoice.objects.exists()
    invoicing.prepare(datetime.date(2026, 5, 20))  # the daily run gathers the work again
    sheet.refresh_from_db()
    again = FieldInvoice.objects.get()
    assert sheet.document == again.document and again.document.pk != draft.pk


def test_a_contract_invoiced_per_visit_gets_one_invoice_per_visit_and_a_week_one_per_iso_week(coop):
    member, activity, client, contract = coop
    contract.invoicing = "visit"
    contract.save()
    validated_sheet(contract, MAY_4)
    validated_sheet(contract, datetime.date(2026, 5, 5))
    assert FieldInvoice.objects.count() == 2
    assert invoicing.period_for(contract, MAY_4) == (MAY_4, MAY_4)
    contract.invoicing = "week"
    assert invoicing.period_for(contract, datetime.date(2026, 5, 7)) == (
        MAY_4,
        datetime.date(2026, 5, 10),
    )


def test_a_deposit_paid_online_is_said_on_the_invoice_once(coop):
    member, activity, client, contract = coop
    sheet = validated_sheet(contract, MAY_4, send=False)
    Deposit.objects.create(
        visit=sheet.visit,
        amount=D("30.00"),
        state=DepositState.PAID,
        provider="fake",
        paid_at=datetime.datetime(2026, 4, 20, 10, tzinfo=datetime.UTC),
    )
    invoicing.add_sheet(sheet=sheet)
    invoicing.add_sheet(sheet=sheet)
    fi = FieldInvoice.objects.get()
    texts = [d for (d,) in fi.document.lines.filter(kind="text").values_list("description")]
    assert len(texts) == 1 and "30,00" in texts[0] and fi.deposits == D("30.00")


def test_at_the_period_end_the_member_is_told_and_sends_all_in_one_tap(client, coop):
    member, activity, customer, contract = coop
    sheet = validated_sheet(contract, MAY_4)
    result = invoicing.prepare(datetime.date(2026, 6, 1))
    assert (result.ready, result.sent) == (1, 0)
    assert Notification.objects.filter(
        user=member.user, title__contains="1 invoice ready to send"
    ).exists()
    assert invoicing.prepare(datetime.date(2026, 6, 1)).ready == 0  # idempotent
    client.force_login(member.user)
    page = client.get("/home-services/").content.decode()
    assert "1 invoice ready to send" in page and "Jeanne Martin" in page
    mail.outbox.clear()
    response = client.post("/home-services/send-all/")
    assert response.status_code == 302
    fi = FieldInvoice.objects.get()
    fi.document.refresh_from_db()
    sheet.refresh_from_db()
    assert (
        fi.state == FieldInvoiceState.ISSUED
        and fi.document.state == State.ISSUED
        and fi.document.number
    )
    assert sheet.state == SheetState.INVOICED
    assert [m.to for m in mail.outbox] == [["jeanne@example.org"]]
    assert (
        client.post("/home-services/send-all/").status_code == 302 and len(mail.outbox) == 1
    )  # nothing twice


def test_a_client_without_email_gets_an_issued_invoice_and_the_member_is_told_why(coop):
    from django.core import mail

    member, activity, customer, contract = coop
    customer.email = ""
    customer.save(update_fields=["email"])
    validated_sheet(contract, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 1))
    mail.outbox.clear()
    outcome = invoicing.issue_and_send(actor=member.user, field_invoice=FieldInvoice.objects.get())
    assert not outcome.sent and outcome.field_invoice.state == FieldInvoiceState.ISSUED
    assert outcome.message and mail.outbox == []
    outcome.field_invoice.document.refresh_from_db()
    assert outcome.field_invoice.document.number  # issued and numbered, kept


def test_send_automatically_unless_held(client, coop):
    member, activity, customer, contract = coop
    other = contract_for(
        member,
        activity,
        client_of(activity, name="Paul Durand", email="paul@example.org"),
        name="Durand",
    )
    invoicing.set_preference(actor=member.user, activity=activity, send_automatically=True)
    validated_sheet(contract, MAY_4)
    validated_sheet(other, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 1))
    assert Notification.objects.filter(
        user=member.user, title__contains="will be sent tomorrow unless"
    ).exists()
    held = FieldInvoice.objects.get(contract=other)
    client.force_login(member.user)
    assert client.post(f"/home-services/invoices/{held.pk}/hold/", {"held": "1"}).status_code == 302
    result = invoicing.prepare(datetime.date(2026, 6, 2))
    assert result.sent == 1
    assert FieldInvoice.objects.get(contract=contract).state == FieldInvoiceState.ISSUED
    assert FieldInvoice.objects.get(contract=other).state == FieldInvoiceState.HELD


def test_another_member_sees_nothing_and_cannot_send_or_hold(client, coop):
    member, activity, customer, contract = coop
    validated_sheet(contract, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 1))
    fi = FieldInvoice.objects.get()
    stranger, _activity = gardener(OfficeFactory())
    client.force_login(stranger.user)
    assert "Jeanne Martin" not in client.get("/home-services/").content.decode()
    assert client.post(f"/home-services/invoices/{fi.pk}/send/").status_code == 404
    assert client.post(f"/home-services/invoices/{fi.pk}/hold/").status_code == 404
    client.post("/home-services/send-all/")
    fi.refresh_from_db()
    assert fi.state == FieldInvoiceState.READY
    client.logout()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    assert client.get("/api/v1/field-invoices/", **headers).json()["results"] == []
    assert client.post(f"/api/v1/field-invoices/{fi.pk}/send/", **headers).status_code == 404


def test_the_api_lists_and_sends_all(client, coop):
    member, activity, customer, contract = coop
    validated_sheet(contract, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 1))
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    rows = client.get("/api/v1/field-invoices/?state=ready", **headers).json()["results"]
    assert [r["client"] for r in rows] == ["Jeanne Martin"] and rows[0]["hours"] == "1.500"
    sent = client.post("/api/v1/field-invoices/send-all/", **headers).json()
    assert sent[0]["sent"] is True and sent[0]["number"], sent


def test_the_page_reads_a_constant_number_of_queries(client, coop):
    member, activity, customer, contract = coop
    validated_sheet(contract, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 1))
    client.force_login(member.user)
    client.get("/home-services/")
    with CaptureQueriesContext(connection) as one:
        client.get("/home-services/")
    for i in range(3):
        other = contract_for(
            member, activity, client_of(activity, name=f"Client {i}"), name=f"C{i}"
        )
        validated_sheet(other, MAY_4)
    invoicing.prepare(datetime.date(2026, 6, 2))
    with CaptureQueriesContext(connection) as four:
        assert client.get("/home-services/").content.decode().count("Issue and send") >= 4
    assert len(four) == len(one)
