"""The ledger entries of the share register.

The charts of ``jurisdictions/charts.py`` name one capital account by role: ``share_capital``
(FR 1013 "capital souscrit, appelé, versé"; BE 100 "capital souscrit"). The other accounts a
register needs have no role there, and this app may not add one (charts.py is below it and shared),
so they are named by number, the way manual entries are, and created in the entity's chart the
first time they are needed (``_account``). Shares are called in full when subscribed (the usual
rule of a SCOP/SCIC and of a Belgian cooperative's shares: paid as the associate can, but owed at
once).

France (PCG)                                   Belgium (PCMN)
subscription  D 4562  / C 1012                 D 4161 / C 100
payment       D 512 (bank) / C 4562            D 550 (bank) / C 4161
              D 1012 / C 1013                  — (100 already carries the capital)
withdrawal    D 1013 / C 4567                  D 100  / C 4891
refund        D 4567 / C 512 (bank)            D 4891 / C 550 (bank)

A transfer between associates moves shares (fully paid) from one to another: the price is paid
between them, the capital and the books do not change, so no entry is posted.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_noop

from compagnon.ledger.models import Account, AccountKind
from compagnon.ledger.services import LineSpec, ensure_chart

from .models import MovementKind

# code, English msgid of its name, kind
ACCOUNTS = {
    "FR": {
        "unpaid_capital": ("1012", gettext_noop("Subscribed capital, called, not paid up"), AccountKind.EQUITY),
        "associates_called": ("4562", gettext_noop("Associates – capital called, not paid up"), AccountKind.ASSET),
        "associates_refund": ("4567", gettext_noop("Associates – capital to refund"), AccountKind.LIABILITY),
    },
    "BE": {
        "associates_called": ("4161", gettext_noop("Associates – capital called, not paid up"), AccountKind.ASSET),
        "associates_refund": ("4891", gettext_noop("Associates – capital to refund"), AccountKind.LIABILITY),
    },
}
JOURNAL = {
    MovementKind.SUBSCRIPTION: "misc",
    MovementKind.PAYMENT: "bank",
    MovementKind.WITHDRAWAL: "misc",
    MovementKind.REFUND: "bank",
}


def _account(entity, name: str) -> Account:
    code, label, kind = ACCOUNTS[entity.jurisdiction][name]
    found = Account.objects.filter(entity=entity, code=code).first()
    if found is None:
        ensure_chart(entity)
        Account.objects.bulk_create(
            [Account(entity=entity, code=code, name=label, kind=kind)], ignore_conflicts=True
        )
        found = Account.objects.get(entity=entity, code=code)
    return found


def lines_for(entity, kind: str, amount: Decimal, label: str) -> list[LineSpec]:
    """The balanced lines of a movement of ``amount`` (empty for a transfer)."""
    fr = entity.jurisdiction == "FR"
    if kind == MovementKind.TRANSFER or amount <= 0:
        return []
    called = _account(entity, "associates_called")
    refund = _account(entity, "associates_refund")
    if kind == MovementKind.SUBSCRIPTION:
        capital = _account(entity, "unpaid_capital") if fr else "share_capital"
        return [LineSpec.dr(called, amount, label=label), LineSpec.cr(capital, amount, label=label)]
    if kind == MovementKind.PAYMENT:
        lines = [LineSpec.dr("bank", amount, label=label), LineSpec.cr(called, amount, label=label)]
        if fr:
            unpaid = _account(entity, "unpaid_capital")
            lines += [
                LineSpec.dr(unpaid, amount, label=label),
                LineSpec.cr("share_capital", amount, label=label),
            ]
        return lines
    if kind == MovementKind.WITHDRAWAL:
        return [LineSpec.dr("share_capital", amount, label=label), LineSpec.cr(refund, amount, label=label)]
    if kind == MovementKind.REFUND:
        return [LineSpec.dr(refund, amount, label=label), LineSpec.cr("bank", amount, label=label)]
    raise ValueError(kind)
