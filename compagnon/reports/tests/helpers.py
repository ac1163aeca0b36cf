"""A small cooperative with two years of books, for the reports' tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    TradeFactory,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.ledger import services
from compagnon.ledger.services import LineSpec
from compagnon.ledger.tests.factories import ClientFactory, books, sale_lines

D = Decimal
STANDARD = Decimal("20")


def day(month, dd, year=2025):
    return datetime.date(year, month, dd)


def post(entity, journal, when, label, lines):
    return services.post_entry(
        actor=None, entity=entity, journal_code=journal, date=when, label=label, lines=lines
    )


def sale(activity, when, net, *, client=None, rate=STANDARD, source=None):
    return services.post_entry(
        actor=None,
        entity=activity.entity,
        journal_code="sales",
        date=when,
        label=f"Invoice {activity.name}",
        lines=sale_lines(activity, net=net, rate=rate, client=client),
        source=source,
    )


def payment(activity, when, amount, *, client=None):
    return post(
        activity.entity,
        "bank",
        when,
        "Payment received",
        [
            LineSpec(role="bank", debit=amount, activity=activity),
            LineSpec(role="receivable", credit=amount, activity=activity, client=client),
        ],
    )


def cost(activity, when, amount, role="supplies"):
    return post(
        activity.entity,
        "misc",
        when,
        "Supplies",
        [
            LineSpec(role=role, debit=amount, activity=activity),
            LineSpec(role="member_current", credit=amount, activity=activity),
        ],
    )


def build_coop():
    """Entity with 2 offices; member A (trade gardening) and B (trade IT), a foreign entity.
    2024: one sale on A (opening balances for 2025). 2025: sales and payments on several days."""
    office = OfficeFactory(name="Nantes")
    entity = books(office.entity)
    other_office = OfficeFactory(entity=entity, name="Rennes")
    garden = TradeFactory(code="gardening")
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(other_office)
    activity_a.trade = garden
    activity_a.save()
    client_a = ClientFactory(activity=activity_a, name="Copropriété Les Tilleuls")
    sale(activity_a, day(11, 5, 2024), D("500.00"), client=client_a)
    sale(activity_a, day(1, 10), D("1000.00"), client=client_a)
    sale(activity_b, day(2, 15), D("300.00"))
    sale(activity_a, day(3, 20), D("200.00"), client=client_a, rate=D("10"))
    payment(activity_a, day(1, 31), D("600.00"), client=client_a)
    payment(activity_a, day(3, 10), D("600.00"), client=client_a)
    cost(activity_a, day(3, 12), D("80.00"))
    cost(activity_b, day(3, 14), D("40.00"), role="purchases_services")
    foreign_office = OfficeFactory()
    foreign_entity = books(foreign_office.entity)
    foreign, foreign_activity = member_with_activity(foreign_office)
    sale(foreign_activity, day(1, 12), D("70.00"))
    return {
        "entity": entity,
        "office": office,
        "a": a,
        "b": b,
        "activity_a": activity_a,
        "activity_b": activity_b,
        "client_a": client_a,
        "accountant": staff(Role.ACCOUNTANT, entity),
        "foreign_entity": foreign_entity,
        "foreign_activity": foreign_activity,
        "foreign_accountant": staff(Role.ACCOUNTANT, foreign_entity),
    }


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
