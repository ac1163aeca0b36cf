"""Which forms an entity files, the figures of a form for a period, and the settlement entry a
return leads to."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext_noop

from compagnon.ledger.models import EntryLine
from compagnon.ledger.money import ZERO

from . import be, fr, sources
from .models import Form

FORMS = {"FR": (Form.CA3, Form.CA12), "BE": (Form.BE,)}
PERIOD_KINDS = {Form.CA3: ("month", "quarter"), Form.CA12: ("year",), Form.BE: ("month", "quarter")}
_COMPUTE = {Form.CA3: fr.ca3, Form.CA12: fr.ca12, Form.BE: be.periodic}

# The accounts a settlement closes, and the two it settles into, per jurisdiction:
# (prefixes closed, prefixes kept out, (code, name) of VAT to pay, (code, name) of the credit).
SETTLEMENT = {
    "FR": (
        ("44571", "4452", "44566", "44562"),
        (),
        (fr.TO_PAY, gettext_noop("VAT to pay")),
        (fr.CREDIT, gettext_noop("VAT credit to carry forward")),
    ),
    "BE": (
        ("451", "411"),
        (be.PAY_CODE, be.CREDIT_CODE),
        (be.PAY_CODE, gettext_noop("VAT payable – current account with the VAT administration")),
        (
            be.CREDIT_CODE,
            gettext_noop("VAT receivable – current account with the VAT administration"),
        ),
    ),
}


def forms_for(entity) -> tuple[str, ...]:
    return FORMS.get(entity.jurisdiction, ())


def check_period(form: str, period) -> bool:
    return period.kind in PERIOD_KINDS.get(form, ())


def figures(entity, form: str, period):
    return _COMPUTE[form](entity, period)


def last_line_id(entity) -> int | None:
    return EntryLine.objects.filter(account__entity_id=entity.pk).aggregate(m=Max("id"))["m"]


def settlement_plan(entity, form: str, period, result) -> list[tuple[str, str, Decimal]]:
    """The settlement's lines as (account code, account name, signed amount: debit > 0): each VAT
    account's movement of the period reversed, the credit carried in used, and the difference to
    "VAT to pay" or "credit to carry forward". ``result`` is (to pay, credit) from the return."""
    closed, kept_out, pay, credit = SETTLEMENT[entity.jurisdiction]
    totals = sources.account_totals(entity, period.start, period.end)
    lines = []
    for pk, account in sorted(totals.accounts.items(), key=lambda kv: kv[1].code):
        if not account.code.startswith(closed) or account.code in kept_out:
            continue
        net_debit = totals.net_debit([pk])
        if net_debit:
            lines.append((account.code, account.name, -net_debit))
    if entity.jurisdiction == "FR":
        carried = fr._Reading.carried_credit_of(entity, period)
        if carried:
            lines.append((credit[0], credit[1], -carried))
    to_pay, credit_left = result
    if to_pay:
        lines.append((pay[0], pay[1], -to_pay))
    if credit_left:
        lines.append((credit[0], credit[1], credit_left))
    if sum((amount for _c, _n, amount in lines), ZERO) != 0:
        raise ValueError("The settlement does not balance")
    return lines
