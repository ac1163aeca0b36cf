"""Books for budget tests, written through the ledger's own services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.ledger import services
from compagnon.ledger.services import LineSpec
from compagnon.ledger.tests.factories import books, post_payment, post_sale  # noqa: F401

D = Decimal


def day(month=1, d=15, year=None):
    return datetime.date(year or timezone.localdate().year, month, d)


def post(activity, date, *pairs, journal="misc"):
    """pairs: (role, debit, credit, on_activity)"""
    lines = [
        LineSpec(role=role, debit=D(dr), credit=D(cr), activity=activity if on else None)
        for role, dr, cr, on in pairs
    ]
    return services.post_entry(
        actor=None,
        entity=activity.entity,
        journal_code=journal,
        date=date,
        label="test",
        lines=lines,
    )


def expense(activity, amount, date=None):
    return post(
        activity,
        date or timezone.localdate(),
        ("supplies", amount, 0, True),
        ("supplier", 0, amount, True),
        journal="purchases",
    )


def salary(activity, gross, charges, date=None):
    return post(
        activity,
        date or timezone.localdate(),
        ("salaries", gross, 0, True),
        ("social_charges", charges, 0, True),
        ("salaries_payable", 0, gross + charges, True),
    )
