"""Every manual payment action: allocating a transaction by hand (or from a suggestion), bank
charges, refunds, using a credit, setting a transaction aside, and undoing an allocation.

Each is keyword-only, one transaction, locks what it changes, checks ``payments.match_payment`` on
the entity (accountants and administrators) and writes through :class:`.booking.Plan` (ledger
entry, states, audit). ``apply_credit_note`` is the exception: it is what issuing a credit note
does to the invoice it corrects, on behalf of whoever issued it (like ``ledger.post_entry``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.clients.models import Client
from compagnon.core.services import require
from compagnon.dunning import decisions as collections
from compagnon.ledger import services as ledger
from compagnon.sales.models import Document, Kind, PaymentState, State

from .booking import (
    DOCUMENT_FIELDS,
    JOURNAL,
    REVERSAL_KIND,
    Plan,
    ledger_lines,
    outstanding,
    refresh_document,
    refresh_transaction,
)
from .models import Allocation, AllocationKind, MatchRun, Method
from .signals import send_paid_amounts_changed

PERM = "payments.match_payment"
OPEN = (PaymentState.AWAITING, PaymentState.PARTIAL)
PAYABLE_KINDS = (Kind.INVOICE, Kind.DEPOSIT)

BY_HAND = gettext_noop("Matched by hand")
ON_SUGGESTION = gettext_noop("Matched on a suggestion: %(reasons)s")
REST_AS_CREDIT = gettext_noop("Rest of the payment kept as the client's credit, by hand")
CHARGES_BY_HAND = gettext_noop("Marked as bank charges by hand")
REFUND_NOTE = gettext_noop("Refund of credit note %(reference)s")
REFUND_CREDIT = gettext_noop("Refund of the client's credit from the payment of %(date)s")
FROM_CREDIT = gettext_noop("Settled with the client's credit from the payment of %(date)s")
FROM_NOTE = gettext_noop("Settled with credit note %(credit_note)s")


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(value).quantize(Decimal("0.01"))


def _lock_transaction(transaction) -> BankTransaction:
    return (BankTransaction.objects.select_for_update(of=("self",))
            .select_related("account__entity").get(pk=getattr(transaction, "pk", transaction)))


def _locked_documents(entity, ids) -> dict[int, Document]:
    return {d.pk: d for d in Document.objects.select_for_update(of=("self",)).filter(entity=entity, pk__in=ids)
            .select_related("client").only(*DOCUMENT_FIELDS, "client__name")}


def _open_transaction(t: BankTransaction, *, incoming: bool) -> None:
    if t.state == TransactionState.IGNORED:
        raise ValidationError({"transaction": _("This transaction is set aside: bring it back before matching it.")})
    if t.open_amount <= 0:
        raise ValidationError({"transaction": _("This transaction is already fully matched.")})
    if incoming and t.amount <= 0:
        raise ValidationError({"transaction": _(
            "Money going out is matched as a refund or as bank charges, not as a payment of invoices.")})
    if not incoming and t.amount >= 0:
        raise ValidationError({"transaction": _(
            "Money coming in pays invoices; only money going out can be a refund or bank charges.")})


def _within(amount: Decimal, ceiling: Decimal, field: str, message: str, **params) -> None:
    if amount <= 0:
        raise ValidationError({field: _("Enter an amount greater than zero.")})
    if amount > ceiling:
        raise ValidationError({field: message % {**params, "max": f"{ceiling:.2f}"}})


# --- money in ----------------------------------------------------------------------------------


@db_transaction.atomic
def allocate(*, actor, transaction, items=(), credit_client=None, rest_to_credit: bool = False,
             method: str = Method.MANUAL, explanation: str = BY_HAND, params: dict | None = None) -> MatchRun:
    """Allocate an incoming transaction by hand: ``items`` are (invoice or its id, amount or None
    for "what is still due, within what is left"); ``rest_to_credit`` keeps what remains as the
    credit of the (first) invoice's client; ``credit_client`` keeps it for that client when no
    invoice is named (money received before the invoice)."""
    t = _lock_transaction(transaction)
    entity = t.account.entity
    require(actor, PERM, entity)
    _open_transaction(t, incoming=True)
    items = [(getattr(doc, "pk", doc), _money(amount)) for doc, amount in items]
    if not items and credit_client is None:
        raise ValidationError({"documents": _("Choose at least one invoice, or the client whose credit it becomes.")})
    if len({pk for pk, _a in items}) != len(items):
        raise ValidationError({"documents": _("Each invoice can be named once.")})
    documents = _locked_documents(entity, [pk for pk, _a in items])
    plan = Plan(entity=entity, actor=actor)
    remaining = t.open_amount
    first = None
    for pk, amount in items:
        doc = documents.get(pk)
        if doc is None or doc.kind not in PAYABLE_KINDS or doc.state != State.ISSUED:
            raise ValidationError({"documents": _("Only issued invoices and deposit invoices of %(entity)s can be paid.")
                                   % {"entity": entity.name}})
        if doc.payment_state not in OPEN:
            raise ValidationError({"documents": _("%(number)s is already paid.") % {"number": doc.number}})
        amount = amount if amount is not None else min(remaining, outstanding(doc))
        _within(amount, outstanding(doc), "amount", _("At most %(max)s EUR is still due on %(number)s."), number=doc.number)
        if amount > remaining:
            raise ValidationError({"amount": _(
                "The amounts add up to more than the %(open)s EUR left on this transaction.") % {"open": f"{t.open_amount:.2f}"}})
        plan.add(kind=AllocationKind.INVOICE, method=method, amount=amount, explanation=explanation,
                 params=params, transaction=t, document=doc, client_name=doc.client.name)
        remaining -= amount
        first = first or doc
    if credit_client is not None and remaining > 0:
        client = (Client.objects.select_related("activity")
                  .filter(pk=getattr(credit_client, "pk", credit_client)).first())
        if client is None or client.activity.entity_id != entity.pk:
            raise ValidationError({"client": _("Choose a client of %(entity)s.") % {"entity": entity.name}})
        plan.add(kind=AllocationKind.CLIENT_CREDIT, method=method, amount=remaining, explanation=REST_AS_CREDIT,
                 transaction=t, client_id=client.pk, activity_id=client.activity_id, client_name=client.name)
    elif rest_to_credit and remaining > 0 and first is not None:
        plan.add(kind=AllocationKind.CLIENT_CREDIT, method=method, amount=remaining, explanation=REST_AS_CREDIT,
                 transaction=t, client_id=first.client_id, activity_id=first.activity_id, client_name=first.client.name)
    return plan.commit()


@db_transaction.atomic
def accept_suggestion(*, actor, transaction, document, reasons: list[str]) -> MatchRun:
    """One tap on a suggestion: what is still due on the invoice, within what is left. ``reasons``
    are the suggestion's msgids (``selectors.REASONS``), kept in the explanation."""
    return allocate(actor=actor, transaction=transaction, items=[(document, None)], method=Method.SUGGESTION,
                    explanation=ON_SUGGESTION if reasons else BY_HAND,
                    params={"reasons": [{"msgid": r} for r in reasons]} if reasons else None)


