"""The accounts prefinancing posts to, by role (``jurisdictions.charts``): "prefinancing" (the
advances outstanding, on the activity's axis), "prefinancing_fund" (the guarantee fund, on the
cooperative's own axis), "prefinancing_charge" (an advance once its invoice is paid, or its loss
borne by the activity) and "member_current" (what the cooperative owes the member)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from compagnon.ledger.models import Account, EntryLine
from compagnon.ledger.services import ensure_chart

OUTSTANDING, FUND, CHARGE, MEMBER = "prefinancing", "prefinancing_fund", "prefinancing_charge", "member_current"
ROLES = (OUTSTANDING, FUND, CHARGE, MEMBER)
JOURNAL = "misc"
ZERO = Decimal("0")


def ensure_accounts(entity) -> None:
    """Entities whose chart was installed before prefinancing came get the new accounts."""
    have = set(Account.objects.filter(entity=entity, role__in=ROLES).values_list("role", flat=True))
    if len(have) < len(ROLES):
        ensure_chart(entity)


def fund_balance(entity) -> Decimal:
    """What the guarantee fund holds: credits minus debits of its account(s)."""
    row = EntryLine.objects.filter(entry__entity=entity, account__role=FUND).aggregate(
        d=Sum("debit"), c=Sum("credit"))
    return (row["c"] or ZERO) - (row["d"] or ZERO)


def outstanding_balance(entity) -> Decimal:
    row = EntryLine.objects.filter(entry__entity=entity, account__role=OUTSTANDING).aggregate(
        d=Sum("debit"), c=Sum("credit"))
    return (row["d"] or ZERO) - (row["c"] or ZERO)
