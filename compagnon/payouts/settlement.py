"""The bank's answer to a sent batch: transfers paid (settled) or returned.

``settle`` and ``record_return`` are the one way a line changes after sending, for the automatic
matching of an imported statement (``matching``) and for an accountant's confirmation alike:
lines and bank transaction locked, the books posted (``books``), the batch "settled" once none
of its transfers is on its way any more, the contexts that asked for the transfer told through
``signals``, and everything audited.

A bank transaction matched here is set "matched" with its matched amount left at zero: that
amount counts payments' allocations (its checks prove it), and the transfer line is what explains
the transaction. Refunds of credit notes are the exception: they are written as payments' refund
allocations, so the credit note knows it was refunded (see ``books``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.core.services import require

from . import books, signals
from .models import BatchState, LineState, PayoutBatch, PayoutLine, Purpose
from .services import PERM, _audit

REFUND_BY_TRANSFER = gettext_noop("Refund of credit note %(reference)s, paid by transfer %(end_to_end)s")


def _lock_transaction(pk) -> BankTransaction:
    return (BankTransaction.objects.select_for_update(of=("self",))
            .select_related("account__entity").get(pk=getattr(pk, "pk", pk)))


def _lock_lines(ids) -> list[PayoutLine]:
    return list(PayoutLine.objects.select_for_update(of=("self",))
                .select_related("batch__entity", "debit_account", "activity", "source_document__client")
                .filter(pk__in=[getattr(i, "pk", i) for i in ids]).order_by("batch_id", "position", "id"))


def _open(t: BankTransaction) -> bool:
    return t.state == TransactionState.UNMATCHED and t.allocated == 0


def refund_allocation(*, actor, entity, transaction, lines: list[PayoutLine], automatic: bool) -> None:
    """Refund lines paid by ``transaction``: payments' refund allocations (receivable / suspense,
    the credit note's refunded amount)."""
    from compagnon.payments.booking import Plan, outstanding
    from compagnon.payments.models import AllocationKind, Method
    from compagnon.sales.models import Document

    notes = {d.pk: d for d in Document.objects.select_for_update(of=("self",)).select_related("client")
             .filter(pk__in=[line.source_document_id for line in lines])}
    plan = Plan(entity=entity, actor=actor, automatic=automatic, transactions_seen=1)
    for line in lines:
        note = notes[line.source_document_id]
        if outstanding(note) < line.amount:
            raise ValidationError({"transaction": _(
                "Credit note %(number)s has only %(amount)s EUR left to refund: match this bank line in the "
                "bank queue instead.") % {"number": note.number, "amount": outstanding(note)}})
        plan.add(kind=AllocationKind.REFUND, method=Method.NUMBER if automatic else Method.MANUAL,
                 amount=line.amount, explanation=REFUND_BY_TRANSFER,
                 params={"reference": note.number, "end_to_end": line.end_to_end_id},
                 transaction=transaction, document=note, client_name=note.client.name)
    plan.commit()


def _close_batches(actor, batch_ids) -> None:
    """Batches sent with no transfer on its way any more are settled."""
    for batch in PayoutBatch.objects.select_for_update(of=("self",)).select_related("entity").filter(
            pk__in=batch_ids, state=BatchState.SENT, settled_at__isnull=True):
        if not batch.lines.filter(state=LineState.SENT).exists():
            batch.settled_at = timezone.now()
            batch.save(update_fields=["settled_at"])
            _audit(actor=actor, batch=batch, action="settled",
                   message=gettext_noop("Transfer batch %(batch)s: the bank statement shows every transfer."))


