"""Reads of the books. Every user-facing function starts from the permission layer.

Who reads what
--------------
* the lines of an activity: whoever sees the activity (``permissions.scoped_by_activity``) — its
  members first: they see every line of their own activities (transparency);
* an entity's journal, trial balance and period locks: the entity's accountants and
  administrators (``books_entity_ids``);
* the cooperative's own figures: everyone who belongs to or works for the entity.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from compagnon import permissions
from compagnon.jurisdictions import charts

from .models import Account, Entry, EntryLine, Journal, MonthTotal, PeriodLock
from .money import ZERO, money

REVENUE_ROLES = frozenset({"revenue_services", "revenue_goods", "sales_discounts"})
RECEIVABLE_ROLES = frozenset({"receivable", "receivable_doubtful"})
TREASURY_ROLES = frozenset({"bank", "cash"})

# The figures of an activity's dashboard, in display order.
ACTIVITY_FIGURES = (
    "revenue",  # sales net of VAT (services + goods − discounts)
    "contribution",  # paid to the cooperative
    "expenses",  # other expenses of the activity
    "result",  # income − expenses (contribution included)
    "vat_collected",
    "receivables_open",  # invoiced, not yet paid
    "member_current",  # what the cooperative owes the member(s) on this activity
    "treasury",  # bank and cash movements booked on the activity
    "total_debit",
    "total_credit",
)

_DEC = DecimalField(max_digits=16, decimal_places=2)


def books_entity_ids(user) -> frozenset[int]:
    """Entities whose whole books ``user`` reads: accountants and administrators."""
    s = permissions.scope_for(user)
    return s.accountant_entities | s.admin_entities


def figures_from_rows(rows: Iterable[tuple[str, str, Decimal | None, Decimal | None]]) -> dict:
    """Fold (account role, account kind, debit, credit) rows into the activity figures."""
    f = dict.fromkeys(ACTIVITY_FIGURES, ZERO)
    income = expenses = ZERO
    for role, kind, debit, credit in rows:
        d, c = debit or ZERO, credit or ZERO
        if role in REVENUE_ROLES:
            f["revenue"] += c - d
        elif role == "contribution_charge":
            f["contribution"] += d - c
        elif role == "vat_collected":
            f["vat_collected"] += c - d
        elif role in RECEIVABLE_ROLES:
            f["receivables_open"] += d - c
        elif role == "member_current":
            f["member_current"] += c - d
        elif role in TREASURY_ROLES:
            f["treasury"] += d - c
        if kind == charts.INCOME:
            income += c - d
        elif kind == charts.EXPENSE:
            expenses += d - c
        f["total_debit"] += d
        f["total_credit"] += c
    f["expenses"] = expenses - f["contribution"]
    f["result"] = income - expenses
    return {k: money(v) for k, v in f.items()}


def _role_rows(lines: QuerySet[EntryLine], *extra: str, **expressions):
    return (
        lines.values(*extra, "account__role", "account__kind", **expressions)
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )


# --- activity ----------------------------------------------------------------------------------


def activity_lines(user, activity) -> QuerySet[EntryLine]:
    """Every line booked on ``activity``, newest first — empty unless ``user`` sees the activity."""
    return (
        permissions.scoped_by_activity(user, EntryLine.objects.filter(activity=activity))
        .select_related("entry__journal", "account", "client")
        .order_by("-entry__date", "-entry_id", "id")
    )


def activity_balances(user, activity) -> dict:
    """The figures of the activity's dashboard, computed from its ledger lines (one query).
    All zero unless ``user`` sees the activity."""
    lines = permissions.scoped_by_activity(user, EntryLine.objects.filter(activity=activity))
    rows = _role_rows(lines)
    return figures_from_rows((r["account__role"], r["account__kind"], r["d"], r["c"]) for r in rows)


def figures_by_activity(entity_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """System read (check_books, reports): the figures of every activity, one query."""
    lines = EntryLine.objects.filter(activity__isnull=False)
    if entity_ids is not None:
        lines = lines.filter(entry__entity_id__in=list(entity_ids))
    grouped: dict[int, list] = {}
    for r in _role_rows(lines, "activity_id"):
        grouped.setdefault(r["activity_id"], []).append(
            (r["account__role"], r["account__kind"], r["d"], r["c"])
        )
    return {activity_id: figures_from_rows(rows) for activity_id, rows in grouped.items()}


# --- the cooperative, for every member (transparency) ------------------------------------------


def cooperative_figures(entity, *, year: int | None = None) -> dict:
    """The cooperative's own revenue and the contributions it received in ``year`` (this year by
    default), beside the revenue of all its activities. No user: every member of the entity may
    read them; the view checks the entity is theirs. Two queries."""
    year = year or timezone.localdate().year
    lines = EntryLine.objects.filter(
        entry__entity=entity,
        entry__date__gte=datetime.date(year, 1, 1),
        entry__date__lte=datetime.date(year, 12, 31),
    )
    activities_rows, own_rows = [], []
    own_axis = ExpressionWrapper(Q(activity__isnull=True), output_field=BooleanField())
    for r in _role_rows(lines, own=own_axis):
        row = (r["account__role"], r["account__kind"], r["d"], r["c"])
        (own_rows if r["own"] else activities_rows).append(row)
    activities = figures_from_rows(activities_rows)
    own = figures_from_rows(own_rows)
    contributions = sum(
        ((c or ZERO) - (d or ZERO) for role, _k, d, c in own_rows if role == "contribution_income"),
        ZERO,
    )
    own_income = sum(
        ((c or ZERO) - (d or ZERO) for _r, kind, d, c in own_rows if kind == charts.INCOME), ZERO
    )
    own_expenses = sum(
        ((d or ZERO) - (c or ZERO) for _r, kind, d, c in own_rows if kind == charts.EXPENSE), ZERO
    )
    counts = lines.filter(activity__isnull=False, account__role__in=REVENUE_ROLES).aggregate(
        activities=Count("activity_id", distinct=True)
    )
    return {
        "year": year,
        "activities_revenue": activities["revenue"],
        "contributions": money(contributions),
        "cooperative_revenue": money(own["revenue"]),
        "cooperative_other_income": money(own_income - contributions - own["revenue"]),
        "cooperative_expenses": money(own_expenses),
        "cooperative_result": money(own_income - own_expenses),
        "invoicing_activities": counts["activities"],
        "contribution_rate": entity.contribution_rate,
    }


def entry_years(entity) -> list[int]:
    return sorted(
        {d.year for d in Entry.objects.filter(entity=entity).dates("date", "year")}
        | {timezone.localdate().year},
        reverse=True,
    )


# --- the entity's books, for its accountants and administrators -------------------------------


def _reads_beyond_books(user) -> bool:
    """Does ``user`` see activities outside the entities whose books they keep?"""
    s = permissions.scope_for(user)
    return bool(s.is_member or s.advisor_offices or s.support_entities)


def _line_prefetch(user=None) -> Prefetch:
    lines = EntryLine.objects.select_related("account", "activity", "client").order_by("id")
    if user is not None and _reads_beyond_books(user):
        # Outside the entities whose books they keep, a reader sees the lines of the activities
        # they see, and the cooperative-level lines of those entries.
        lines = lines.filter(
            Q(entry__entity_id__in=books_entity_ids(user))
            | Q(activity__isnull=True)
            | Q(activity__in=permissions.activities(user))
        )
    return Prefetch("lines", queryset=lines)


def entity_entries(
    user,
    entity,
    *,
    journal: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    account: str = "",
    activity_id: int | None = None,
) -> QuerySet[Entry]:
    """The entity's journal, newest first, each entry with all its lines. Empty unless ``user``
    keeps the entity's books."""
    qs = Entry.objects.filter(entity=entity, entity_id__in=books_entity_ids(user))
    qs = _filter_entries(
        qs,
        journal=journal,
        date_from=date_from,
        date_to=date_to,
        account=account,
        activity_id=activity_id,
    )
    return (
        qs.select_related("journal", "reversal_of__journal", "created_by")
        .prefetch_related(_line_prefetch())
        .order_by("-date", "journal__code", "-number")
    )


