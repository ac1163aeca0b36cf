"""A statement of work done: built from the time really spent, sent for agreement, invoiced."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity
from compagnon.sales import services as sales
from compagnon.sales.models import Document, Kind, State
from compagnon.timesheets import services
from compagnon.timesheets.models import ExpenseEntry, TimeEntry

from .conftest import client_of, log

pytestmark = pytest.mark.django_db


def lines_of(document):
    return [
        (line.kind, line.description, line.quantity, line.unit, line.unit_price, line.vat_rate)
        for line in document.lines.all()
    ]


@pytest.fixture
def month_of_work(gardener, last_week):
    """Last week's time for Les Tilleuls (agreed rate 50 €/h) and some that must stay off it."""
    member, activity, tilleuls, martin = gardener
    services.set_hourly_rate(
        actor=member.user, activity=activity, client=tilleuls, hourly_rate=D("50")
    )
    mon, tue, wed = (last_week + datetime.timedelta(days=i) for i in range(3))
    on_it = [
        log(member, activity, tilleuls, mon, 90, "Hedge trimming"),
        log(member, activity, tilleuls, tue, 45, " hedge  trimming"),  # same task, typed sloppily
        log(member, activity, tilleuls, wed, 20, "Phone call with the syndic"),
        log(member, activity, tilleuls, wed, 60, "Urgent repair", hourly_rate=D("60")),
    ]
    quote = sales.create_document(
        actor=member.user, activity=activity, client=tilleuls, kind=Kind.QUOTE
    )
    off_it = [
        log(member, activity, tilleuls, wed, 30, "Coffee with the client", billable=False),
        log(member, activity, tilleuls, wed, 120, "Quoted job", quote=quote),
        log(member, activity, martin, wed, 60, "Another client"),
        log(member, activity, tilleuls, last_week - datetime.timedelta(days=1), 60, "Before"),
    ]
    services.add_expense(
        actor=member.user,
        activity=activity,
        client=tilleuls,
        date=tue,
        description="Compost",
        amount=D("30.00"),
    )
    return member, activity, tilleuls, on_it, off_it


def build(member, activity, client, start, days=6, **kw):
    return services.build_statement(
        actor=member.user,
        activity=activity,
        client=client,
        period_start=start,
        period_end=start + datetime.timedelta(days=days),
        **kw,
    )


def test_a_statement_holds_the_periods_billable_time_in_hours_and_the_expenses(
    month_of_work, last_week
):
    member, activity, tilleuls, on_it, off_it = month_of_work
    doc = build(member, activity, tilleuls, last_week)
    assert (doc.kind, doc.state, doc.number) == (Kind.STATEMENT, State.DRAFT, "")
    lines = lines_of(doc)
    assert [line[0] for line in lines] == ["section", "item", "item", "item", "section", "item"]
    items = [line for line in lines if line[0] == "item"]
    # same task in one week: added up before rounding (90 + 45 min = 2.25 h)
    assert [(q, unit, price, vat) for _k, _d, q, unit, price, vat in items] == [
        (D("2.25"), "HUR", D("50"), D("20")),  # the client's agreed rate
        (D("0.33"), "HUR", D("50"), D("20")),  # 20 minutes
        (D("1.00"), "HUR", D("60"), D("20")),  # the rate typed on the entry wins
        (D("1"), "C62", D("30.00"), D("20")),  # the expense, at the standard rate
    ]
    assert items[0][1].startswith("Hedge trimming (")
    # 112.50 + 16.50 + 60.00 + 30.00
    assert (doc.tax_exclusive, doc.tax_total, doc.tax_inclusive) == (
        D("219.00"),
        D("43.80"),
        D("262.80"),
    )
    assert set(TimeEntry.objects.filter(statement=doc)) == set(on_it)
    assert not TimeEntry.objects.filter(pk__in=[e.pk for e in off_it], statement__isnull=False)
    assert ExpenseEntry.objects.get().statement == doc


def test_sections_can_follow_the_tasks_instead_of_the_weeks(month_of_work, last_week):
    member, activity, tilleuls, _on_it, _off_it = month_of_work
    doc = build(member, activity, tilleuls, last_week, group_by="description")
    sections = [d for kind, d, *_rest in lines_of(doc) if kind == "section"]
    assert sections == ["Hedge trimming", "Phone call with the syndic", "Urgent repair", "Expenses"]
    assert doc.tax_exclusive == D("219.00")


def test_the_vat_is_the_standard_rate_of_the_cooperatives_country(last_week):
    office = OfficeFactory(entity__belgian=True)
    member, activity = member_with_activity(office)
    client = client_of(activity, name="Tuin BV", country="BE", language="nl")
    services.set_hourly_rate(actor=member.user, activity=activity, hourly_rate=D("40"))
    log(member, activity, client, last_week, 60, "Gras maaien")
    doc = build(member, activity, client, last_week)
    assert [line.vat_rate for line in doc.lines.all() if line.kind == "item"] == [D("21")]
    assert doc.tax_inclusive == D("48.40")


