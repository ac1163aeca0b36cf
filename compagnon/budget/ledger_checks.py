"""The budget's checks for ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry, EntryLine
from compagnon.members.models import Activity

from . import accounts as budget_accounts
from . import selectors
from .models import Movement, MovementStatus

HALF_CENT = Decimal("0.005")
FIGURES = {
    "costs": "costs",
    "salaries": "salaries",
    "movements": "transfer",
    "prefinancing": "prefinancing",
}


@register("Activity budgets equal the ledger's sums of their accounts")
def budgets_match_ledger(entities):
    """Recomputes each activity's budget figures (this year) with a plain per-account sum and
    compares them with the budget's one aggregate query."""
    date_from, date_to = selectors.year_to_date(timezone.localdate())
    activities = list(Activity.objects.filter(entity__in=entities).select_related("entity"))
    by_entity = defaultdict(list)
    for a in activities:
        by_entity[a.entity_id].append(a)
    for group in by_entity.values():
        accounts = budget_accounts.for_entity(group[0].entity)
        totals = defaultdict(Decimal)
        lines = EntryLine.objects.filter(activity__in=group, entry__date__lte=date_to)
        period = (
            lines.filter(entry__date__gte=date_from)
            .values("activity_id", "account_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        )
        for r in period:
            activity_id, account_id, d, c = r["activity_id"], r["account_id"], r["d"], r["c"]
            for figure, kind in FIGURES.items():
                if figure != "prefinancing" and account_id in getattr(accounts, kind):
                    sign = -1 if figure == "movements" else 1
                    totals[(activity_id, figure)] += sign * (Decimal(str(d)) - Decimal(str(c)))
        for r in (
            lines.filter(account_id__in=accounts.prefinancing)
            .values("activity_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        ):
            totals[(r["activity_id"], "prefinancing")] += Decimal(str(r["d"])) - Decimal(
                str(r["c"])
            )
        for budget in selectors.compute_many(group, date_from, date_to):
            for figure in FIGURES:
                expected = totals[(budget.activity.pk, figure)]
                if figure == "prefinancing":
                    expected = max(expected, Decimal("0"))
                got = getattr(budget, figure)
                if abs(got - expected) >= HALF_CENT:
                    yield (
                        f"{budget.activity.name} (id {budget.activity.pk}): budget {figure} {got}, "
                        f"ledger {expected:.2f}"
                    )


@register("Every approved movement between activities is posted once, and only approved ones")
def movements_posted_once(entities):
    movements = Movement.objects.filter(entity__in=entities)
    for pk, status, entry_id in movements.values_list("pk", "status", "entry_id"):
        if status == MovementStatus.APPROVED and entry_id is None:
            yield f"movement {pk}: approved, not in the books"
        if status != MovementStatus.APPROVED and entry_id is not None:
            yield f"movement {pk}: {status}, yet posted (entry id {entry_id})"
    posted = (
        Entry.objects.filter(
            entity__in=entities, source_type=Movement._meta.label_lower, kind="movement"
        )
        .values("source_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    known = dict(movements.filter(status=MovementStatus.APPROVED).values_list("pk", "entry_id"))
    for row in posted:
        if row["n"] != 1:
            yield f"movement {row['source_id']}: {row['n']} entries"
        if row["source_id"] not in known:
            yield f"movement {row['source_id']}: an entry in the books but not approved"
