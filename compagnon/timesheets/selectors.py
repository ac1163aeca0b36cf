"""Reads of time, expenses and statements. Every queryset starts from the permission layer."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, QuerySet, Sum

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.collation import by_name
from compagnon.members.models import Activity
from compagnon.sales.models import Document, Kind

from . import services, statement_lines
from .duration import format_minutes
from .models import ExpenseEntry, GroupBy, TimeEntry

ENTRY_RELATED = ["client", "member__user", "statement", "quote"]


def activity(user, pk: int) -> Activity:
    """The activity if visible to ``user`` (raises Activity.DoesNotExist otherwise → 404)."""
    return permissions.activities(user).select_related("entity").get(pk=pk)


def time_entries(user, *, activity_id: int | None = None) -> QuerySet[TimeEntry]:
    qs = permissions.scoped_by_activity(user, TimeEntry.objects.all()).select_related(
        *ENTRY_RELATED
    )
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-date", "-created_at", "-id")


def time_entry(user, pk: int, *, activity_id: int | None = None) -> TimeEntry:
    return time_entries(user, activity_id=activity_id).select_related("activity__entity").get(pk=pk)


def expenses(user, *, activity_id: int | None = None) -> QuerySet[ExpenseEntry]:
    qs = permissions.scoped_by_activity(user, ExpenseEntry.objects.all()).select_related(
        "client", "statement"
    )
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-date", "-id")


def expense(user, pk: int, *, activity_id: int | None = None) -> ExpenseEntry:
    return expenses(user, activity_id=activity_id).select_related("activity__entity").get(pk=pk)


def clients(user, activity_id: int) -> QuerySet[Client]:
    """The activity's clients to choose from (archived ones left out)."""
    return (
        permissions.scoped_by_activity(user, Client.objects.all())
        .filter(activity_id=activity_id, archived=False)
        .order_by(*by_name("name"), "id")
    )


def quotes(user, activity_id: int) -> QuerySet[Document]:
    return (
        permissions.scoped_by_activity(user, Document.objects.all())
        .filter(activity_id=activity_id, kind=Kind.QUOTE)
        .select_related("client")
        .order_by("-created_at", "-id")
    )


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Day:
    date: datetime.date
    entries: list[TimeEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(e.duration for e in self.entries)

    @property
    def total(self) -> str:
        return format_minutes(self.minutes) if self.entries else ""


@dataclass
class Week:
    monday: datetime.date
    days: list[Day]
    per_client: list[dict]
    minutes: int
    billable_minutes: int

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def previous(self) -> datetime.date:
        return self.monday - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=7)

    @property
    def total(self) -> str:
        return format_minutes(self.minutes)

    @property
    def billable_total(self) -> str:
        return format_minutes(self.billable_minutes)


def week(user, activity_id: int, day: datetime.date) -> Week:
    """The entries of the week holding ``day``, by day, with totals per day and per client.

    One query whatever the number of entries (totals are added up in Python from the same rows).
    """
    monday = monday_of(day)
    rows = list(
        time_entries(user, activity_id=activity_id)
        .filter(date__range=(monday, monday + datetime.timedelta(days=6)))
        .order_by("date", "created_at", "id")
    )
    days = [Day(monday + datetime.timedelta(days=i)) for i in range(7)]
    per_client: OrderedDict[int | None, dict] = OrderedDict()
    for entry in rows:
        days[(entry.date - monday).days].entries.append(entry)
        slot = per_client.setdefault(
            entry.client_id, {"client": entry.client, "minutes": 0, "billable": 0}
        )
        slot["minutes"] += entry.duration
        if entry.billable:
            slot["billable"] += entry.duration
    clients_total = sorted(per_client.values(), key=lambda s: (s["client"] is None, -s["minutes"]))
    for slot in clients_total:
        slot["total"] = format_minutes(slot["minutes"])
    return Week(
        monday=monday,
        days=days,
        per_client=clients_total,
        minutes=sum(e.duration for e in rows),
        billable_minutes=sum(e.duration for e in rows if e.billable),
    )


