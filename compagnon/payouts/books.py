"""What transfers write in the books (docs/decisions/0019-payouts-in-the-books.md).

* **Sent** (the file is at the bank): one entry per batch, journal "misc", kind ``payout_sent``,
  source the batch — per transfer, a debit of the account it settles (``debit_account``, with its
  activity) — and one credit of "transfers in progress" (role ``transfers_in_progress``, 581).
* **Cancelled after sending** (the bank recalled it): the reversal of that entry.
* **Paid** (the outgoing bank line is matched): per bank transaction, kind ``payout_settled``,
  source the transaction — debit "transfers in progress" / credit suspense (the statement import
  booked bank / suspense already).
* **Returned**: kind ``payout_returned``, source the line — the payable is open again: credit
  ``debit_account``, debit "transfers in progress" (rejected before it was paid) or suspense
  (the money came back on the statement).

Refunds of credit notes are the exception: payments books them when the bank line comes
(receivable / suspense, keeping the credit note's refunded amount), so they post nothing here;
their settlement goes through payments' allocations (``settlement.refund_allocation``).

Entries go to the "misc" journal dated today, as payments' do: the bank journal's numbers follow
the statements' booking dates and a later import dated earlier would otherwise be refused.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account
from compagnon.ledger.services import LineSpec, ensure_chart, post_entry, reverse_entry

from .models import PayoutBatch, PayoutLine, Purpose

JOURNAL = "misc"
SENT, SETTLED, RETURNED = "payout_sent", "payout_settled", "payout_returned"
TRANSIT = "transfers_in_progress"


def is_booked(line: PayoutLine) -> bool:
    """Whether sending the line books it (refunds are booked by payments at the bank line)."""
    return line.purpose != Purpose.REFUND


def _label(line: PayoutLine) -> str:
    return f"{line.creditor_name} — {line.end_to_end_id}"[:200]


def transit_account(entity) -> Account:
    """The entity's "transfers in progress" account, added to its chart when missing."""
    code = charts.role_account_code(entity.jurisdiction, TRANSIT)
    found = Account.objects.filter(entity=entity, role=TRANSIT).first()
    if found is None:
        ensure_chart(entity)
        found = (Account.objects.filter(entity=entity, role=TRANSIT).first()
                 or Account.objects.get(entity=entity, code=code))
    return found


def post_sent(*, actor, batch: PayoutBatch, lines: list[PayoutLine]):
    """The batch's entry (``None`` when it only refunds credit notes)."""
    booked = [line for line in lines if is_booked(line)]
    if not booked:
        return None
    total = sum((line.amount for line in booked), Decimal("0"))
    transit = transit_account(batch.entity)
    specs = [LineSpec(account=line.debit_account, debit=line.amount, activity=line.activity, label=_label(line))
             for line in booked]
    specs.append(LineSpec(account=transit, credit=total,
                          label=_("Transfer batch %(batch)s") % {"batch": batch.pk}))
    return post_entry(actor=actor, entity=batch.entity, journal_code=JOURNAL, date=timezone.localdate(),
                      label=_("Transfer batch %(batch)s sent to the bank (%(count)s transfers)")
                      % {"batch": batch.pk, "count": len(booked)},
                      lines=specs, source=batch, kind=SENT)


def reverse_sent(*, actor, batch: PayoutBatch):
    if batch.entry_id is None:
        return None
    return reverse_entry(actor=actor, entry=batch.entry, date=max(timezone.localdate(), batch.entry.date),
                         label=_("Transfer batch %(batch)s cancelled") % {"batch": batch.pk})


def post_settled(*, actor, entity, transaction, lines: list[PayoutLine]):
    """Transfers in progress / suspense for the booked lines one bank transaction paid."""
    booked = [line for line in lines if is_booked(line)]
    if not booked:
        return None
    total = sum((line.amount for line in booked), Decimal("0"))
    transit = transit_account(entity)
    specs = [LineSpec(account=transit, debit=line.amount, label=_label(line)) for line in booked]
    specs.append(LineSpec(role="suspense", credit=total, label=str(transaction)[:200]))
    return post_entry(actor=actor, entity=entity, journal_code=JOURNAL, date=timezone.localdate(),
                      label=_("Transfers paid by the bank on %(date)s") % {"date": transaction.booking_date.isoformat()},
                      lines=specs, source=transaction, kind=SETTLED)


def post_returned(*, actor, line: PayoutLine, came_back: bool):
    """Re-open the payable: from suspense when the money came back on a statement, else from
    transfers in progress (the bank rejected it before paying)."""
    if not is_booked(line):
        return None
    entity = line.batch.entity
    source = LineSpec(role="suspense", debit=line.amount, label=_label(line)) if came_back else \
        LineSpec(account=transit_account(entity), debit=line.amount, label=_label(line))
    return post_entry(actor=actor, entity=entity, journal_code=JOURNAL, date=timezone.localdate(),
                      label=_("Transfer to %(name)s returned by the bank") % {"name": line.creditor_name},
                      lines=[source, LineSpec(account=line.debit_account, credit=line.amount, activity=line.activity,
                                              label=_label(line))],
                      source=line, kind=RETURNED)
