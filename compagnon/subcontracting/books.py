"""The ledger entries of internal invoices (accounts: see ``accounts.py``). All in the
miscellaneous journal, source: the subcontract (one invoice per subcontract), one kind each.

Issue of B's internal invoice to A, amount X (kind ``internal_invoice``)::

    debit  internal cost       (A)   X      A's budget: a cost, at once
    credit liaison 181         (A)   X      A owes B…
    debit  liaison 181         (B)   X      …B is owed by A, until settled
    credit internal revenue    (B)   X      B's budget: invoiced revenue

Settlement, when A's client paid (kind ``internal_settlement``)::

    debit  liaison 181         (A)   X      the debt between the activities is cleared
    credit liaison 181         (B)   X
    debit  internal transfers 580 (cooperative)  X   the client's cash, held by the cooperative…
    credit internal transfers 580 (B)            X   …is made available to B (budget movements)
    debit  contribution charge (B)   c      c = X × the entity's internal rate (often 0)
    credit contribution income (cooperative) c

Cancelling credit note (kind ``internal_cancel``): the mirror of the issue, and of the settlement
when the invoice was settled — netted per account.

The contribution is charged here, not by the budget's hook: that hook charges the cash an entry
brings through a receivable account (411/400) and none is used here, so the internal rate is the
only one applied.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from compagnon.ledger import services as ledger

from . import accounts

CENT = Decimal("0.01")
ISSUE_KIND, SETTLE_KIND, CANCEL_KIND = "internal_invoice", "internal_settlement", "internal_cancel"


def contribution_of(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _label(invoice) -> str:
    return f"{invoice.number} {invoice.provider_name} → {invoice.ordering_name}"[:200]


def issue_lines(invoice, acc) -> list[ledger.LineSpec]:
    s, x, label = invoice.subcontract, invoice.amount, _label(invoice)
    return [
        ledger.LineSpec(account=acc[accounts.COST], debit=x, activity=s.ordering, label=label),
        ledger.LineSpec(account=acc[accounts.LIAISON], credit=x, activity=s.ordering, label=label),
        ledger.LineSpec(account=acc[accounts.LIAISON], debit=x, activity=s.provider, label=label),
        ledger.LineSpec(account=acc[accounts.REVENUE], credit=x, activity=s.provider, label=label),
    ]


def settlement_lines(invoice, acc, contribution: Decimal) -> list[ledger.LineSpec]:
    s, x = invoice.subcontract, invoice.amount
    label = (_("%(number)s settled") % {"number": invoice.number})[:200]
    lines = [
        ledger.LineSpec(account=acc[accounts.LIAISON], debit=x, activity=s.ordering, label=label),
        ledger.LineSpec(account=acc[accounts.LIAISON], credit=x, activity=s.provider, label=label),
        ledger.LineSpec(role=accounts.TRANSFER, debit=x, label=label),
        ledger.LineSpec(role=accounts.TRANSFER, credit=x, activity=s.provider, label=label),
    ]
    if contribution > 0:
        text = (_("Cooperative contribution on internal invoice %(number)s") % {"number": invoice.number})[:200]
        lines += [
            ledger.LineSpec(role="contribution_charge", debit=contribution, activity=s.provider, label=text),
            ledger.LineSpec(role="contribution_income", credit=contribution, label=text),
        ]
    return lines


def cancel_lines(original, credit_note, acc) -> list[ledger.LineSpec]:
    """The mirror of the original's issue (and settlement), netted per account and axis."""
    lines = issue_lines(original, acc)
    if original.settled:
        lines += settlement_lines(original, acc, original.contribution or Decimal("0"))
    net: dict[tuple, Decimal] = {}
    order: list[tuple] = []
    for line in lines:
        key = (line.account if not line.role else line.role, getattr(line.activity, "pk", None))
        if key not in net:
            order.append(key)
            net[key] = Decimal("0")
        net[key] += line.debit - line.credit
    activities = {getattr(line.activity, "pk", None): line.activity for line in lines}
    label = _label(credit_note)
    out = []
    for key in order:
        amount = -net[key]  # the mirror
        if not amount:
            continue
        account, activity = key[0], activities[key[1]]
        side = {"debit": amount} if amount > 0 else {"credit": -amount}
        if isinstance(account, str):
            out.append(ledger.LineSpec(role=account, activity=activity, label=label, **side))
        else:
            out.append(ledger.LineSpec(account=account, activity=activity, label=label, **side))
    return out


def post(invoice, lines, *, kind: str, date, actor, label: str = ""):
    return ledger.post_entry(
        actor=actor, entity=invoice.entity, journal_code=accounts.JOURNAL, date=date,
        label=label or _label(invoice), lines=lines, source=invoice.subcontract, kind=kind,
    )
