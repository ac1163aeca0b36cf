"""The transfers' checks for ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry, EntryLine

from . import books
from .models import BatchState, LineState, PayoutBatch, PayoutLine, Purpose

BATCH = "payouts.payoutbatch"
LINE = "payouts.payoutline"
ZERO = Decimal("0")


def _transit_totals(entry_ids, side: str) -> dict[int, Decimal]:
    """Per entry, what it moved on "transfers in progress" (``side``: debit or credit)."""
    return {pk: total for pk, total in EntryLine.objects.filter(
        entry_id__in=entry_ids, account__role=books.TRANSIT).values_list("entry_id").annotate(t=Sum(side)).order_by()}


@register("Every payout line is posted once: its batch when sent, its bank line when paid, its return")
def payout_lines_posted_once(entities):
    batches = {b.pk: b for b in PayoutBatch.objects.filter(entity__in=entities).exclude(
        state__in=[BatchState.DRAFT, BatchState.GENERATED]).only("id", "state", "entry_id", "reversal_entry_id",
                                                                  "sent_at", "settled_at")}
    booked = defaultdict(Decimal)
    lines_of = defaultdict(list)
    for row in PayoutLine.objects.filter(batch_id__in=batches).exclude(purpose=Purpose.REFUND).values(
            "id", "batch_id", "amount", "state", "settlement_entry_id", "return_entry_id", "transaction_id"):
        booked[row["batch_id"]] += row["amount"]
        lines_of[row["batch_id"]].append(row)
    counts = dict(Entry.objects.filter(entity__in=entities, source_type=BATCH, kind=books.SENT)
                  .values_list("source_id").annotate(n=Count("id")).order_by())
    credited = _transit_totals([b.entry_id for b in batches.values() if b.entry_id], "credit")
    for pk, batch in sorted(batches.items()):
        sent = batch.sent_at is not None
        expected = 1 if sent and booked[pk] else 0
        if counts.get(pk, 0) != expected:
            yield f"transfer batch {pk}: {counts.get(pk, 0)} entries when sent instead of {expected}"
        elif expected and credited.get(batch.entry_id, ZERO) != booked[pk]:
            yield (f"transfer batch {pk}: {credited.get(batch.entry_id, ZERO)} booked in transfers in progress, "
                   f"its transfers total {booked[pk]}")
        if batch.state == BatchState.CANCELLED and expected and batch.reversal_entry_id is None:
            yield f"transfer batch {pk}: cancelled after sending without reversing its entry"
        for row in lines_of[pk]:
            if row["state"] == LineState.SETTLED and row["settlement_entry_id"] is None:
                yield f"transfer {row['id']} of batch {pk}: paid but not booked"
            if row["state"] == LineState.RETURNED and row["return_entry_id"] is None:
                yield f"transfer {row['id']} of batch {pk}: returned but the payable is not open again in the books"
    # each settlement entry clears exactly the transfers it names
    settled = defaultdict(Decimal)
    for entry_id, amount in PayoutLine.objects.filter(batch_id__in=batches, settlement_entry__isnull=False).values_list(
            "settlement_entry_id", "amount"):
        settled[entry_id] += amount
    debited = _transit_totals(list(settled), "debit")
    for entry_id, total in sorted(settled.items()):
        if debited.get(entry_id, ZERO) != total:
            yield f"entry id {entry_id}: clears {debited.get(entry_id, ZERO)} of transfers in progress for {total} paid"
    orphans = (Entry.objects.filter(entity__in=entities, source_type="banking.banktransaction", kind=books.SETTLED)
               .exclude(pk__in=list(settled)).values_list("pk", flat=True))
    for pk in orphans:
        yield f"entry id {pk}: books a paid transfer no transfer points to"


@register("Transfers follow their batch: on their way only in a sent batch, a batch paid once none is")
def payout_states_agree(entities):
    rows = (PayoutLine.objects.filter(batch__entity__in=entities)
            .values_list("batch_id", "batch__state", "batch__settled_at", "state").annotate(n=Count("id")).order_by())
    allowed = {
        BatchState.DRAFT: {LineState.PENDING}, BatchState.GENERATED: {LineState.PENDING},
        BatchState.SENT: {LineState.SENT, LineState.SETTLED, LineState.RETURNED},
        BatchState.CANCELLED: {LineState.CANCELLED},
    }
    for batch_id, batch_state, settled_at, state, _n in rows:
        if state not in allowed.get(batch_state, ()):
            yield f"transfer batch {batch_id} is {batch_state} but has transfers {state}"
        elif state == LineState.SENT and settled_at is not None:
            yield f"transfer batch {batch_id} is marked paid but has transfers still on their way"
