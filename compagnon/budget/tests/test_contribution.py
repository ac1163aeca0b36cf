"""The contribution has one owner (decision 0017): the budget's rules charge it when cash comes in,
the ledger holds it, the budget reads it back, and check_books proves each step."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from compagnon.budget import contribution, selectors
from compagnon.budget.ledger_checks import budgets_match_ledger, contribution_charged_on_cash
from compagnon.budget.models import ContributionCharge, ContributionRate, RevenueKind
from compagnon.core.tests.factories import member_with_activity
from compagnon.ledger import services
from compagnon.ledger.models import Entry, EntryLine
from compagnon.ledger.services import LineSpec
from compagnon.ledger.signals import entry_posted
from compagnon.organisation.models import Entity

from .helpers import books, day, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def activity():
    member, activity = member_with_activity()
    books(activity.entity)
    ContributionRate.objects.create(entity=activity.entity, rate=D("10"), valid_from=day(1, 1))
    return activity


def contribution_lines(activity):
    return EntryLine.objects.filter(activity=activity, account__role="contribution_charge")


def problems():
    entities = Entity.objects.all()
    return list(contribution_charged_on_cash(entities)) + list(budgets_match_ledger(entities))


def test_an_invoice_books_no_contribution_its_payment_does_once(activity):
    sale = post_sale(activity, net=D("1000"), date=day(1, 10))  # 1,200 incl. VAT
    assert not sale.lines.filter(account__role="contribution_charge").exists()
    payment = post_payment(activity, amount=D("600"), date=day(1, 20))
    charged = Entry.objects.get(kind=contribution.CHARGE_KIND)
    assert (charged.source_type, charged.source_id) == ("ledger.entry", payment.pk)
    assert (charged.journal_id, charged.date) == (payment.journal_id, payment.date)
    line = contribution_lines(activity).get()
    assert line.debit == D("50.00")  # 10 % of the 500.00 without VAT in the 600.00 paid
    assert charged.lines.get(account__role="contribution_income").activity_id is None
    c = ContributionCharge.objects.get()
    assert (c.cash, c.services_base, c.services_rate, c.amount, c.entry) == (
        D("600.00"),
        D("500.00"),
        D("10.00"),
        D("50.00"),
        charged,
    )
    b = selectors.compute(activity, day(1, 1), day(1, 31))
    assert (b.cashed, b.contribution) == (D("500.00"), D("50.00"))
    assert [(p.rate, p.base, p.amount) for p in b.contribution_parts] == [
        (D("10.00"), D("500.00"), D("50.00"))
    ]
    assert problems() == []


def test_money_given_back_gives_the_contribution_back(activity):
    post_sale(activity, net=D("100"), rate=D("0"), date=day(1, 5))
    payment = post_payment(activity, amount=D("100"), date=day(1, 6))
    services.reverse_entry(actor=None, entry=payment, date=day(1, 7), label="Payment undone")
    assert [(x.debit, x.credit) for x in contribution_lines(activity).order_by("id")] == [
        (D("10.00"), D("0.00")),
        (D("0.00"), D("10.00")),
    ]
    b = selectors.compute(activity, day(1, 1), day(1, 31))
    assert (b.cashed, b.contribution, b.available) == (D("0.00"), D("0.00"), D("0.00"))
    assert problems() == []


def test_goods_and_services_at_their_own_rates_on_the_day_of_the_payment(activity):
    entity = activity.entity
    ContributionRate.objects.create(
        entity=entity, revenue_kind=RevenueKind.GOODS, rate=D("4"), valid_from=day(1, 1)
    )
    services.post_entry(
        actor=None,
        entity=entity,
        journal_code="sales",
        date=day(1, 5),
        label="goods and work",
        lines=[
            LineSpec(role="receivable", debit=D("1000"), activity=activity),
            LineSpec(role="revenue_goods", credit=D("250"), activity=activity),
            LineSpec(role="revenue_services", credit=D("750"), activity=activity),
        ],
    )
    post_payment(activity, amount=D("1000"), date=day(1, 6))
    c = ContributionCharge.objects.get()
    assert (c.goods_base, c.goods_rate, c.services_base, c.services_rate, c.amount) == (
        D("250.00"),
        D("4.00"),
        D("750.00"),
        D("10.00"),
        D("85.00"),
    )
    assert problems() == []


def test_check_books_finds_a_payment_never_charged_and_a_charge_that_does_not_add_up(activity):
    post_sale(activity, net=D("100"), rate=D("0"), date=day(1, 5))
    post_payment(activity, amount=D("100"), date=day(1, 6))
    ContributionCharge.objects.update(amount=D("11.00"))  # behind the services' back
    assert any("its bases and rates give 10.00" in p for p in problems())
    ContributionCharge.objects.all().delete()
    assert any("no contribution charged" in p for p in problems())


def test_books_from_before_the_switch_are_caught_up_once(activity):
    """Sales used to book the contribution at issue and payments charged nothing: the command
    gives back what was booked at issue and charges every payment, once."""
    entity = activity.entity
    services.post_entry(
        actor=None,
        entity=entity,
        journal_code="sales",
        date=day(1, 5),
        label="old invoice",
        lines=[
            LineSpec(role="receivable", debit=D("200"), activity=activity),
            LineSpec(role="revenue_services", credit=D("200"), activity=activity),
            LineSpec(role="contribution_charge", debit=D("20"), activity=activity),
            LineSpec(role="contribution_income", credit=D("20")),
        ],
    )
    assert entry_posted.disconnect(dispatch_uid="budget.contribution")
    try:
        post_payment(activity, amount=D("150"), date=day(1, 6))
    finally:
        entry_posted.connect(contribution.charge_on_cash, dispatch_uid="budget.contribution")
    assert any("20.00 of contribution booked at issue" in p for p in problems())
    assert any("no contribution charged" in p for p in problems())
    call_command("charge_contributions", verbosity=0)
    call_command("charge_contributions", verbosity=0)  # twice: nothing more
    assert Entry.objects.filter(kind=contribution.SWITCH_KIND).count() == 1
    assert Entry.objects.filter(kind=contribution.CHARGE_KIND).count() == 1
    assert problems() == []
    # what the activity pays now: 10 % of the 150.00 cashed, not 10 % of the 200.00 invoiced
    b = selectors.compute(activity, None, day(12, 31))
    assert (b.cashed, b.contribution) == (D("150.00"), D("15.00"))
