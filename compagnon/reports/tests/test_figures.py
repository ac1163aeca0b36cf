"""Aged balances, VAT, income statements and the cooperative's transparency figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from compagnon.core.tests.factories import OfficeFactory, TradeFactory, member_with_activity
from compagnon.reports.aged import aged_payables, aged_receivables, bucket_of
from compagnon.reports.periods import year_period
from compagnon.reports.statements import income_statement
from compagnon.reports.transparency import transparency
from compagnon.reports.vat import vat_report
from compagnon.sales.tests.factories import ClientFactory, issued_invoice

from .helpers import auth, cost, day, sale

pytestmark = pytest.mark.django_db
D = Decimal


def test_buckets_count_days_past_the_due_date():
    due = datetime.date(2025, 3, 31)
    assert bucket_of(due, due) == "not_due"
    assert [
        bucket_of(due, due + datetime.timedelta(days=n)) for n in (1, 30, 31, 60, 61, 90, 91)
    ] == ["d30", "d30", "d60", "d60", "d90", "d90", "older"]


def test_payments_settle_the_oldest_invoices_first(coop):
    entity = coop["entity"]
    # client A: 600 (2024-11-05) + 1,200 (01-10) + 220 (03-20) invoiced, 1,200 paid by 03-10
    aged = aged_receivables(entity, day(4, 30))
    row = next(r for r in aged.rows if r.client_id == coop["client_a"].pk)
    # the 600 of 2024 and 600 of January are paid; 600 of January (due on its date: no document)
    # is 110 days late, the March invoice 41 days
    assert row.buckets["older"] == D("600.00") and row.buckets["d60"] == D("220.00")
    assert row.total == D("820.00")
    # lines without a client (activity B's sale) have their own row; the total is the books'
    assert aged.total == D("820.00") + D("360.00")
    earlier = aged_receivables(entity, day(1, 31))
    row = next(r for r in earlier.rows if r.client_id == coop["client_a"].pk)
    assert row.total == D("1200.00")  # the past picture: only what was booked by then


def test_an_issued_invoice_is_aged_by_its_due_date(coop):
    a, activity = coop["a"], coop["activity_a"]
    client = ClientFactory(activity=activity, name="Mairie de Rezé")
    invoice = issued_invoice(a, activity, client)
    aged = aged_receivables(coop["entity"], invoice.due_date + datetime.timedelta(days=45))
    row = next(r for r in aged.rows if r.client_id == client.pk)
    assert row.buckets["d60"] == invoice.payable and row.total == invoice.payable
    fresh = aged_receivables(coop["entity"], timezone.localdate())
    assert (
        next(r for r in fresh.rows if r.client_id == client.pk).buckets["not_due"]
        == invoice.payable
    )


def test_payables_without_supplier_invoices_show_the_books_balance(coop):
    aged = aged_payables(coop["entity"], day(12, 31))
    assert aged.total == D("0")


def test_vat_by_rate_from_the_books_and_by_category_from_the_invoices(coop):
    a, activity = coop["a"], coop["activity_a"]
    invoice = issued_invoice(a, activity, ClientFactory(activity=activity))
    report = vat_report(coop["entity"], year_period(2025))
    by_rate = {r.rate: r.amount for r in report.collected}
    assert by_rate[D("20.0")] == D("260.00") and by_rate[D("10.0")] == D("20.00")
    assert report.collected_total == report.net == D("280.00")
    this_year = vat_report(coop["entity"], year_period(invoice.issue_date.year))
    bases = {(b.category, b.rate): (b.base, b.vat) for b in this_year.bases}
    assert bases[("S", D("20.00"))] == (D("140.00"), D("28.00"))
    assert bases[("S", D("10.00"))] == (D("35.50"), D("3.55"))


def test_an_activitys_income_statement_groups_its_costs(coop):
    statement = income_statement(coop["entity"], year_period(2025), activity=coop["activity_a"].pk)
    assert statement.revenue_total == D("1200.00")
    groups = {g.code: g.total for g in statement.cost_groups}
    assert groups["60"] == D("80.00")
    assert groups["62"] == statement.costs_total - D("80.00")  # the contribution (6281)
    assert statement.result == statement.income_total - statement.costs_total
    assert str(next(g for g in statement.cost_groups if g.code == "60").label) == "Purchases"


def test_small_groups_are_merged_so_nobody_is_singled_out(coop):
    entity = coop["entity"]
    n = 0
    for code, count in (("painting", 3), ("carpentry", 4)):
        trade = TradeFactory(code=code)
        for _i in range(count):
            n += 1
            _member, activity = member_with_activity(coop["office"])
            activity.trade = trade
            activity.save()
            sale(activity, day(4, n), D("100.00"))
    data = transparency(entity, 2025)
    labels = {g.label: g for g in data["by_trade"]}
    # gardening (1) and no trade (1) are too small: "others" would hold 2 activities, so the
    # smallest group (painting, 3) joins it
    assert set(labels) == {"Trade carpentry", "others"}
    assert labels["Trade carpentry"].activities == 4 and labels["Trade carpentry"].revenue == D(
        "400.00"
    )
    others = labels["others"]
    assert others.others and others.activities == 5 and others.revenue == D("1800.00")
    assert sum(g.activities for g in data["by_trade"]) == data["activities"].activities == 9
    offices = {g.label: g for g in data["by_office"]}
    # Rennes holds activity B alone: merged with Nantes into "others" (no group of fewer than 3)
    assert set(offices) == {"others"} and offices["others"].activities == 9


def test_the_transparency_page_keeps_the_figures_of_the_ledgers_page(client, coop):
    client.force_login(coop["b"].user)
    page = client.get(f"/ledger/{coop['entity'].pk}/figures/?year=2025")
    figures = page.context["figures"]
    assert figures["activities_revenue"] == D("1500.00") and figures["invoicing_activities"] == 2
    assert figures["contributions"] == page.context["data"]["activities"].contributions
    body = page.content.decode()
    assert "By trade" in body and "By office" in body
    api = client.get(
        f"/api/v1/reports/{coop['entity'].pk}/transparency/?year=2025", **auth(coop["b"].user)
    ).json()
    assert (
        api["figures"]["activities_revenue"] == "1500.00" and api["activities"]["activities"] == 2
    )


def test_a_cooperative_with_its_own_office_costs_shows_them(coop):
    entity = coop["entity"]
    _m, activity = member_with_activity(OfficeFactory(entity=entity))
    cost(activity, day(5, 2), D("10.00"))
    data = transparency(entity, 2025)
    assert data["activities"].costs >= D("130.00")