# --- money out ---------------------------------------------------------------------------------


@db_transaction.atomic
def mark_bank_charge(*, actor, transaction) -> MatchRun:
    t = _lock_transaction(transaction)
    entity = t.account.entity
    require(actor, PERM, entity)
    _open_transaction(t, incoming=False)
    plan = Plan(entity=entity, actor=actor)
    plan.add(kind=AllocationKind.BANK_CHARGE, method=Method.MANUAL, amount=t.open_amount,
             explanation=CHARGES_BY_HAND, transaction=t)
    return plan.commit()


@db_transaction.atomic
def refund(*, actor, transaction, credit_note=None, credit=None, amount=None) -> MatchRun:
    """An outgoing transaction gives back an issued credit note, or a client's credit."""
    t = _lock_transaction(transaction)
    entity = t.account.entity
    require(actor, PERM, entity)
    _open_transaction(t, incoming=False)
    if (credit_note is None) == (credit is None):
        raise ValidationError({"credit_note": _("Choose the credit note or the client's credit this refund gives back.")})
    amount = _money(amount)
    plan = Plan(entity=entity, actor=actor)
    if credit_note is not None:
        note = _locked_documents(entity, [getattr(credit_note, "pk", credit_note)]).get(getattr(credit_note, "pk", credit_note))
        if note is None or note.kind != Kind.CREDIT_NOTE or note.state != State.ISSUED:
            raise ValidationError({"credit_note": _("Choose an issued credit note of %(entity)s.") % {"entity": entity.name}})
        amount = amount if amount is not None else min(t.open_amount, outstanding(note))
        _within(amount, min(outstanding(note), t.open_amount), "amount",
                _("At most %(max)s EUR can be refunded on %(number)s from this transaction."), number=note.number)
        plan.add(kind=AllocationKind.REFUND, method=Method.MANUAL, amount=amount, explanation=REFUND_NOTE,
                 params={"reference": note.number}, transaction=t, document=note, client_name=note.client.name)
    else:
        source = _locked_credit(entity, credit)
        amount = amount if amount is not None else min(t.open_amount, source.open_credit)
        _within(amount, min(source.open_credit, t.open_amount), "amount",
                _("At most %(max)s EUR of this credit can be refunded from this transaction."))
        plan.add(kind=AllocationKind.REFUND, method=Method.MANUAL, amount=amount, explanation=REFUND_CREDIT,
                 params={"date": {"date": source.date.isoformat()}}, transaction=t, credit_from=source,
                 client_name=source.client.name)
    return plan.commit()