def _filter_entries(qs, *, journal, date_from, date_to, account, activity_id):
    if journal:
        qs = qs.filter(journal__code=journal)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    if account:
        qs = qs.filter(id__in=EntryLine.objects.filter(account__code=account).values("entry_id"))
    if activity_id:
        qs = qs.filter(id__in=EntryLine.objects.filter(activity_id=activity_id).values("entry_id"))
    return qs


def visible_entries(
    user,
    *,
    journal: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    account: str = "",
    activity_id: int | None = None,
    entity_id: int | None = None,
) -> QuerySet[Entry]:
    """Entries for the API: all of the entities whose books ``user`` keeps, plus the entries that
    touch an activity ``user`` sees (showing only the lines they may read)."""
    books = books_entity_ids(user)
    visible = Q(entity_id__in=books)
    if _reads_beyond_books(user):
        seen_lines = permissions.scoped_by_activity(
            user, EntryLine.objects.exclude(entry__entity_id__in=books)
        ).values("entry_id")
        visible |= Q(id__in=seen_lines)
    qs = Entry.objects.filter(visible)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    qs = _filter_entries(
        qs,
        journal=journal,
        date_from=date_from,
        date_to=date_to,
        account=account,
        activity_id=activity_id,
    )
    return (
        qs.select_related("journal", "reversal_of__journal")
        .prefetch_related(_line_prefetch(user))
        .order_by("-date", "journal__code", "-number", "id")
    )


