"""The supplier invoice checks of ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry

from .models import POSTED_STATES, SupplierCreditUse, SupplierInvoice, SupplierInvoiceState

SOURCE = "purchases.supplierinvoice"


@register("Every approved supplier invoice is posted once (a cancelled one is reversed)")
def supplier_invoices_posted_once(entities):
    counts: dict[tuple[int, str], int] = {}
    for source_id, kind, n in (Entry.objects.filter(entity__in=entities, source_type=SOURCE)
                               .values_list("source_id", "kind").annotate(n=Count("id")).order_by()):
        counts[(source_id, kind)] = n
    rows = SupplierInvoice.objects.filter(entity__in=entities).values_list("id", "state", "entry_id", "number")
    for pk, state, entry_id, number in rows.iterator():
        issued, reversed_ = counts.pop((pk, "issue"), 0), counts.pop((pk, "reversal"), 0)
        if state in POSTED_STATES:
            if issued != 1 or entry_id is None or reversed_:
                yield f"supplier invoice {pk} ({number}): {issued} entries and {reversed_} reversals instead of 1 and 0"
        elif state == SupplierInvoiceState.CANCELLED and issued:
            if issued != 1 or reversed_ != 1:
                yield f"cancelled supplier invoice {pk} ({number}): {issued} entries, {reversed_} reversals"
        elif issued or reversed_:
            yield f"supplier invoice {pk} ({number}) is {state} but has {issued + reversed_} entries"
    for (source_id, kind), _n in counts.items():
        yield f"{kind} entry for supplier invoice id {source_id}, which does not exist"


@register("Every supplier invoice in a payment batch is paid its booked amount, less the credit notes deducted")
def supplier_invoices_paid_as_booked(entities):
    due: dict[int, Decimal] = defaultdict(Decimal)
    paid: dict[int, Decimal] = {}
    rows = SupplierInvoice.objects.filter(entity__in=entities, payout_line__active=True).values_list(
        "id", "payable", "tax_inclusive", "payout_line_id", "payout_line__amount", "state")
    for pk, payable, total, line_id, amount, state in rows.iterator():
        if state not in ("in_batch", "paid"):
            yield f"supplier invoice {pk} is in a transfer but is {state}"
        due[line_id] += payable if payable and payable > 0 else total
        paid[line_id] = amount
    for line_id, amount in (SupplierCreditUse.objects.filter(payout_line_id__in=list(due), payout_line__active=True)
                            .values("payout_line_id").annotate(s=Sum("amount")).values_list("payout_line_id", "s")):
        due[line_id] -= amount
    for line_id, amount in paid.items():
        if amount != due[line_id]:
            yield f"transfer {line_id}: {due[line_id]} due on its supplier invoices, {amount} transferred"


@register("No supplier credit note is deducted beyond its amount")
def supplier_credit_notes_not_overused(entities):
    rows = (SupplierCreditUse.counting().filter(credit_note__entity__in=entities).values("credit_note_id")
            .annotate(s=Sum("amount")).values_list("credit_note_id", "s", "credit_note__tax_inclusive",
                                                   "credit_note__number"))
    for pk, used, total, number in rows:
        if used > (total or 0):
            yield f"supplier credit note {pk} ({number}): {used} deducted, more than its {total}"
