"""The French CA3 and CA12 from the books: each box from the accounts or documents behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.sales.models import Kind
from compagnon.sales.tests.factories import ClientFactory, issued_invoice
from compagnon.vatreturns import compute, fr, periods, sources

from .helpers import (
    D,
    coop,
    in_period,
    last_quarter,
    post_purchase,
    post_reverse_charge,
    post_sale,
    this_quarter,
)

pytestmark = pytest.mark.django_db

EXPORT = [
    {
        "description": "Audit",
        "quantity": D("1"),
        "unit": "LS",
        "unit_price": D("300"),
        "vat_category": "G",
        "vat_rate": D("0"),
    }
]
INTRA = [
    {
        "description": "Design",
        "quantity": D("2"),
        "unit": "DAY",
        "unit_price": D("450"),
        "vat_category": "K",
        "vat_rate": D("0"),
    }
]


def amounts(figures):
    return {b.code: (b.base, b.amount) for b in figures.boxes}


def test_issued_invoices_fill_the_sales_boxes_and_their_bases_equal_the_ledger():
    c = coop()
    client = ClientFactory(activity=c["activity"])
    issued_invoice(c["member"], c["activity"], client)  # 140 @ 20 %, 35.50 @ 10 %
    swiss = ClientFactory(activity=c["activity"], country="CH")
    issued_invoice(c["member"], c["activity"], swiss, lines=EXPORT)
    german = ClientFactory(activity=c["activity"], country="DE", vat_number="DE136695976")
    issued_invoice(c["member"], c["activity"], german, lines=INTRA)
    period = this_quarter()
    post_purchase(c["activity"], net=D("50.00"), vat=D("10.00"), date=timezone.localdate())

    f = fr.ca3(c["entity"], period)
    a = amounts(f)
    assert a["A1"][1] == D("175.50")
    assert a["08"] == (D("140.00"), D("28.00"))
    assert a["9B"] == (D("35.50"), D("3.55"))
    assert a["09"] == (D("0"), D("0"))
    assert a["E1"][1] == D("300.00")
    assert a["F2"][1] == D("900.00")
    assert a["16"][1] == D("31.55")
    assert a["20"][1] == D("10.00")
    assert a["23"][1] == D("10.00")
    assert a["28"][1] == a["32"][1] == D("21.55")
    assert a["25"][1] == D("0")
    assert f.warnings == []

    # The bases read from the documents are the ledger's: revenue and VAT of the sales journal.
    totals = sources.account_totals(c["entity"], period.start, period.end)
    revenue = totals.net_credit(totals.ids(lambda acc: acc.code.startswith("70")), "sales")
    rows = sources.sales_breakdown(c["entity"], period.start, period.end)
    assert sum(r.taxable for r in rows if r.kind != Kind.DEPOSIT) == revenue == D("1375.50")
    vat = totals.net_credit(totals.ids(lambda acc: acc.code.startswith("44571")), "sales")
    assert sum(r.tax for r in rows) == vat == a["16"][1]


def test_an_entry_posted_by_hand_on_a_vat_account_is_pointed_out():
    c = coop()
    period = last_quarter()
    post_sale(c["activity"], net=D("100.00"), date=in_period(period))  # no document behind it
    f = fr.ca3(c["entity"], period)
    assert f.amount("08") == D("20.00")
    assert any("by hand" in str(w) for w in f.warnings)


def test_reverse_charge_purchases_go_to_their_boxes_and_cancel_out():
    c = coop()
    period = last_quarter()
    day = in_period(period)
    post_reverse_charge(c["activity"], net=D("1000.00"), rate=D("20"), code="445212", date=day)
    post_reverse_charge(
        c["activity"], net=D("200.00"), rate=D("20"), code="445222", date=day, expense="604"
    )
    a = amounts(fr.ca3(c["entity"], period))
    assert a["B2"][1] == D("1000.00")
    assert a["A3"][1] == D("200.00")
    assert a["08"] == (D("1200.00"), D("240.00"))
    assert a["17"][1] == D("200.00")
    assert a["20"][1] == D("240.00")
    assert a["28"][1] == a["25"][1] == D("0")


def test_a_credit_is_carried_to_the_next_return_through_the_settlement(client):
    from compagnon.vatreturns import services

    c = coop()
    previous = last_quarter().previous()
    post_purchase(c["activity"], net=D("500.00"), vat=D("100.00"), date=in_period(previous))
    first = services.file_return(
        actor=c["accountant"], entity=c["entity"], form="CA3", period=previous
    )
    assert first.amount("27") == D("100.00")
    entry = services.post_settlement(actor=c["accountant"], vat_return=first)
    assert entry.is_balanced

    period = last_quarter()
    post_sale(c["activity"], net=D("300.00"), date=in_period(period))
    a = amounts(fr.ca3(c["entity"], period))
    assert a["22"][1] == D("100.00")
    assert a["23"][1] == D("100.00")
    assert a["28"][1] == D("0") and a["25"][1] == D("40.00")
    # the settlement of the first period does not count in its own figures
    assert fr.ca3(c["entity"], previous).amount("20") == D("100.00")


def test_ca12_covers_the_year():
    c = coop()
    year = periods.parse(str(timezone.localdate().year - 1))
    post_sale(c["activity"], net=D("1000.00"), date=year.start)
    post_sale(c["activity"], net=D("500.00"), rate=D("5.5"), date=year.end)
    post_purchase(c["activity"], net=D("100.00"), vat=D("20.00"), date=year.end)
    a = amounts(fr.ca12(c["entity"], year))
    assert a["0206"][1] == D("200.00")
    assert a["0105"][1] == D("27.50")
    assert a["16"][1] == D("227.50")
    assert a["21"][1] == D("20.00")
    assert a["28"][1] == D("207.50")
    assert compute.check_period("CA12", year) and not compute.check_period("CA12", last_quarter())


def test_the_figures_take_a_fixed_number_of_queries_however_many_entries():
    c = coop()
    period = last_quarter()
    post_sale(c["activity"], net=D("10.00"), date=in_period(period, 0))
    with CaptureQueriesContext(connection) as few:
        fr.ca3(c["entity"], period)
    for i in range(15):
        post_sale(c["activity"], net=D("10.00") + i, date=in_period(period, i + 1))
        post_purchase(c["activity"], net=D("5.00"), vat=D("1.00"), date=in_period(period, i + 1))
    with CaptureQueriesContext(connection) as many:
        fr.ca3(c["entity"], period)
    assert len(many) == len(few) <= 8