def _locked_credit(entity, credit) -> Allocation:
    source = (Allocation.objects.select_for_update(of=("self",)).select_related("client")
              .filter(entity=entity, kind=AllocationKind.CLIENT_CREDIT, reversed_at__isnull=True)
              .filter(pk=getattr(credit, "pk", credit)).first())
    if source is None or source.open_credit <= 0:
        raise ValidationError({"credit": _("This credit is used up or no longer exists.")})
    return source


# --- credits -------------------------------------------------------------------------------------


def _use(plan: Plan, *, document: Document, amount, credit_note=None, credit=None) -> None:
    if document.kind not in PAYABLE_KINDS or document.state != State.ISSUED or document.payment_state not in OPEN:
        raise ValidationError({"document": _("Only an issued invoice still awaiting payment can be settled with a credit.")})
    source_client = credit_note.client_id if credit_note is not None else credit.client_id
    if source_client != document.client_id:
        raise ValidationError({"document": _("A credit only settles invoices of the same client.")})
    available = outstanding(credit_note) if credit_note is not None else credit.open_credit
    ceiling = min(available, outstanding(document))
    amount = amount if amount is not None else ceiling
    _within(amount, ceiling, "amount", _("At most %(max)s EUR of this credit can settle %(number)s."), number=document.number)
    if credit_note is not None:
        plan.add(kind=AllocationKind.CREDIT_USE, method=Method.MANUAL, amount=amount, explanation=FROM_NOTE,
                 params={"credit_note": credit_note.number}, document=document, credit_note=credit_note,
                 client_name=document.client.name)
    else:
        plan.add(kind=AllocationKind.CREDIT_USE, method=Method.MANUAL, amount=amount, explanation=FROM_CREDIT,
                 params={"date": {"date": credit.date.isoformat()}}, document=document, credit_from=credit,
                 client_name=document.client.name)


@db_transaction.atomic
def use_credit(*, actor, document, credit=None, credit_note=None, amount=None) -> MatchRun:
    """Settle an invoice with a client credit (an earlier overpayment) or an open credit note of
    the same client. No money moves and nothing is booked: both sit on the client's receivable."""
    entity = document.entity
    require(actor, PERM, entity)
    if (credit is None) == (credit_note is None):
        raise ValidationError({"credit": _("Choose the credit or the credit note that settles the invoice.")})
    ids = [document.pk] + ([getattr(credit_note, "pk", credit_note)] if credit_note is not None else [])
    docs = _locked_documents(entity, ids)
    invoice = docs.get(document.pk)
    note = docs.get(ids[-1]) if credit_note is not None else None
    if invoice is None:
        raise ValidationError({"document": _("Choose an invoice of %(entity)s.") % {"entity": entity.name}})
    if credit_note is not None and (note is None or note.kind != Kind.CREDIT_NOTE or note.state != State.ISSUED
                                    or outstanding(note) <= 0):
        raise ValidationError({"credit_note": _("This credit note is used up or not issued.")})
    source = _locked_credit(entity, credit) if credit is not None else None
    plan = Plan(entity=entity, actor=actor)
    _use(plan, document=invoice, amount=_money(amount), credit_note=note, credit=source)
    return plan.commit()


@db_transaction.atomic
def apply_credit_note(*, actor, credit_note) -> MatchRun | None:
    """What an issued credit note does to the invoice it corrects: settle what is still due on it
    (the rest of the credit note stays open, to refund or to use). Called on behalf of the person
    who issued the credit note: no permission of its own, like ``ledger.post_entry``."""
    docs = _locked_documents(credit_note.entity_id, [credit_note.pk, credit_note.credited_id])
    note, invoice = docs.get(credit_note.pk), docs.get(credit_note.credited_id)
    if (note is None or invoice is None or note.kind != Kind.CREDIT_NOTE or note.state != State.ISSUED
            or invoice.payment_state not in OPEN or outstanding(note) <= 0):
        return None
    plan = Plan(entity=credit_note.entity, actor=actor)
    plan.add(kind=AllocationKind.CREDIT_USE, method=Method.CREDIT_NOTE,
             amount=min(outstanding(note), outstanding(invoice)), explanation=FROM_NOTE,
             params={"credit_note": note.number}, document=invoice, credit_note=note, client_name=invoice.client.name)
    return plan.commit()


# --- set aside -------------------------------------------------------------------------------------


