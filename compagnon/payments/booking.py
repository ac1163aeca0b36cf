"""The one way allocations are written, for the automatic run and for every manual action alike.

A :class:`Plan` collects allocations in memory while keeping the documents, transactions and
credits it touches up to date (paid amount, payment state, matched amount…); ``commit`` then
writes everything in a bounded number of queries, whatever the number of allocations:

* one :class:`MatchRun` and ONE ledger entry (journal "misc", dated today, kind "payment",
  source the run): money in is a suspense debit and a receivable credit (with the client and its
  activity); a refund a receivable debit / suspense credit; charges a bank-charges debit /
  suspense credit. Lines are merged per account, side, activity and client (one suspense line,
  one receivable line per client; the allocations keep the detail and point to the entry). A
  credit use moves nothing in the books: the credit and the invoice sit on the same client's
  receivable;
* the allocations, documents, transactions and credits in bulk;
* one audit event per allocation, written in bulk (on the document, the client or the
  transaction, so each appears in the history its readers already look at), plus one for the run.

The caller has locked (``select_for_update``) the rows it gives the plan, in its transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon.audit.models import AuditEvent
from compagnon.audit.services import _param  # the audit log's own conversion of params
from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.clients.models import Client
from compagnon.core.bulk import bulk_set
from compagnon.dunning.decisions import documents_paid
from compagnon.ledger import services as ledger
from compagnon.members.models import Activity
from compagnon.notifications import events
from compagnon.sales.models import Document, Kind, PaymentState

from .models import ZERO, Allocation, AllocationKind, MatchRun, Method
from .signals import send_paid_amounts_changed

JOURNAL = "misc"  # a role: OD in both charts. Dated today, so it never fights the bank journal's dates.
ENTRY_KIND = "payment"
REVERSAL_KIND = "payment_reversal"
BULK = 1000

DOCUMENT_FIELDS = ["id", "entity_id", "activity_id", "client_id", "kind", "state", "number", "payable",
                   "paid_amount", "payment_state", "paid_at", "due_date", "credited_id", "issue_date", "year", "sequence"]


def outstanding(document: Document) -> Decimal:
    """What is still owed on an invoice, or still to give back on a credit note."""
    return document.payable - document.paid_amount


def refresh_document(document: Document, on: datetime.date) -> None:
    """Payment state from the paid amount: awaiting payment -> partially paid -> paid."""
    if document.kind == Kind.CREDIT_NOTE:
        return
    if document.paid_amount >= document.payable:
        if document.payment_state != PaymentState.PAID:
            document.paid_at = on
        document.payment_state = PaymentState.PAID
    else:
        document.payment_state = PaymentState.PARTIAL if document.paid_amount > 0 else PaymentState.AWAITING
        document.paid_at = None


def refresh_transaction(transaction: BankTransaction) -> None:
    if transaction.allocated >= abs(transaction.amount):
        transaction.state = TransactionState.MATCHED
    elif transaction.allocated > 0:
        transaction.state = TransactionState.PARTIAL
    else:
        transaction.state = TransactionState.UNMATCHED


def ledger_lines(allocation: Allocation, label: str, *, reverse: bool = False) -> list[ledger.LineSpec]:
    """The lines an allocation books (none for a credit use). Activities and clients are named by
    id: no query."""
    activity = Activity(id=allocation.activity_id, entity_id=allocation.entity_id) if allocation.activity_id else None
    client = Client(id=allocation.client_id, activity_id=allocation.activity_id) if allocation.client_id else None
    amount = allocation.amount
    if allocation.kind in (AllocationKind.INVOICE, AllocationKind.CLIENT_CREDIT):
        # cash received at the office never went through the bank: it is in the cash box
        money = "cash" if allocation.method == Method.CASH else "suspense"
        debit = ledger.LineSpec(role=money, debit=amount, label=label)
        credit = ledger.LineSpec(role="receivable", credit=amount, activity=activity, client=client, label=label)
    elif allocation.kind == AllocationKind.REFUND:
        debit = ledger.LineSpec(role="receivable", debit=amount, activity=activity, client=client, label=label)
        credit = ledger.LineSpec(role="suspense", credit=amount, label=label)
    elif allocation.kind == AllocationKind.BANK_CHARGE:
        debit = ledger.LineSpec(role="bank_fees", debit=amount, label=label)
        credit = ledger.LineSpec(role="suspense", credit=amount, label=label)
    else:
        return []
    if reverse:
        debit, credit = (
            ledger.LineSpec(account=credit.account, debit=amount, activity=credit.activity, client=credit.client, label=label),
            ledger.LineSpec(account=debit.account, credit=amount, activity=debit.activity, client=debit.client, label=label),
        )
    return [debit, credit]


CLIENT_CREDIT_SOURCE = gettext_lazy("the client's credit")
# What each allocation says in the history of the object it is about.
AUDIT_MESSAGES = {
    AllocationKind.INVOICE: gettext_noop("Payment of %(amount)s EUR of %(date)s allocated to %(document)s (%(method)s)"),
    AllocationKind.CREDIT_USE: gettext_noop("%(document)s settled for %(amount)s EUR from %(source)s"),
    AllocationKind.CLIENT_CREDIT: gettext_noop("%(amount)s EUR of the payment of %(date)s kept as credit of %(client)s (%(method)s)"),
    AllocationKind.REFUND: gettext_noop("Refund of %(amount)s EUR to %(client)s on %(date)s (%(method)s)"),
    AllocationKind.BANK_CHARGE: gettext_noop("Bank charges of %(amount)s EUR on %(date)s (%(method)s)"),
}


@dataclass
class Plan:
    entity: object  # organisation.Entity
    actor: object | None
    automatic: bool = False
    transactions_seen: int = 0
    today: datetime.date = field(default_factory=timezone.localdate)
    allocations: list[Allocation] = field(default_factory=list)
    documents: dict[int, Document] = field(default_factory=dict)
    transactions: dict[int, BankTransaction] = field(default_factory=dict)
    credits: dict[int, Allocation] = field(default_factory=dict)
    _labels: list[str] = field(default_factory=list)
    _audit: list[AuditEvent] = field(default_factory=list)

    # --- in memory ---------------------------------------------------------------------------

    def add(self, *, kind: str, method: str, amount: Decimal, explanation: str, params: dict | None = None,
            transaction: BankTransaction | None = None, document: Document | None = None,
            credit_note: Document | None = None, credit_from: Allocation | None = None,
            client_id: int | None = None, activity_id: int | None = None, client_name: str = "",
            on: datetime.date | None = None) -> Allocation:
        """Allocate ``amount`` and bring everything it touches up to date (in memory)."""
        assert amount > 0, amount
        on = on or (transaction.booking_date if transaction is not None else self.today)
        target = document or credit_note
        if target is not None:
            client_id, activity_id = target.client_id, target.activity_id
        elif credit_from is not None:
            client_id, activity_id = credit_from.client_id, credit_from.activity_id
        allocation = Allocation(
            entity_id=self.entity.pk, kind=kind, method=method, amount=amount, date=on,
            transaction=transaction, document=document, credit_note=credit_note, credit_from=credit_from,
            client_id=client_id, activity_id=activity_id, explanation=explanation,
            explanation_params=params or {},
            created_by=self.actor if getattr(self.actor, "is_authenticated", False) else None,
        )
        if transaction is not None:
            transaction.allocated += amount
            refresh_transaction(transaction)
            self.transactions[transaction.pk] = transaction
        for doc in (document, credit_note):
            if doc is not None:
                doc.paid_amount += amount
                refresh_document(doc, on)
                self.documents[doc.pk] = doc
        if credit_from is not None:
            credit_from.used_amount += amount
            self.credits[credit_from.pk] = credit_from
        self.allocations.append(allocation)
        self._labels.append(self._label(allocation, transaction, document or credit_note, client_name))
        self._audit.append(self._event(allocation, transaction, document, credit_note, client_name))
        return allocation

    @staticmethod
    def _label(allocation, transaction, document, client_name) -> str:
        what = document.number if document is not None else (client_name or allocation.get_kind_display())
        who = transaction.counterparty_name if transaction is not None else ""
        return " — ".join(x for x in (str(allocation.get_kind_display()).capitalize(), what, who) if x)[:200]

    def _event(self, allocation, transaction, document, credit_note, client_name) -> AuditEvent:
        kind = allocation.kind
        params = {"amount": f"{allocation.amount:.2f}", "date": allocation.date,
                  "method": Method(allocation.method).label, "client": client_name}
        if kind == AllocationKind.CREDIT_USE:
            params["source"] = credit_note.number if credit_note is not None else CLIENT_CREDIT_SOURCE
        if document is not None:
            params["document"] = document.number
            obj_type, obj_id, obj_repr = Document._meta.label_lower, document.pk, document.number
        elif kind in (AllocationKind.CLIENT_CREDIT, AllocationKind.REFUND):
            obj_type, obj_id, obj_repr = Client._meta.label_lower, allocation.client_id, client_name
        else:
            obj_type, obj_id, obj_repr = BankTransaction._meta.label_lower, transaction.pk, str(transaction)
        return AuditEvent(
            actor=allocation.created_by, action=f"payment.{kind}", object_type=obj_type, object_id=str(obj_id),
            object_repr=str(obj_repr)[:200], message=AUDIT_MESSAGES[kind],
            params={k: _param(v) for k, v in params.items()}, entity_id=self.entity.pk,
            activity_id=allocation.activity_id,
        )

    # --- writing -----------------------------------------------------------------------------

    def commit(self) -> MatchRun | None:
        if not self.allocations:
            return None
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        matched = sum(1 for t in self.transactions.values() if t.state == TransactionState.MATCHED)
        run = MatchRun.objects.create(
            entity=self.entity, automatic=self.automatic, created_by=actor, matched=matched,
            transactions=self.transactions_seen or len(self.transactions), allocations=len(self.allocations))
        lines = merge([line for a, label in zip(self.allocations, self._labels, strict=True)
                       for line in ledger_lines(a, label)])
        entry = None
        if lines:
            label = (_("Automatic bank matching: %(count)s allocations") % {"count": len(self.allocations)}
                     if self.automatic else self._labels[0])
            entry = ledger.post_entry(actor=self.actor, entity=self.entity, journal_code=JOURNAL, date=self.today,
                                      label=label, lines=lines, source=run, kind=ENTRY_KIND)
            run.entry = entry
            run.save(update_fields=["entry"])
        for allocation in self.allocations:
            allocation.run = run
            if allocation.kind != AllocationKind.CREDIT_USE:
                allocation.entry = entry
        Allocation.objects.bulk_create(self.allocations, batch_size=BULK)
        bulk_set(Document, list(self.documents.values()), ["paid_amount", "payment_state", "paid_at"])
        bulk_set(BankTransaction, list(self.transactions.values()), ["allocated", "state"])
        bulk_set(Allocation, list(self.credits.values()), ["used_amount"])
        AuditEvent.objects.bulk_create(self._audit, batch_size=BULK)
        # higher floors following what was paid (prefinancing settles its advances)
        send_paid_amounts_changed(list(self.documents), actor=self.actor)
        # reminders, formal notices… still planned for what is now paid are cancelled with it
        documents_paid([pk for pk, d in self.documents.items() if d.payment_state == PaymentState.PAID])
        # the members hear of what their clients paid (after commit, told by the top floor)
        events.announce(events.PAID, [pk for pk, d in self.documents.items()
                                      if d.kind in (Kind.INVOICE, Kind.DEPOSIT) and d.paid_amount > 0])
        if self.automatic:
            AuditEvent.objects.create(
                actor=actor, action="payment.matching_run", object_type=MatchRun._meta.label_lower,
                object_id=str(run.pk), object_repr=str(run)[:200], entity=self.entity,
                message=gettext_noop("Automatic matching: %(matched)s of %(count)s transactions fully matched, "
                                     "%(allocations)s allocations"),
                params={"matched": run.matched, "count": run.transactions, "allocations": run.allocations},
            )
        return run


def merge(lines: list[ledger.LineSpec]) -> list[ledger.LineSpec]:
    """One line per account, side, activity and client: the suspense side of a run is one line,
    each client's receivable one line (the allocations keep the detail)."""
    merged: dict[tuple, list] = {}
    for line in lines:
        key = (line.account, line.debit > 0, getattr(line.activity, "pk", None), getattr(line.client, "pk", None))
        if key in merged:
            merged[key][1] += line.debit + line.credit
            merged[key][2].append(line.label)
        else:
            merged[key] = [line, line.debit + line.credit, [line.label]]
    out = []
    for (account, is_debit, _a, _c), (line, amount, labels) in merged.items():
        label = labels[0] if len(labels) == 1 else _("%(count)s allocations: %(labels)s") % {
            "count": len(labels), "labels": ", ".join(labels)}
        out.append(ledger.LineSpec(account=account, debit=amount if is_debit else ZERO,
                                   credit=ZERO if is_debit else amount, activity=line.activity, client=line.client,
                                   label=label[:199] + "…" if len(label) > 200 else label))
    return out
