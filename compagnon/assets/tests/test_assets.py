"""A member buys a laptop above the threshold: it becomes a fixed asset of the activity, depreciated
year after year by the accountant's command, until it is sold or scrapped."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from compagnon.assets import schedule, services
from compagnon.assets.models import Asset, AssetState
from compagnon.ledger.models import Entry, EntryLine
from compagnon.purchases import workflow
from compagnon.purchases.tests.workflow_helpers import cooperative, paper_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_schedule_is_straight_line_by_days_and_adds_up_to_the_cost():
    rows = schedule.table(D("1200.00"), datetime.date(2026, 3, 15), 3)
    assert [(r.year, r.amount) for r in rows] == [
        (2026, D("320.00")),
        (2027, D("400.00")),
        (2028, D("400.00")),
        (2029, D("80.00")),
    ]  # 292/365 of 400 the first year
    assert rows[-1].book_value == 0
    assert [r.amount for r in schedule.table(D("1000.00"), datetime.date(2026, 1, 1), 3)] == [
        D("333.33"),
        D("333.34"),
        D("333.33"),
    ]
    leap = schedule.table(D("999.99"), datetime.date(2027, 7, 1), 5)  # across 2028, a leap year
    assert sum(r.amount for r in leap) == D("999.99") and len(leap) == 6
    assert (
        schedule.accumulated(
            D("1200.00"), datetime.date(2026, 3, 15), 3, datetime.date(2026, 3, 14)
        )
        == 0
    )


def _laptop(coop, days_ago=400, **kw):
    invoice = paper_invoice(
        coop,
        rows=(("20", "1200.00", "240.00"),),
        category="computers",
        days_ago=days_ago,
        approve=True,
        **kw,
    )
    if invoice.state == "to_approve":
        invoice = workflow.approve(actor=coop["accountant"], invoice=invoice)
    return invoice


def _lines(entry):
    return {
        (ln.account.code, ln.debit, ln.credit, ln.activity_id)
        for ln in EntryLine.objects.filter(entry=entry).select_related("account")
    }


def test_a_laptop_booked_to_class_2_becomes_an_asset_and_is_depreciated_once_a_year():
    coop = cooperative()
    invoice = _laptop(coop)
    asset = Asset.objects.get(invoice=invoice)
    assert (asset.cost, asset.years, asset.account_code, asset.acquired_on) == (
        D("1200.00"),
        3,
        "2183",
        invoice.issue_date,
    )
    year = asset.acquired_on.year
    end = datetime.date(year, 12, 31)
    call_command("post_depreciation", entity=coop["entity"].pk, until=end.isoformat())
    [first] = asset.depreciations.all()
    expected = schedule.table(asset.cost, asset.acquired_on, 3)[0].amount
    assert first.amount == expected and first.date == end
    a = coop["activity"].pk
    assert _lines(first.entry) == {("6811", expected, D("0"), a), ("28183", D("0"), expected, a)}
    assert services.post_depreciation(entity=coop["entity"], until=end) == 0  # idempotent
    assert (
        services.post_depreciation(entity=coop["entity"], until=datetime.date(year + 1, 12, 30))
        == 0
    )
    # a small purchase stays an expense: no asset
    paper_invoice(coop, number="F-9", category="computers", approve=True)
    assert Asset.objects.count() == 1


def test_belgian_accounts_and_a_sale_with_a_gain():
    coop = cooperative(belgian=True)
    invoice = paper_invoice(
        coop, rows=(("21", "3000.00", "630.00"),), category="furniture", days_ago=800
    )
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    invoice = workflow.approve(actor=coop["accountant"], invoice=invoice)
    asset = Asset.objects.get(invoice=invoice)
    assert (asset.account_code, asset.years) == ("2400", 10)
    asset = services.dispose(
        actor=coop["accountant"],
        asset=asset,
        on=datetime.date.today(),
        kind="sale",
        price="2900.00",
    )
    assert asset.state == AssetState.DISPOSED
    depreciated = sum(asset.depreciations.values_list("amount", flat=True), D("0"))
    assert 0 < depreciated < D("3000.00")
    lines = _lines(asset.disposal_entry)
    a = coop["activity"].pk
    assert ("2400", D("0"), D("3000.00"), a) in lines and ("2409", depreciated, D("0"), a) in lines
    assert ("4161", D("2900.00"), D("0"), a) in lines
    assert ("7630", D("0"), D("2900.00") - (D("3000.00") - depreciated), a) in lines
    assert {code for code, *_x in _lines(asset.depreciations.first().entry)} == {"6302", "2409"}
    with pytest.raises(ValidationError):
        services.dispose(
            actor=coop["accountant"], asset=asset, on=datetime.date.today(), kind="scrap"
        )


def test_a_french_scrapping_writes_off_the_book_value():
    coop = cooperative()
    asset = Asset.objects.get(invoice=_laptop(coop))
    with pytest.raises(PermissionDenied):
        services.dispose(
            actor=coop["camille"].user, asset=asset, on=datetime.date.today(), kind="scrap"
        )
    asset = services.dispose(
        actor=coop["accountant"], asset=asset, on=datetime.date.today(), kind="scrap"
    )
    depreciated = sum(asset.depreciations.values_list("amount", flat=True), D("0"))
    a = coop["activity"].pk
    assert _lines(asset.disposal_entry) == {
        ("2183", D("0"), D("1200.00"), a),
        ("28183", depreciated, D("0"), a),
        ("675", D("1200.00") - depreciated, D("0"), a),
    }
    assert asset.depreciations.count() == 2  # last year in full, this year up to today
    assert services.post_depreciation(entity=coop["entity"], until=datetime.date(2099, 12, 31)) == 0


def test_cancelling_the_invoice_drops_the_asset_unless_depreciation_is_posted():
    coop = cooperative()
    invoice = _laptop(coop, days_ago=5)
    workflow.cancel(actor=coop["accountant"], invoice=invoice, reason="Returned to the shop")
    assert not Asset.objects.exists()
    other = _laptop(coop, number="F-2")
    services.post_depreciation(
        entity=coop["entity"], until=datetime.date(other.issue_date.year, 12, 31)
    )
    with pytest.raises(ValidationError):
        workflow.cancel(actor=coop["accountant"], invoice=other, reason="Returned to the shop")
    assert Entry.objects.filter(kind="reversal", source_id=other.pk).count() == 0  # rolled back


def test_the_useful_life_changes_only_before_any_depreciation():
    coop = cooperative()
    asset = Asset.objects.get(invoice=_laptop(coop))
    asset = services.change_years(actor=coop["accountant"], asset=asset, years=4)
    assert asset.years == 4
    services.post_depreciation(
        entity=coop["entity"], until=datetime.date(asset.acquired_on.year, 12, 31)
    )
    with pytest.raises(ValidationError):
        services.change_years(actor=coop["accountant"], asset=asset, years=5)
