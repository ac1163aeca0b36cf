"""The accountant's books: trial balance, general ledger, journals — the figures an accountant
checks first, read from month totals and lines alike."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils.html import escape

from compagnon.ledger.models import Account, EntryLine, Journal
from compagnon.reports import books
from compagnon.reports.periods import Period, period_param, year_period
from compagnon.reports.sums import OWN

from .helpers import day

pytestmark = pytest.mark.django_db
D = Decimal


def _lines_total(entity, date_from, date_to, **filters):
    agg = EntryLine.objects.filter(
        account__entity=entity, date__gte=date_from, date__lte=date_to, **filters
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (agg["d"] or D("0"), agg["c"] or D("0"))


def test_the_trial_balance_of_the_year_foots_and_cross_foots(coop):
    entity = coop["entity"]
    tb = books.trial_balance(entity, year_period(2025))
    assert tb.rows and tb.balanced
    assert tb.debit == tb.credit  # every entry balances, so the books do
    # 2024 is not closed: its result (500.00 of revenue) is the opening total, income and expense
    # accounts start the year at zero
    assert tb.opening == tb.closing == D("500.00")
    revenue = next(r for r in tb.rows if r.account.role == "revenue_services")
    assert revenue.opening == D("0") and revenue.credit == D("1500.00")
    d, c = _lines_total(entity, day(1, 1), day(12, 31))
    assert (tb.debit, tb.credit) == (d, c)
    receivable = next(r for r in tb.rows if r.account.role == "receivable")
    # 2024: 600.00 invoiced; 2025: 1,200.00 + 360.00 + 220.00 invoiced, 1,200.00 paid
    assert receivable.opening == D("600.00")
    assert receivable.debit == D("1780.00") and receivable.credit == D("1200.00")
    assert receivable.closing == D("1180.00")
    for row in tb.rows:
        assert row.closing == row.opening + row.debit - row.credit


def test_a_period_cut_inside_months_reads_the_same_figures_as_the_lines(coop):
    entity = coop["entity"]
    period = Period("custom", day(1, 20), day(3, 15), 2025)
    tb = books.trial_balance(entity, period)
    assert (tb.debit, tb.credit) == _lines_total(entity, day(1, 20), day(3, 15))
    bank = next(r for r in tb.rows if r.account.role == "bank")
    assert bank.opening == D("0") and bank.debit == D("1200.00")
    before = books.trial_balance(entity, Period("custom", day(3, 11), day(3, 31), 2025))
    bank = next(r for r in before.rows if r.account.role == "bank")
    assert bank.opening == D("1200.00") and bank.debit == D("0")


def test_the_trial_balance_filters_one_activity_or_the_cooperatives_own_lines(coop):
    entity, b = coop["entity"], coop["activity_b"]
    tb = books.trial_balance(entity, year_period(2025), activity=b.pk)
    assert (tb.debit, tb.credit) == _lines_total(entity, day(1, 1), day(12, 31), activity=b)
    own = books.trial_balance(entity, year_period(2025), activity=OWN)
    assert (own.debit, own.credit) == _lines_total(
        entity, day(1, 1), day(12, 31), activity__isnull=True
    )


def test_the_trial_balance_costs_the_same_queries_whatever_the_number_of_lines(
    coop, django_assert_max_num_queries
):
    entity = coop["entity"]
    with django_assert_max_num_queries(9):
        books.trial_balance(entity, Period("custom", day(1, 20), day(3, 15), 2025))


def test_the_general_ledger_pages_by_position_with_a_running_balance(coop):
    entity = coop["entity"]
    receivable = Account.objects.get(entity=entity, role="receivable")
    period = year_period(2025)
    first = books.general_ledger(entity, receivable, period, limit=2)
    assert first.opening == D("600.00") and len(first.lines) == 2 and first.next_cursor
    seen = list(first.lines)
    page = first
    while page.next_cursor:
        page = books.general_ledger(entity, receivable, period, after=page.next_cursor, limit=2)
        seen += page.lines
    assert [line.date for line in seen] == sorted(line.date for line in seen)
    assert len(seen) == EntryLine.objects.filter(account=receivable, date__year=2025).count() == 5
    running = first.opening
    for line in seen:
        running += line.debit - line.credit
        assert line.balance == running  # carried across pages
    assert seen[-1].balance == first.closing == D("1180.00")


def test_a_malformed_position_is_refused_by_name(coop, client):
    client.force_login(coop["accountant"])
    code = Account.objects.get(entity=coop["entity"], role="receivable").code
    response = client.get(f"/reports/{coop['entity'].pk}/ledger/{code}/?after=yesterday")
    assert response.status_code == 400 and "after" in response.content.decode()


def test_each_journal_lists_its_entries_in_order_with_their_totals(coop):
    entity = coop["entity"]
    sales = Journal.objects.get(entity=entity, role="sales")
    page = books.journal_page(entity, sales, year_period(2025), limit=2)
    assert [e.date for e in page.entries] == [day(1, 10), day(2, 15)]
    assert all(e.debit == e.credit for e in page.entries)
    rest = books.journal_page(entity, sales, year_period(2025), after=page.next_cursor, limit=2)
    assert [e.date for e in rest.entries] == [day(3, 20)] and not rest.next_cursor
    assert page.debit == page.credit == D("1780.00")


def test_periods_read_from_the_query_string():
    today = datetime.date(2026, 5, 17)
    assert period_param(
        {"period": "quarter", "year": "2025", "quarter": "2"}, today=today
    ).date_to == day(6, 30)
    month = period_param({"period": "month", "year": "2024", "month": "2"}, today=today)
    assert (month.date_from, month.date_to) == (day(2, 1, 2024), day(2, 29, 2024))
    assert period_param({}, today=today).date_from == datetime.date(2026, 1, 1)


def test_the_trial_balance_page_links_every_figure_to_the_accounts_ledger(coop, client):
    accountant = coop["accountant"]
    accountant.language = "fr"
    accountant.save()
    client.force_login(accountant)
    entity = coop["entity"]
    body = client.get(f"/reports/{entity.pk}/trial-balance/?year=2025").content.decode()
    code = Account.objects.get(entity=entity, role="receivable").code
    assert body.count(f'href="/reports/{entity.pk}/ledger/{code}/?year=2025"') == 5
    assert "1\u00a0780,00\u00a0€" in body  # the receivable's debit, as a French reader writes it
    assert "<h1>Balance</h1>" in body
    ledger = client.get(f"/reports/{entity.pk}/ledger/{code}/?year=2025").content.decode()
    first = EntryLine.objects.filter(account__code=code, account__entity=entity, date__year=2025)
    entry = first.order_by("date", "entry_id").first().entry
    assert escape(books.entry_url(entity.pk, entry)) in ledger  # each line opens its entry
