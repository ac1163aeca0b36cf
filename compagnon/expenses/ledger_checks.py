"""The expense checks of ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from django.db.models import Count

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry

from .models import ClaimKind, ClaimState, ExpenseClaim

SOURCE = "expenses.expenseclaim"


@register("Every approved expense claim has exactly one entry, and every reimbursed one its receipt")
def claims_booked(entities):
    counts = dict(Entry.objects.filter(entity__in=entities, source_type=SOURCE, kind="issue")
                  .values_list("source_id").annotate(n=Count("id")).order_by())
    approved = ExpenseClaim.objects.filter(entity__in=entities, state=ClaimState.APPROVED)
    for pk, entry_id, kind, receipt, line_id, line_active in approved.values_list(
            "id", "entry_id", "kind", "receipt", "payout_line_id", "payout_line__active").iterator():
        n = counts.pop(pk, 0)
        if n != 1 or entry_id is None:
            yield f"expense claim {pk}: {n} entries instead of 1"
        if line_id and line_active and kind == ClaimKind.RECEIPT and not receipt:
            yield f"expense claim {pk} is reimbursed without its receipt"
    for source_id in counts:
        yield f"entry for expense claim id {source_id}, which is not an approved claim"


@register("Every reimbursed expense claim is paid its booked amount")
def claims_paid_as_booked(entities):
    rows = ExpenseClaim.objects.filter(entity__in=entities, payout_line__active=True).values_list(
        "id", "amount", "payout_line__amount", "state")
    for pk, amount, paid, state in rows.iterator():
        if state != ClaimState.APPROVED:
            yield f"expense claim {pk} is in a transfer but is {state}"
        elif amount != paid:
            yield f"expense claim {pk}: {amount} booked, {paid} transferred"
