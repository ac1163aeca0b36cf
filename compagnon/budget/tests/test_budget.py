"""The budget of an activity, computed from the ledger: cashed revenue − contribution − costs −
salaries − prefinancing ± movements − reserve."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.budget import selectors
from compagnon.budget.ledger_checks import budgets_match_ledger
from compagnon.budget.models import BudgetPolicy, ContributionRate, ReserveRule, RevenueKind
from compagnon.core.tests.factories import ActivityFactory, member_with_activity
from compagnon.ledger.models import Account
from compagnon.ledger.tests.factories import AccountFactory
from compagnon.organisation.models import Entity

from .helpers import books, day, expense, post, post_payment, post_sale, salary

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def activity():
    member, activity = member_with_activity()
    books(activity.entity)
    return activity


def test_available_is_cashed_revenue_less_contribution_costs_and_salaries(activity):
    ContributionRate.objects.create(entity=activity.entity, rate=D("10"), valid_from=day(1, 1))
    post_sale(activity, net=D("1000"), date=day(1, 10))  # 1,200 incl. VAT
    post_payment(activity, amount=D("600"), date=day(1, 20))  # half of it paid
    expense(activity, D("100"), date=day(1, 21))
    salary(activity, D("200"), D("80"), date=day(1, 22))
    b = selectors.compute(activity, day(1, 1), day(1, 31))
    assert b.invoiced == D("1000.00")
    assert b.cashed_incl_vat == D("600.00")
    assert b.cashed == D("500.00")  # without VAT
    assert b.contribution == D("50.00")  # on what was cashed, not on the 1,000 invoiced
    assert b.costs == D("100.00")  # the contribution is its own line, not a cost
    assert b.salaries == D("280.00")
    assert b.available == D("70.00")


def test_rates_the_activity_beats_the_entity_one_kind_beats_all_and_dates_split_the_period(
    activity,
):
    entity = activity.entity
    ContributionRate.objects.create(entity=entity, rate=D("20"), valid_from=day(1, 1))
    ContributionRate.objects.create(
        entity=entity, activity=activity, rate=D("10"), valid_from=day(1, 1), valid_until=day(1, 31)
    )
    ContributionRate.objects.create(
        entity=entity,
        activity=activity,
        revenue_kind=RevenueKind.SERVICES,
        rate=D("5"),
        valid_from=day(2, 1),
    )
    post_sale(activity, net=D("1000"), rate=D("0"), date=day(1, 5))
    post_payment(activity, amount=D("400"), date=day(1, 20))  # 10 % → 40
    post_payment(activity, amount=D("600"), date=day(2, 20))  # 5 % → 30
    b = selectors.compute(activity, day(1, 1), day(2, 28))
    assert b.contribution == D("70.00")
    assert [(p.rate, p.base) for p in b.contribution_parts] == [
        (D("10.00"), D("400.00")),
        (D("5.00"), D("600.00")),
    ]


def test_without_a_rate_row_the_activity_rate_applies(activity):
    activity.contribution_rate = D("12")
    activity.save()
    post_sale(activity, net=D("100"), rate=D("0"), date=day(1, 5))
    post_payment(activity, amount=D("100"), date=day(1, 6))
    assert selectors.compute(activity, day(1, 1), day(1, 31)).contribution == D("12.00")


def test_reserve_of_one_month_of_average_salary_and_prefinancing_outstanding(activity):
    BudgetPolicy.objects.create(
        entity=activity.entity, reserve_rule=ReserveRule.SALARY_MONTHS, reserve_months=D("1")
    )
    salary(activity, D("2000"), D("1000"), date=day(3, 1))  # 3,000 over 3 months: 1,000 a month
    prefinancing = Account.objects.filter(
        entity=activity.entity, role="prefinancing"
    ).first() or AccountFactory(entity=activity.entity, code="4678", role="prefinancing")
    post(activity, day(3, 2), (prefinancing, 500, 0, True), ("bank", 0, 500, False))
    b = selectors.compute(activity, day(1, 1), day(3, 31))
    assert b.prefinancing == D("500.00")
    assert b.reserve == D("1000.00")
    assert b.available == D("-4500.00")


def test_fixed_reserve(activity):
    BudgetPolicy.objects.create(
        entity=activity.entity, reserve_rule=ReserveRule.FIXED, reserve_amount=D("300")
    )
    assert selectors.compute(activity).reserve == D("300.00")


def test_a_belgian_activity_reads_its_own_chart():
    member, activity = member_with_activity()
    Entity.objects.filter(pk=activity.entity_id).update(jurisdiction="BE")
    activity.entity.refresh_from_db()
    books(activity.entity)
    ContributionRate.objects.create(entity=activity.entity, rate=D("10"), valid_from=day(1, 1))
    post_sale(activity, net=D("1000"), rate=D("21"), date=day(1, 5))
    post_payment(activity, amount=D("1210"), date=day(1, 6))
    salary(activity, D("100"), D("30"), date=day(1, 7))
    b = selectors.compute(activity, day(1, 1), day(1, 31))
    assert (b.cashed, b.contribution, b.salaries, b.available) == (
        D("1000.00"),
        D("100.00"),
        D("130.00"),
        D("770.00"),
    )


def test_same_queries_whatever_the_number_of_activities(activity):
    others = [ActivityFactory(entity=activity.entity) for _ in range(3)]
    for a in [activity, *others]:
        post_sale(a, net=D("100"))
    with CaptureQueriesContext(connection) as one:
        selectors.compute_many([activity])
    with CaptureQueriesContext(connection) as four:
        selectors.compute_many([activity, *others])
    # accounts, sales journals, rules, month totals, lines of the cut months, charges
    assert len(one) == len(four) == 6
    assert sum("ledger_monthtotal" in q["sql"] for q in one.captured_queries) == 1


def test_check_books_finds_the_budget_equal_to_the_ledger(activity):
    post_sale(activity, net=D("1000"))
    post_payment(activity, amount=D("500"))
    expense(activity, D("10"))
    salary(activity, D("20"), D("5"))
    assert list(budgets_match_ledger(Entity.objects.all())) == []


def test_since_the_start_counts_last_year_too(activity):
    last = timezone.localdate().year - 1
    post_sale(activity, net=D("100"), rate=D("0"), date=day(6, 1, year=last))
    post_payment(activity, amount=D("100"), date=day(6, 2, year=last))
    assert selectors.compute(activity).cashed == D("0.00")
    assert selectors.compute(activity, None, timezone.localdate()).cashed == D("100.00")
