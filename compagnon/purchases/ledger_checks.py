"""The supplier invoice checks of ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from django.db.models import Count

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry

from .models import POSTED_STATES, SupplierInvoice, SupplierInvoiceState

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


@register("Every supplier invoice in a payment batch is paid its booked amount")
def supplier_invoices_paid_as_booked(entities):
    rows = SupplierInvoice.objects.filter(entity__in=entities, payout_line__active=True).values_list(
        "id", "payable", "tax_inclusive", "payout_line__amount", "state")
    for pk, payable, total, paid, state in rows.iterator():
        if state not in ("in_batch", "paid"):
            yield f"supplier invoice {pk} is in a transfer but is {state}"
        elif paid != (payable if payable and payable > 0 else total):
            yield f"supplier invoice {pk}: {payable} due, {paid} transferred"