def visible_accounts(user) -> QuerySet[Account]:
    """The charts of the entities ``user`` belongs to or works for."""
    return Account.objects.filter(entity__in=permissions.entities(user)).order_by(
        "entity_id", "code"
    )


def chart(entity, *, with_balances: bool) -> QuerySet[Account]:
    """The entity's chart; with the trial balance (total debit, credit per account) when asked."""
    qs = Account.objects.filter(entity=entity).order_by("code")
    if with_balances:
        zero = Value(Decimal("0"), output_field=_DEC)
        qs = qs.annotate(
            total_debit=Coalesce(Sum("lines__debit"), zero, output_field=_DEC),
            total_credit=Coalesce(Sum("lines__credit"), zero, output_field=_DEC),
        )
    return qs


def trial_balance_total(entity) -> Decimal:
    """Sum of every line's debit minus credit in the entity's books: zero when they are sound."""
    agg = EntryLine.objects.filter(entry__entity=entity).aggregate(
        d=Coalesce(Sum("debit"), Value(Decimal("0"), output_field=_DEC), output_field=_DEC),
        c=Coalesce(Sum("credit"), Value(Decimal("0"), output_field=_DEC), output_field=_DEC),
    )
    return money(agg["d"] - agg["c"])


def journals(entity) -> QuerySet[Journal]:
    return Journal.objects.filter(entity=entity).order_by("code")


def locks(entity) -> QuerySet[PeriodLock]:
    return PeriodLock.objects.filter(entity=entity).select_related("locked_by")


def year_figures_by_activity(user, activity_ids, *, year: int | None = None) -> dict[int, dict]:
    """The dashboard figures of each activity of ``activity_ids`` the user sees, from the entries
    dated in ``year`` (this year by default): revenue and result so far. One query whatever the
    number of activities or lines, over the year's month totals (decision 0029: O(months), not
    O(lines)); an activity without lines is all zero."""
    year = year or timezone.localdate().year
    ids = list(activity_ids)
    totals = permissions.scoped_by_activity(
        user, MonthTotal.objects.filter(activity_id__in=ids, year=year)
    )
    grouped: dict[int, list] = {pk: [] for pk in ids}
    if ids:
        for r in _role_rows(totals, "activity_id"):
            grouped[r["activity_id"]].append(
                (r["account__role"], r["account__kind"], r["d"], r["c"])
            )
    return {pk: figures_from_rows(rows) for pk, rows in grouped.items()}
