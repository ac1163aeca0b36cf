"""The budget's checks for ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry, EntryLine
from compagnon.ledger.money import money
from compagnon.members.models import Activity

from . import accounts as budget_accounts
from . import contribution, selectors
from .models import ContributionCharge, Movement, MovementStatus

HALF_CENT = Decimal("0.005")
FIGURES = {
    "contribution": "contribution",
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


def _dec(value) -> Decimal:
    return Decimal(str(value or 0))


@register(
    "The contribution is charged once on every cash receipt, at the rules' amount, and nowhere else"
)
def contribution_charged_on_cash(entities):
    """Decision 0017: the budget owns the contribution and the ledger holds it. Every entry that
    brought cash to an activity has one charge per activity for exactly that cash; each charge is
    its bases times its rates; the contribution entry of a cash entry books exactly its charges on
    each activity's axis; what sales booked at issue before 0017 was given back in full."""
    from compagnon.organisation.models import Entity

    for entity in Entity.objects.filter(pk__in=entities.values("pk")):
        accounts = budget_accounts.for_entity(entity)
        cash = {}
        rows = (
            EntryLine.objects.filter(
                entry__entity=entity,
                activity__isnull=False,
                account_id__in=list(accounts.receivable),
            )
            .exclude(journal_id__in=list(accounts.sales_journals))
            .exclude(entry__kind__in=contribution.OWN_KINDS)
            .exclude(entry__lines__account__role=contribution.BAD_DEBT_ROLE)
            .values("entry_id", "activity_id")
            .annotate(c=Sum("credit"), d=Sum("debit"))
            .order_by()
        )
        for r in rows:
            amount = _dec(r["c"]) - _dec(r["d"])
            if amount:
                cash[(r["entry_id"], r["activity_id"])] = amount
        charges = {
            (c.cash_entry_id, c.activity_id): c
            for c in ContributionCharge.objects.filter(cash_entry__entity=entity)
        }
        for key in sorted(set(cash) | set(charges)):
            entry_id, activity_id = key
            c = charges.get(key)
            if c is None:
                yield f"entry id {entry_id}: {cash[key]:.2f} cashed on activity {activity_id}, no contribution charged"
                continue
            if abs(c.cash - cash.get(key, Decimal("0"))) >= HALF_CENT:
                yield (
                    f"entry id {entry_id}, activity {activity_id}: contribution charged on {c.cash:.2f}, "
                    f"the books say {cash.get(key, Decimal('0')):.2f} cashed"
                )
            due = money(c.goods_base * c.goods_rate / 100) + money(
                c.services_base * c.services_rate / 100
            )
            if due != c.amount:
                yield f"charge {c.pk}: {c.amount:.2f} charged, its bases and rates give {due:.2f}"
        booked = defaultdict(Decimal)
        for r in (
            EntryLine.objects.filter(
                entry__entity=entity,
                entry__kind=contribution.CHARGE_KIND,
                account_id__in=list(accounts.contribution),
                activity__isnull=False,
            )
            .values("entry__source_id", "entry_id", "activity_id")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        ):
            booked[(r["entry__source_id"], r["activity_id"])] += _dec(r["d"]) - _dec(r["c"])
            c = charges.get((r["entry__source_id"], r["activity_id"]))
            if c is not None and c.entry_id != r["entry_id"]:
                yield f"charge {c.pk}: points to entry id {c.entry_id}, posted as entry id {r['entry_id']}"
        for key in sorted(set(booked) | {k for k, c in charges.items() if c.amount}):
            c = charges.get(key)
            expected = c.amount if c is not None else Decimal("0")
            if booked.get(key, Decimal("0")) != expected:
                yield (
                    f"entry id {key[0]}, activity {key[1]}: {booked.get(key, Decimal('0')):.2f} of contribution in "
                    f"the books, {expected:.2f} charged"
                )
        at_issue = contribution.booked_at_issue(entity)
        if at_issue:
            source_type, source_id = contribution.switch_source(entity)
            given_back = defaultdict(Decimal)
            for r in (
                EntryLine.objects.filter(
                    entry__source_type=source_type,
                    entry__source_id=source_id,
                    entry__kind=contribution.SWITCH_KIND,
                    activity__isnull=False,
                )
                .values("activity_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
                .order_by()
            ):
                given_back[r["activity_id"]] = _dec(r["c"]) - _dec(r["d"])
            for activity_id, amount in sorted(at_issue.items()):
                if given_back.get(activity_id, Decimal("0")) != amount:
                    yield (
                        f"activity {activity_id}: {amount:.2f} of contribution booked at issue, "
                        f"{given_back.get(activity_id, Decimal('0')):.2f} given back (manage.py charge_contributions)"
                    )