@db_transaction.atomic
def settle(*, actor, lines, transaction, automatic: bool = False) -> list[PayoutLine]:
    """The outgoing bank ``transaction`` paid ``lines`` (one transfer, or every transfer of a
    batch the bank booked as one amount). Accountants of the entity; automatic runs during an
    import check the importing user (none for the system)."""
    t = _lock_transaction(transaction)
    entity = t.account.entity
    if actor is not None or not automatic:
        require(actor, PERM, entity)
    locked = _lock_lines(lines)
    if not locked:
        raise ValidationError({"lines": _("Choose the transfers this bank line paid.")})
    total = sum((line.amount for line in locked), Decimal("0"))
    errors = []
    if t.amount >= 0:
        errors.append(_("Money coming in cannot pay a transfer: choose a line of money going out."))
    elif not _open(t):
        errors.append(_("This bank line is already matched."))
    elif total != -t.amount:
        errors.append(_("The bank line is %(amount)s EUR but the transfers chosen total %(total)s EUR.")
                      % {"amount": -t.amount, "total": total})
    for line in locked:
        if line.batch.account_id != t.account_id:
            errors.append(_("Transfer %(id)s was paid from another account than this bank line's.")
                          % {"id": line.end_to_end_id})
        elif line.state != LineState.SENT:
            errors.append(_("Transfer %(id)s is %(state)s: only a transfer on its way can be paid.")
                          % {"id": line.end_to_end_id, "state": line.get_state_display()})
    if errors:
        raise ValidationError({"transaction": errors})
    refunds = [line for line in locked if line.purpose == Purpose.REFUND]
    entry = books.post_settled(actor=actor, entity=entity, transaction=t, lines=locked)
    if refunds:
        refund_allocation(actor=actor, entity=entity, transaction=t, lines=refunds, automatic=automatic)
    t.state = TransactionState.MATCHED
    t.save(update_fields=["state"])
    now = timezone.now()
    who = actor if getattr(actor, "is_authenticated", False) else None
    for line in locked:
        line.state, line.transaction, line.settled_at, line.settled_by = LineState.SETTLED, t, now, who
        line.settlement_entry = entry if books.is_booked(line) else None
    PayoutLine.objects.bulk_update(locked, ["state", "transaction", "settled_at", "settled_by", "settlement_entry"])
    for batch_id in sorted({line.batch_id for line in locked}):
        batch_lines = [line for line in locked if line.batch_id == batch_id]
        _audit(actor=actor, batch=batch_lines[0].batch, action="lines_settled",
               message=gettext_noop("Transfer batch %(batch)s: %(count)s transfers matched automatically to the "
                                    "bank line of %(date)s (%(amount)s EUR).") if automatic else
               gettext_noop("Transfer batch %(batch)s: %(count)s transfers confirmed as paid by the bank line of "
                            "%(date)s (%(amount)s EUR)."),
               params={"count": len(batch_lines), "date": t.booking_date, "amount": str(-t.amount)})
    _close_batches(actor, {line.batch_id for line in locked})
    for line in locked:
        signals.line_settled.send(sender=PayoutLine, line=line, transaction=t)
    return locked


def _notify_return(line: PayoutLine, reason: str) -> None:
    from compagnon.notifications.services import Message, notify_many

    users = {ra.user for ra in RoleAssignment.objects.filter(
        role__in=[Role.ACCOUNTANT], entity_id=line.batch.entity_id).select_related("user")}
    url = reverse("payout-batch-detail", args=[line.batch_id])
    name, amount, e2e = line.creditor_name, line.amount, line.end_to_end_id
    notify_many([Message(
        user=u, url=url, key=f"payouts:returned:{line.pk}",
        title=lambda: _("Transfer returned: %(name)s") % {"name": name},
        body=lambda: _("The bank returned the transfer %(id)s of %(amount)s EUR to %(name)s%(reason)s. What it "
                       "paid is open again: check the beneficiary's account and pay it in a new batch.")
        % {"id": e2e, "amount": amount, "name": name, "reason": f" ({reason})" if reason else ""},
    ) for u in users])


@db_transaction.atomic
def record_return(*, actor, line, transaction=None, reason: str = "", automatic: bool = False) -> PayoutLine:
    """The bank returned or rejected a transfer: with ``transaction`` (the money-in bank line
    that brought a paid transfer back) or without (rejected before it was paid). The payable is
    booked open again, the line is inactive (what it paid can be paid again) and the
    entity's accountants are told."""
    t = _lock_transaction(transaction) if transaction is not None else None
    [line] = _lock_lines([line])
    entity = line.batch.entity
    if actor is not None or not automatic:
        require(actor, PERM, entity)
    errors = []
    if line.state == LineState.SETTLED and line.purpose == Purpose.REFUND:
        errors.append(_("This refund was booked by the bank matching: undo it in the bank queue, where the "
                        "money that came back is matched too."))
    elif t is None and line.state != LineState.SENT:
        errors.append(_("Only a transfer on its way can be recorded as rejected; for a paid one, choose the bank "
                        "line that brought the money back."))
    elif t is not None:
        if line.state != LineState.SETTLED:
            errors.append(_("Only a paid transfer comes back on a bank line; one still on its way is recorded as "
                            "rejected."))
        elif t.amount != line.amount or t.account_id != line.batch.account_id:
            errors.append(_("The bank line must bring back %(amount)s EUR on the account that paid.")
                          % {"amount": line.amount})
        elif not _open(t):
            errors.append(_("This bank line is already matched."))
    if errors:
        raise ValidationError({"line": errors})
    reason = (reason or "").strip()[:300]
    line.return_entry = books.post_returned(actor=actor, line=line, came_back=t is not None)
    if t is not None:
        t.state = TransactionState.MATCHED
        t.save(update_fields=["state"])
    line.state, line.active = LineState.RETURNED, False
    line.return_transaction, line.returned_at = t, timezone.now()
    line.returned_by = actor if getattr(actor, "is_authenticated", False) else None
    line.return_reason = reason
    line.save(update_fields=["state", "active", "return_transaction", "returned_at", "returned_by", "return_reason",
                             "return_entry"])
    _audit(actor=actor, batch=line.batch, action="line_returned",
           message=gettext_noop("Transfer %(id)s to %(name)s, %(amount)s EUR, returned by the bank: %(reason)s"),
           params={"id": line.end_to_end_id, "name": line.creditor_name, "amount": str(line.amount),
                   "reason": reason or "-"})
    _close_batches(actor, {line.batch_id})
    _notify_return(line, reason)
    signals.line_returned.send(sender=PayoutLine, line=line, transaction=t, reason=reason)
    return line