def statements(user, activity_id: int) -> QuerySet[Document]:
    """The activity's statements of work done, newest first, with their period when known."""
    return (
        permissions.scoped_by_activity(user, Document.objects.all())
        .filter(activity_id=activity_id, kind=Kind.STATEMENT)
        .select_related("client", "statement_period")
        .order_by("-created_at", "-id")
    )


def statement(user, activity_id: int, pk: int) -> Document:
    return (
        permissions.scoped_by_activity(user, Document.objects.all())
        .filter(activity_id=activity_id, kind=Kind.STATEMENT)
        .select_related("activity__entity", "client")
        .get(pk=pk)
    )


@dataclass
class Preview:
    client: Client
    period_start: datetime.date
    period_end: datetime.date
    group_by: str
    entries: list[TimeEntry]
    expenses: list[ExpenseEntry]
    lines: list[dict]
    totals: object
    minutes: int
    expense_total: Decimal

    @property
    def total_hours(self) -> str:
        return format_minutes(self.minutes)

    @property
    def items(self) -> list[dict]:
        return [line for line in self.lines if line["kind"] == "item"]

    @property
    def is_empty(self) -> bool:
        return not self.entries and not self.expenses


def statement_preview(
    user,
    activity: Activity,
    client: Client,
    period_start: datetime.date,
    period_end: datetime.date,
    group_by: str = GroupBy.WEEK,
) -> Preview:
    """What ``services.build_statement`` would put on the statement (nothing is written).

    Raises ValidationError when an hourly rate is missing (the message says which to set).
    """
    if not permissions.activities(user).filter(pk=activity.pk).exists():
        raise Activity.DoesNotExist
    entries = list(services.billable_entries(activity, client, period_start, period_end))
    expense_rows = list(services.billable_expenses(activity, client, period_start, period_end))
    lines = services.compose_lines(
        activity=activity,
        client=client,
        entries=entries,
        expenses=expense_rows,
        group_by=group_by,
        language=client.language or activity.document_language,
    )
    return Preview(
        client=client,
        period_start=period_start,
        period_end=period_end,
        group_by=group_by,
        entries=sorted(entries, key=lambda e: (e.date, e.pk)),
        expenses=expense_rows,
        lines=lines,
        totals=statement_lines.totals(lines),
        minutes=sum(e.duration for e in entries),
        expense_total=sum((e.amount for e in expense_rows), Decimal("0")),
    )


def unbilled_by_client(user, activity_id: int) -> list[dict]:
    """Per client: billable time and expenses on no statement yet (what the next statements hold)."""
    time = (
        permissions.scoped_by_activity(user, TimeEntry.objects.all())
        .filter(
            activity_id=activity_id,
            billable=True,
            statement__isnull=True,
            quote__isnull=True,
            client__isnull=False,
        )
        .values("client_id", "client__name")
        .annotate(minutes=Sum("duration"), first=Min("date"), last=Max("date"))
        .order_by("client__name")
    )
    spent = (
        permissions.scoped_by_activity(user, ExpenseEntry.objects.all())
        .filter(activity_id=activity_id, statement__isnull=True, client__isnull=False)
        .values("client_id", "client__name")
        .annotate(total=Sum("amount"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    out = {
        row["client_id"]: {
            "client_id": row["client_id"],
            "name": row["client__name"],
            "hours": format_minutes(row["minutes"]),
            "expenses": None,
            "first": row["first"],
            "last": row["last"],
        }
        for row in time
    }
    for row in spent:
        slot = out.setdefault(
            row["client_id"],
            {"client_id": row["client_id"], "name": row["client__name"], "hours": "",
             "first": row["first"], "last": row["last"]},
        )
        slot["expenses"] = row["total"]
        # the period covers the time and the expenses: from the first to the last date of either
        slot["first"] = min(slot["first"], row["first"])
        slot["last"] = max(slot["last"], row["last"])
    return sorted(out.values(), key=lambda r: r["name"].casefold())


def recent_descriptions(user, activity_id: int, limit: int = 15) -> list[str]:
    """What was typed lately in this activity, offered as suggestions (one query)."""
    seen, out = set(), []
    rows = (
        time_entries(user, activity_id=activity_id)
        .select_related(None)
        .values_list("description", flat=True)[:200]
    )
    for text in rows:
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(text)
            if len(out) >= limit:
                break
    return out
