"""Books with a year behind them, for the closing and manual-entry tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, member_with_activity, staff
from compagnon.ledger.models import Account
from compagnon.ledger.tests.factories import books, post_payment, post_sale

from ..services import LineInput

D = Decimal


def last_year() -> int:
    return timezone.localdate().year - 1


def day(month: int, dom: int, year: int | None = None) -> datetime.date:
    return datetime.date(year or last_year(), month, dom)


def account(entity, code: str) -> Account:
    return Account.objects.get(entity=entity, code=code)


def coop(*, belgian: bool = False) -> dict:
    """An entity with two activities that worked last year, two accountants and a foreign one."""
    office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
    entity = books(office.entity)
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    rate = D("21") if belgian else D("20")
    post_sale(activity_a, net=D("1000.00"), date=day(3, 15), rate=rate)
    post_payment(activity_a, amount=D("600.00"), date=day(4, 20))
    post_sale(activity_b, net=D("50.00"), date=day(5, 2), rate=rate)
    foreign = OfficeFactory()
    books(foreign.entity)
    return {
        "entity": entity,
        "a": a,
        "activity_a": activity_a,
        "b": b,
        "activity_b": activity_b,
        "accountant": staff(Role.ACCOUNTANT, entity),
        "accountant2": staff(Role.ACCOUNTANT, entity),
        "foreign_entity": foreign.entity,
        "foreign_accountant": staff(Role.ACCOUNTANT, foreign.entity),
    }


RENT = D("800.00")


def rent_lines(entity, amount=RENT, activity=None) -> list[LineInput]:
    """Rent of the premises: an expense paid from the bank."""
    fr = entity.jurisdiction == "FR"
    return [
        LineInput(
            account=account(entity, "604" if fr else "602"),
            debit=amount,
            activity=activity,
            third_party="SCI Les Tilleuls",
        ),
        LineInput(
            account=account(entity, "512" if fr else "550"), credit=amount, activity=activity
        ),
    ]
