"""The budget read from the month totals equals the budget read from every line (decision 0029),
whatever the entries and whatever the period's bounds (month ends, mid-month, in the future)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from compagnon.budget import selectors, sums
from compagnon.budget.models import BudgetPolicy, ReserveRule
from compagnon.core.tests.factories import ActivityFactory, member_with_activity
from compagnon.ledger import services
from compagnon.ledger.money import money

from .helpers import books, expense, post, post_payment, post_sale, salary

pytestmark = pytest.mark.django_db
D = Decimal
START, END = datetime.date(2025, 10, 1), datetime.date(2026, 4, 30)
dates = st.dates(START, END)
amounts = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)


def write(activity, other, kind, date, amount):
    target = other if kind.endswith("_other") else activity
    kind = kind.removesuffix("_other")
    if kind == "sale":
        return post_sale(target, net=amount, date=date)
    if kind == "credit_note":  # a sale cancelled in the sales journal
        entry = post_sale(target, net=amount, date=date)
        return services.reverse_entry(actor=None, entry=entry, date=date, label="credit note")
    if kind == "payment":
        return post_payment(target, amount=amount, date=date)
    if kind == "expense":
        return expense(target, amount, date=date)
    if kind == "salary":
        return salary(target, amount, money(amount * D("0.4")) or D("0.01"), date=date)  # never a zero line
    # an internal transfer out, and the cooperative's own side
    return post(
        target, date, ("internal_transfer", 0, amount, True), ("suspense", amount, 0, False)
    )


def normalised(rows) -> dict:
    out = {}
    for r in rows:
        figures = tuple(money(r[k]) for k in sums.FIGURES)
        if any(figures):
            out[(r["activity_id"], r["account_id"])] = figures
    return out


KINDS = ["sale", "credit_note", "payment", "expense", "salary", "transfer", "sale_other"]
bounds = st.tuples(
    st.one_of(st.none(), dates),
    dates,
    st.one_of(dates, st.just(END + datetime.timedelta(days=40))),
)


@settings(max_examples=30, deadline=None)
@given(
    entries=st.lists(st.tuples(st.sampled_from(KINDS), dates, amounts), min_size=1, max_size=12),
    periods=st.lists(bounds, min_size=1, max_size=4),
)
def test_month_totals_give_the_sums_of_the_lines(entries, periods):
    with transaction.atomic():
        _member, activity = member_with_activity()
        entity = books(activity.entity)
        other = ActivityFactory(entity=entity)
        for kind, date, amount in sorted(entries, key=lambda e: e[1]):
            write(activity, other, kind, date, amount)
        from compagnon.budget import accounts

        sales = accounts.for_entity(entity).sales_journals
        ids = [activity.pk, other.pk]
        for date_from, date_to, today in periods:
            if date_from is not None and date_from > date_to:
                date_from, date_to = date_to, date_from
            window = selectors.months_before(date_to, selectors.RESERVE_WINDOW_MONTHS)
            read = sums.rows(ids, date_from, date_to, window, sales, today=today)
            reference = sums.rows_from_lines(ids, date_from, date_to, window, sales)
            assert normalised(read) == normalised(reference), (date_from, date_to, today)
        transaction.set_rollback(True)


def test_every_budget_figure_is_unchanged(monkeypatch):
    """The whole budget (cashed, contribution, costs, salaries, movements, reserve…) over several
    periods, once from the month totals and once from the lines."""
    _member, activity = member_with_activity()
    entity = books(activity.entity)
    BudgetPolicy.objects.create(
        entity=entity, reserve_rule=ReserveRule.SALARY_MONTHS, reserve_months=D("2")
    )
    other = ActivityFactory(entity=entity)
    day = START
    for i, kind in enumerate(KINDS * 6):
        day += datetime.timedelta(days=(i * 7) % 11 + 1)
        write(activity, other, kind, min(day, END), D(100 + 37 * i) + D("0.45"))
    periods = [
        (None, END),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        (datetime.date(2025, 10, 14), datetime.date(2026, 2, 17)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1)),
        (datetime.date(2026, 1, 1), END + datetime.timedelta(days=100)),
    ]
    from_totals = [
        [b.as_dict() for b in selectors.compute_many([activity, other], f, t)] for f, t in periods
    ]
    monkeypatch.setattr(sums, "rows", sums.rows_from_lines)
    from_lines = [
        [b.as_dict() for b in selectors.compute_many([activity, other], f, t)] for f, t in periods
    ]
    assert from_totals == from_lines
    assert any(b["cashed"] and b["salaries"] and b["reserve"] for p in from_totals for b in p)


def test_the_budget_costs_the_same_queries_when_the_books_grow():
    """More entries in the months already written: the same six queries."""
    _member, activity = member_with_activity()
    books(activity.entity)
    for month in range(1, 7):
        for d in (3, 12, 25):
            post_sale(activity, net=D("10"), date=datetime.date(2026, month, d))
    period = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    with CaptureQueriesContext(connection) as before:
        first = selectors.compute(activity, *period)
    for month in range(1, 7):
        for d in (1, 15, 28):
            expense(activity, D("5"), date=datetime.date(2026, month, d))
    with CaptureQueriesContext(connection) as after:
        second = selectors.compute(activity, *period)
    assert len(before) == len(after) == 6
    assert (first.invoiced, first.costs) == (D("180.00"), D("0.00"))
    assert (second.invoiced, second.costs) == (D("180.00"), D("90.00"))