@db_transaction.atomic
def set_aside(*, actor, transaction, reason: str = "") -> BankTransaction:
    """Take a transaction out of the queue (an internal transfer, a salary…), with why."""
    t = _lock_transaction(transaction)
    entity = t.account.entity
    require(actor, PERM, entity)
    if t.allocated > 0:
        raise ValidationError({"transaction": _("Undo its allocations before setting this transaction aside.")})
    if t.state == TransactionState.IGNORED:
        raise ValidationError({"transaction": _("This transaction is already set aside.")})
    t.state = TransactionState.IGNORED
    t.save(update_fields=["state"])
    record(actor=actor, action="payment.set_aside", obj=t, entity=entity,
           message=gettext_noop("Transaction of %(amount)s EUR (%(counterparty)s) set aside: %(reason)s"),
           params={"amount": f"{t.amount:.2f}", "counterparty": t.counterparty_name, "reason": reason or "—"})
    return t


@db_transaction.atomic
def bring_back(*, actor, transaction) -> BankTransaction:
    t = _lock_transaction(transaction)
    entity = t.account.entity
    require(actor, PERM, entity)
    if t.state != TransactionState.IGNORED:
        raise ValidationError({"transaction": _("This transaction is not set aside.")})
    refresh_transaction(t)
    t.save(update_fields=["state"])
    record(actor=actor, action="payment.brought_back", obj=t, entity=entity,
           message=gettext_noop("Transaction of %(amount)s EUR (%(counterparty)s) back in the matching queue"),
           params={"amount": f"{t.amount:.2f}", "counterparty": t.counterparty_name})
    return t


# --- undo --------------------------------------------------------------------------------------------


@db_transaction.atomic
def reverse_allocation(*, actor, allocation, reason: str = "") -> Allocation:
    """Undo an allocation: the document, the transaction and the credit are put back as they were
    and, when money had been booked, a reversing entry (kind "payment_reversal") is posted."""
    a = (Allocation.objects.select_for_update(of=("self",)).select_related("entity", "client", "activity")
         .get(pk=getattr(allocation, "pk", allocation)))
    require(actor, PERM, a.entity)
    if a.reversed_at is not None:
        raise ValidationError({"allocation": _("This allocation was already undone.")})
    if a.kind == AllocationKind.CLIENT_CREDIT and a.used_amount > 0:
        raise ValidationError({"allocation": _(
            "%(used)s EUR of this credit already settled invoices or was refunded: undo those first.")
            % {"used": f"{a.used_amount:.2f}"}})
    today = timezone.localdate()
    # the order every service locks in: transaction, documents, credit
    t = _lock_transaction(a.transaction_id) if a.transaction_id else None
    docs = _locked_documents(a.entity, [pk for pk in (a.document_id, a.credit_note_id) if pk])
    if t is not None:
        t.allocated -= a.amount
        refresh_transaction(t)
        t.save(update_fields=["allocated", "state"])
    for pk in (a.document_id, a.credit_note_id):
        if pk:
            doc = docs[pk]
            doc.paid_amount -= a.amount
            refresh_document(doc, today)
            doc.save(update_fields=["paid_amount", "payment_state", "paid_at"])
    if a.credit_from_id:
        Allocation.objects.select_for_update(of=("self",)).filter(pk=a.credit_from_id).update(
            used_amount=F("used_amount") - a.amount)
    document = docs.get(a.document_id) or docs.get(a.credit_note_id)
    what = document.number if document is not None else (a.client.name if a.client_id else str(t))
    label = (_("Undone: %(kind)s — %(what)s") % {"kind": a.get_kind_display(), "what": what})[:200]
    lines = ledger_lines(a, label, reverse=True)
    if lines:
        a.reversal_entry = ledger.post_entry(actor=actor, entity=a.entity, journal_code=JOURNAL, date=today,
                                             label=label, lines=lines, source=a, kind=REVERSAL_KIND)
    a.reversed_at = timezone.now()
    a.reversed_by = actor if getattr(actor, "is_authenticated", False) else None
    a.reversal_reason = reason.strip()[:300]
    a.save(update_fields=["reversed_at", "reversed_by", "reversal_reason", "reversal_entry"])
    obj = document if document is not None else (a.client if a.client_id else t)
    record(actor=actor, action="payment.reversed", obj=obj, entity=a.entity, activity=a.activity,
           message=gettext_noop("Allocation of %(amount)s EUR (%(kind)s, %(date)s) undone: %(reason)s"),
           params={"amount": f"{a.amount:.2f}", "kind": AllocationKind(a.kind).label, "date": a.date,
                   "reason": a.reversal_reason or "—"})
    send_paid_amounts_changed([pk for pk in (a.document_id, a.credit_note_id) if pk], actor=actor)
    # unpaid again: the collection steps cancelled by the payment come back (announced anew)
    for doc in docs.values():
        if doc.kind != Kind.CREDIT_NOTE and doc.payment_state != PaymentState.PAID:
            collections.refresh_document(doc, today=today)
    return a