def test_an_empty_period_is_refused_with_a_clear_message(gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    with pytest.raises(ValidationError) as exc:
        build(member, activity, tilleuls, last_week)
    assert "Nothing to put on a statement" in exc.value.message_dict["period"][0]
    assert tilleuls.name in exc.value.message_dict["period"][0]
    assert not Document.objects.exists()


def test_time_already_on_a_statement_is_not_billed_twice(month_of_work, last_week):
    member, activity, tilleuls, *_rest = month_of_work
    build(member, activity, tilleuls, last_week)
    with pytest.raises(ValidationError, match="Nothing to put on a statement"):
        build(member, activity, tilleuls, last_week)


def test_time_without_any_rate_asks_for_one(gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    services.set_hourly_rate(actor=member.user, activity=activity, hourly_rate=None)
    log(member, activity, tilleuls, last_week, 60, "Hedge trimming")
    with pytest.raises(ValidationError) as exc:
        build(member, activity, tilleuls, last_week)
    assert "no hourly rate" in exc.value.message_dict["hourly_rate"][0]


def test_entries_are_locked_once_the_statement_is_sent(month_of_work, last_week, client):
    member, activity, tilleuls, on_it, _off_it = month_of_work
    doc = build(member, activity, tilleuls, last_week)
    entry = on_it[0]
    # while a draft: a correction rewrites the statement's lines
    services.update_time_entry(actor=member.user, entry=entry, duration=150)
    doc.refresh_from_db()
    assert lines_of(doc)[1][2] == D("3.25") and doc.tax_exclusive == D("269.00")
    sales.change_quote_state(actor=member.user, document=doc, to_state=State.SENT)
    doc.refresh_from_db()
    assert doc.number.startswith("R")  # statements have their own series
    with pytest.raises(ValidationError, match="already sent to the client"):
        services.update_time_entry(actor=member.user, entry=entry, duration=30)
    with pytest.raises(ValidationError, match="already sent to the client"):
        services.delete_time_entry(actor=member.user, entry=entry)
    with pytest.raises(ValidationError, match="already sent to the client"):
        services.delete_expense(actor=member.user, expense=ExpenseEntry.objects.get())
    client.force_login(member.user)
    page = client.get(f"/activities/{activity.pk}/time/{entry.pk}/").content.decode()
    assert "can no longer be changed" in page and '<form method="post">' not in page
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    response = client.patch(
        f"/api/v1/time-entries/{entry.pk}/",
        {"duration": "1h"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert client.get(f"/api/v1/time-entries/{entry.pk}/", **auth).json()["locked"] is True
    entry.refresh_from_db()
    assert entry.duration == 150


def test_deleting_a_draft_statement_gives_its_time_back(month_of_work, last_week, client):
    member, activity, tilleuls, on_it, _off_it = month_of_work
    doc = build(member, activity, tilleuls, last_week)
    client.force_login(member.user)
    response = client.post(f"/activities/{activity.pk}/statements/{doc.pk}/delete/")
    assert response.status_code == 302
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert not TimeEntry.objects.filter(statement__isnull=False).exists()
    # deleted from the sales side too, the entries are freed (on_delete=SET_NULL)
    again = build(member, activity, tilleuls, last_week)
    sales.delete_draft(actor=member.user, document=again)
    assert not TimeEntry.objects.filter(statement__isnull=False).exists()


def test_a_refused_statement_gives_its_time_back_for_a_corrected_one(month_of_work, last_week):
    member, activity, tilleuls, on_it, _off_it = month_of_work
    doc = build(member, activity, tilleuls, last_week)
    sales.change_quote_state(actor=member.user, document=doc, to_state=State.SENT)
    with pytest.raises(ValidationError, match="Only a draft or refused statement"):
        services.release_statement_entries(actor=member.user, statement=doc)
    sales.change_quote_state(actor=member.user, document=doc, to_state=State.REFUSED)
    assert services.release_statement_entries(actor=member.user, statement=doc) == 5
    services.update_time_entry(actor=member.user, entry=on_it[0], duration=60)
    corrected = build(member, activity, tilleuls, last_week)
    assert corrected.tax_exclusive == D("194.00")


def test_the_statements_page_previews_then_creates_the_statement(month_of_work, last_week, client):
    member, activity, tilleuls, *_rest = month_of_work
    client.force_login(member.user)
    url = f"/activities/{activity.pk}/statements/"
    period = {
        "client": tilleuls.pk,
        "period_start": last_week.isoformat(),
        "period_end": (last_week + datetime.timedelta(days=6)).isoformat(),
        "group_by": "week",
    }
    page = client.get(url)
    assert page.status_code == 200 and tilleuls.name in page.content.decode()
    preview = client.get(url, period, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="statement-preview")
    html = preview.content.decode()
    assert preview.status_code == 200 and "<html" not in html
    assert "219.00" in html and "262.80" in html and "Create the statement" in html
    assert not Document.objects.filter(kind=Kind.STATEMENT).exists()
    response = client.post(url, period)
    doc = Document.objects.get(kind=Kind.STATEMENT)
    assert response.status_code == 302
    assert response["Location"] == f"/activities/{activity.pk}/statements/{doc.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "Hedge trimming" in detail and "262.80" in detail
    again = client.post(url, period)
    assert again.status_code == 400
    assert "Nothing to put on a statement" in again.content.decode()


def test_the_member_sends_then_invoices_the_accepted_statement_in_one_click(
    month_of_work, last_week, client
):
    member, activity, tilleuls, *_rest = month_of_work
    doc = build(member, activity, tilleuls, last_week)
    client.force_login(member.user)
    base = f"/activities/{activity.pk}/statements/{doc.pk}/"
    assert client.post(f"{base}state/", {"to_state": "sent"}).status_code == 302
    assert client.post(f"{base}state/", {"to_state": "accepted"}).status_code == 302
    doc.refresh_from_db()
    assert doc.state == State.ACCEPTED
    assert "Create the invoice" in client.get(base).content.decode()
    response = client.post(f"{base}invoice/", follow=True)
    assert "Invoice draft created" in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    invoice = Document.objects.get(kind=Kind.INVOICE)
    assert (invoice.state, invoice.quote_id, invoice.client) == (State.DRAFT, doc.pk, tilleuls)
    assert invoice.tax_exclusive == doc.tax_exclusive == D("219.00")
    assert lines_of(invoice) == lines_of(doc)
    assert "Create the invoice" not in client.get(base).content.decode()
