"""The payments context's checks for ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from compagnon.banking.models import BankTransaction
from compagnon.ledger.checks import register
from compagnon.sales.models import Document, Kind, State

from .models import Allocation, AllocationKind


@register("Paid amounts of documents equal their allocations")
def paid_amounts(entities):
    active = Allocation.objects.filter(entity__in=entities, reversed_at__isnull=True)
    expected = defaultdict(Decimal)
    for field in ("document_id", "credit_note_id"):
        for pk, total in active.filter(**{f"{field}__isnull": False}).values_list(field).annotate(t=Sum("amount")).order_by():
            expected[pk] += total
    docs = Document.objects.filter(entity__in=entities, state=State.ISSUED, kind__in=[Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE])
    seen = set()
    for pk, number, paid in docs.filter(paid_amount__gt=0).values_list("pk", "number", "paid_amount").iterator():
        seen.add(pk)
        if paid != expected.get(pk, Decimal("0")):
            yield f"{number}: paid {paid}, allocations total {expected.get(pk, Decimal('0'))}"
    for pk, total in expected.items():
        if pk not in seen and total:
            yield f"document id {pk}: nothing paid, allocations total {total}"


@register("Matched amounts of bank transactions equal their allocations")
def transaction_amounts(entities):
    totals = dict(Allocation.objects.filter(entity__in=entities, reversed_at__isnull=True, transaction__isnull=False)
                  .values_list("transaction_id").annotate(t=Sum("amount")).order_by())
    seen = set()
    rows = BankTransaction.objects.filter(account__entity__in=entities, allocated__gt=0)
    for pk, allocated, amount in rows.values_list("pk", "allocated", "amount").iterator():
        seen.add(pk)
        if allocated != totals.get(pk, Decimal("0")) or allocated > abs(amount):
            yield f"transaction {pk}: matched {allocated} of {amount}, allocations total {totals.get(pk, Decimal('0'))}"
    for pk, total in totals.items():
        if pk not in seen:
            yield f"transaction {pk}: nothing matched, allocations total {total}"


@register("Every allocation that moved money is in the books")
def allocations_booked(entities):
    money = Allocation.objects.filter(entity__in=entities).exclude(kind=AllocationKind.CREDIT_USE)
    for pk in money.filter(Q(entry__isnull=True) | Q(reversed_at__isnull=False, reversal_entry__isnull=True)).values_list("pk", flat=True):
        yield f"allocation {pk}: no entry for the money it moved"
