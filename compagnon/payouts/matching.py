"""Which sent transfers the lines of an imported bank statement are.

Registered with banking's matcher hook (before payments', see ``apps``). For money going out,
in order of confidence:

1. the **end-to-end id** the bank gives back (camt.053 ``Refs/EndToEndId``) is a transfer's, on
   the account that paid it, for its amount;
2. the **amount** and the transfer's own **communication** (or its end-to-end id) in the bank
   line's text, or the beneficiary's IBAN — when exactly one transfer on its way fits (CSV
   statements often carry nothing more);
3. a whole **batch booked as one amount**: its total, with its message id in the bank line (or
   the only batch of that total on its way).

Money coming back (a return, ``RTRN``): the end-to-end id of a paid transfer and its amount, or
the return code with the amount and the beneficiary's IBAN.

What fits several transfers, or none, stays for the accountants' queue (``suggestions``), never
guessed. Candidates are read in a few locked queries for any number of bank lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction as db_transaction
from django.db.models import Q, Sum

from compagnon.banking.models import BankTransaction, TransactionState

from . import settlement
from .models import BatchState, LineState, PayoutBatch, PayoutLine, Purpose

CHUNK = 2000
RETURN_CODES = ("RTRN", "RJCT", "RETURN")


@dataclass
class Counts:
    matched: int = 0
    to_match: int = 0  # always 0: "left to match" on a statement counts money in (payments' queue)


def norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


def _texts(t: BankTransaction) -> str:
    return norm(" ".join((t.remittance, t.structured_reference, t.end_to_end_id, t.bank_reference)))


def says(t: BankTransaction, line: PayoutLine) -> list[str]:
    """Why the bank line may be this transfer, besides the amount (empty: nothing but the amount)."""
    text = _texts(t)
    reasons = []
    if t.end_to_end_id and t.end_to_end_id.strip() == line.end_to_end_id:
        reasons.append("end_to_end")
    elif line.end_to_end_id.casefold() in text:
        reasons.append("end_to_end")
    remittance = norm(line.remittance)
    if remittance and (remittance in text or remittance.replace(" ", "") in text.replace(" ", "")):
        reasons.append("communication")
    if t.counterparty_iban and t.counterparty_iban.replace(" ", "").upper() == line.iban:
        reasons.append("iban")
    return reasons


def is_return(t: BankTransaction) -> bool:
    code = (t.bank_code or "").upper()
    return any(c in code for c in RETURN_CODES) or any(c in (t.remittance or "").upper() for c in RETURN_CODES)


def _chunks(values):
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def candidates(transactions, states=(LineState.SENT,), batches=()) -> list[PayoutLine]:
    """Transfers of the transactions' accounts in ``states`` that one of them may be (same end-to-end
    id or same amount), and those of ``batches``."""
    accounts = {t.account_id for t in transactions}
    ids = {t.end_to_end_id.strip() for t in transactions if t.end_to_end_id.strip()}
    amounts = {abs(t.amount) for t in transactions}
    found = {}
    base = PayoutLine.objects.filter(batch__account_id__in=accounts, state__in=states,
                                     batch__state=BatchState.SENT).select_related("batch")
    for chunk in _chunks(ids):
        found.update({line.pk: line for line in base.filter(end_to_end_id__in=chunk)})
    for chunk in _chunks(amounts):
        found.update({line.pk: line for line in base.filter(amount__in=chunk)})
    if batches:
        found.update({line.pk: line for line in base.filter(batch_id__in=[b.pk for b in batches])})
    return sorted(found.values(), key=lambda line: line.pk)


def batch_candidates(transactions) -> list[PayoutBatch]:
    """Sent batches whose transfers still on their way total one of the outgoing amounts."""
    out = [t for t in transactions if t.amount < 0]
    if not out:
        return []
    amounts = {-t.amount for t in out}
    rows = (PayoutBatch.objects.filter(account_id__in={t.account_id for t in out}, state=BatchState.SENT)
            .annotate(open_total=Sum("lines__amount", filter=Q(lines__state=LineState.SENT)))
            .filter(open_total__in=amounts))
    return list(rows)


@dataclass
class Finder:
    """The candidates of a run, consumed as they are matched."""

    lines: list[PayoutLine]
    batches: list[PayoutBatch] = field(default_factory=list)
    taken: set = field(default_factory=set)

    def _open(self, t, state):
        return [line for line in self.lines if line.pk not in self.taken and line.state == state
                and line.batch.account_id == t.account_id]

    def outgoing(self, t: BankTransaction) -> list[PayoutLine] | None:
        amount = -t.amount
        open_lines = self._open(t, LineState.SENT)
        by_id = [line for line in open_lines if t.end_to_end_id and line.end_to_end_id == t.end_to_end_id.strip()]
        if by_id:
            return by_id if by_id[0].amount == amount else None
        fitting = [line for line in open_lines if line.amount == amount and says(t, line)]
        if len(fitting) == 1:
            return fitting
        if fitting:
            return None
        text = _texts(t)
        batches = [b for b in self.batches if b.account_id == t.account_id and b.open_total == amount
                   and b.pk not in self.taken]
        named = [b for b in batches if b.message_id and b.message_id.casefold() in text]
        chosen = named[0] if len(named) == 1 else (batches[0] if len(batches) == 1 and not any(
            line.amount == amount for line in open_lines) else None)
        if chosen is None:
            return None
        lines = [line for line in open_lines if line.batch_id == chosen.pk]
        if sum((line.amount for line in lines), Decimal("0")) != amount:
            return None
        self.taken.add(chosen.pk)
        return lines

    def incoming(self, t: BankTransaction) -> PayoutLine | None:
        paid = [line for line in self._open(t, LineState.SETTLED) if line.purpose != Purpose.REFUND
                and line.amount == t.amount]
        by_id = [line for line in paid if t.end_to_end_id and line.end_to_end_id == t.end_to_end_id.strip()]
        if len(by_id) == 1:
            return by_id[0]
        if is_return(t):
            fitting = [line for line in paid if says(t, line)]
            if len(fitting) == 1:
                return fitting[0]
        return None


def match_transactions(transactions, *, actor=None) -> Counts:
    """Banking's hook: settle or return the transfers the new bank lines show."""
    counts = Counts()
    ts = [t for t in transactions if t.pk is not None and t.amount]
    if not ts:
        return counts
    fresh = {}
    for chunk in _chunks(t.pk for t in ts):
        fresh.update({t.pk: t for t in BankTransaction.objects.filter(pk__in=chunk)})
    ts = [fresh[t.pk] for t in ts if fresh[t.pk].state == TransactionState.UNMATCHED and fresh[t.pk].allocated == 0]
    if not ts:
        return counts
    batches = batch_candidates(ts)
    lines = candidates(ts, states=(LineState.SENT, LineState.SETTLED), batches=batches)
    if not lines:
        return counts
    finder = Finder(lines=lines, batches=batches)
    by_pk = {t.pk: t for t in transactions}
    # money out first: a transfer paid and returned on the same statement is settled, then returned
    for t in sorted(ts, key=lambda t: (t.amount > 0, t.booking_date, t.pk)):
        if t.amount < 0:
            found = finder.outgoing(t)
            if not found:
                continue
            try:
                with db_transaction.atomic():  # a refusal leaves the bank line for the queue, not the import
                    settlement.settle(actor=actor, lines=found, transaction=t, automatic=True)
            except (ValidationError, PermissionDenied):
                continue
            for line in found:  # on its way no more; it may still come back on this statement
                line.state = LineState.SETTLED
                line.transaction_id = t.pk
        else:
            line = finder.incoming(t)
            if line is None:
                continue
            try:
                with db_transaction.atomic():
                    settlement.record_return(actor=actor, line=line, transaction=t, automatic=True,
                                             reason=t.remittance[:300] or t.bank_code)
            except (ValidationError, PermissionDenied):
                continue
            finder.taken.add(line.pk)
        counts.matched += 1
        if t.pk in by_pk:  # the caller's instance follows
            by_pk[t.pk].state = TransactionState.MATCHED
    return counts


def suggestions(transactions) -> dict[int, list[tuple[list[PayoutLine], list[str]]]]:
    """For the queue: per outgoing bank transaction, the transfers (or whole batches) on their way
    it may be, best first, with the reasons (``end_to_end``, ``communication``, ``iban``, ``batch``;
    none: the amount only)."""
    out = [t for t in transactions if t.amount < 0]
    lines = candidates(out)
    batches = batch_candidates(out)
    found = defaultdict(list)
    for t in out:
        amount = -t.amount
        ranked = []
        for line in lines:
            if line.batch.account_id != t.account_id:
                continue
            reasons = says(t, line)
            if line.amount == amount or "end_to_end" in reasons:
                ranked.append((len(reasons), [line], reasons))
        text = _texts(t)
        for b in batches:
            if b.account_id == t.account_id and b.open_total == amount:
                members = [line for line in b.lines.filter(state=LineState.SENT).order_by("position")]
                reasons = ["batch"] + (["message"] if b.message_id and b.message_id.casefold() in text else [])
                ranked.append((len(reasons), members, reasons))
        ranked.sort(key=lambda r: -r[0])
        found[t.pk] = [(group, reasons) for _n, group, reasons in ranked[:3]]
    return found
