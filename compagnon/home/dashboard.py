"""The member's dashboard: money figures per activity and in total, and what waits for them.

On the top floor: it composes the selectors of the contexts that own each figure (payments: what
is owed and cashed; ledger: the year's revenue and result; sales, timesheets, dunning, clients:
the to-dos). Every read goes through those selectors, so the permission layer decides. The cost
is a fixed number of queries whatever the number of activities or documents: two for the money,
one for the books, two for the documents that wait (every kind at once), one each for the
collection steps and the client commitments (a list and its count in one query).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.budget.explain import amount_formatter
from compagnon.clients import selectors as client_selectors
from compagnon.dunning import selectors as dunning_selectors
from compagnon.dunning.models import StepKind
from compagnon.ledger import selectors as ledger_selectors
from compagnon.payments import selectors as payment_selectors
from compagnon.sales import selectors as sales_selectors
from compagnon.sales.models import Kind, State

ZERO = Decimal("0.00")
FIGURES = ("owed", "overdue", "cashed", "revenue", "result")
COUNTS = ("owed_count", "overdue_count", "cashed_count")
TODO_LIMIT = 3  # items shown per kind of to-do (short on a phone); the count says how many there are
COMMITMENTS_WITHIN_DAYS = 7


@dataclass
class Figures:
    owed: Decimal = ZERO  # what clients still owe on issued invoices
    owed_count: int = 0
    overdue: Decimal = ZERO  # of which past the due date
    overdue_count: int = 0
    cashed: Decimal = ZERO  # received this month
    cashed_count: int = 0
    revenue: Decimal = ZERO  # the year's sales, excl. VAT
    result: Decimal = ZERO  # the year's income minus expenses

    def add(self, other: Figures) -> None:
        for name in FIGURES + COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def shown(self, fmt) -> dict[str, str]:
        """The amounts in the reader's format, for the page (one formatter for the whole table)."""
        return {name: fmt(getattr(self, name)) for name in FIGURES}


@dataclass
class ActivityFigures:
    activity: object
    figures: Figures
    url: str = ""  # the activity's money page
    shown: dict = field(default_factory=dict)  # figures formatted for the page


_PK = 2147483647  # stands for the pk in a reversed URL


def urls_by_pk(name: str, pks) -> dict[int, str]:
    """``reverse(name, args=[pk])`` for many pks with one call: the home page links 50 activities
    three times, and ``{% url %}`` costs ~18 µs each."""
    pattern = reverse(name, args=[_PK])
    return {pk: pattern.replace(str(_PK), str(pk)) for pk in pks}


@dataclass
class Money:
    today: datetime.date
    activities: list[ActivityFigures]
    total: Figures = field(default_factory=Figures)
    total_shown: dict = field(default_factory=dict)


def money(user, activities, *, today: datetime.date | None = None) -> Money:
    """The figures of each of ``activities`` (as the user may see them) and their total."""
    today = today or timezone.localdate()
    ids = [a.pk for a in activities]
    cash = payment_selectors.money_by_activity(user, ids, today=today)
    books = ledger_selectors.year_figures_by_activity(user, ids, year=today.year)
    out = Money(today=today, activities=[])
    urls = urls_by_pk("activity-money", ids)
    fmt = amount_formatter()
    for a in activities:
        c, b = cash[a.pk], books[a.pk]
        figures = Figures(
            owed=c["owed"], owed_count=c["owed_count"], overdue=c["overdue"],
            overdue_count=c["overdue_count"], cashed=c["cashed"], cashed_count=c["cashed_count"],
            revenue=b["revenue"], result=b["result"],
        )
        out.activities.append(
            ActivityFigures(activity=a, figures=figures, url=urls[a.pk], shown=figures.shown(fmt))
        )
        out.total.add(figures)
    out.total_shown = out.total.shown(fmt)
    return out


# --- to-dos ----------------------------------------------------------------------------------


@dataclass
class TodoItem:
    text: str
    detail: str
    url: str
    activity: str


@dataclass
class Todo:
    key: str
    title: str
    count: int
    items: list[TodoItem]

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _first(queryset, *fields, limit: int = TODO_LIMIT) -> tuple[int, list[dict]]:
    """The first ``limit`` rows and how many there are, in one query (a window count). Only
    ``fields`` are read, as dicts: the list shows a few words of each row, and whole rows with
    their related ones (a document has ~60 columns) cost more to plan, send and build."""
    rows = list(queryset.annotate(todo_total=Window(Count("id"))).values(*fields, "todo_total")[:limit])
    return (rows[0]["todo_total"] if rows else 0), rows


def _step_kind(kind: str) -> str:
    return str(StepKind(kind).label) if kind in StepKind.values else kind


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _document_url(d) -> str:
    if d["kind"] == Kind.STATEMENT:
        return reverse("time-statement-detail", args=[d["activity_id"], d["id"]])
    return reverse("document-detail", args=[d["id"]])


def _document_name(d) -> str:
    if d["number"]:
        return d["number"]
    name = _("%(kind)s (draft)") % {"kind": Kind(d["kind"]).label}
    return name[:1].upper() + name[1:]


def _document_item(d, detail: str) -> TodoItem:
    """``d``: a row of ``sales.selectors.documents_to_do_rows``."""
    text = f"{_document_name(d)} · {d['client__name']}"
    return TodoItem(text=text, detail=detail, url=_document_url(d), activity=d["activity__name"])


def todos(user, activity_ids, *, today: datetime.date | None = None) -> list[Todo]:
    """What waits for the member in ``activity_ids``, by kind, the most pressing kinds first.
    Kinds with nothing waiting are left out: an empty list means all is clear."""
    today = today or timezone.localdate()
    ids = list(activity_ids)
    if not ids:
        return []
    docs = sales_selectors.documents_to_do_rows(user, ids, today=today, first=TODO_LIMIT)
    out: list[Todo] = []

    def add(key, found, title, item):
        count, rows = found
        if count:
            out.append(Todo(key=key, title=title(count) % {"n": count}, count=count,
                            items=[item(row) for row in rows]))

    def when(value) -> str:
        return _day(timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value)

    add("to_invoice", docs["to_invoice"],
        lambda n: ngettext("%(n)s accepted quote to invoice", "%(n)s accepted quotes to invoice", n),
        lambda d: _document_item(d, _("accepted on %(date)s") % {"date": when(d["decided_at"])}
                                 if d["decided_at"] else str(State(d["state"]).label)))
    add("approvals", _first(dunning_selectors.actions_awaiting_ok(user, ids), "document_id", "kind", "due_on",
                            "step__label", "document__number", "client__name", "activity__name"),
        lambda n: ngettext("%(n)s collection step waits for your OK", "%(n)s collection steps wait for your OK", n),
        lambda a: TodoItem(
            text=f"{a['step__label'] or _step_kind(a['kind'])} · {a['document__number']} · {a['client__name']}",
            detail=_("planned for %(date)s") % {"date": _day(a["due_on"])},
            url=reverse("document-detail", args=[a["document_id"]]), activity=a["activity__name"]))
    add("commitments", _first(client_selectors.commitments_due(
        user, ids, until=today + datetime.timedelta(days=COMMITMENTS_WITHIN_DAYS)),
        "title", "due_on", "client_id", "client__name", "client__activity__name"),
        lambda n: ngettext("%(n)s client commitment due", "%(n)s client commitments due", n),
        lambda e: TodoItem(
            text=f"{e['title']} · {e['client__name']}",
            detail=(_("overdue since %(date)s") if e["due_on"] < today else _("due on %(date)s"))
            % {"date": _day(e["due_on"])},
            url=reverse("client-detail", args=[e["client_id"]]), activity=e["client__activity__name"]))
    add("not_sent", docs["not_sent"],
        lambda n: ngettext("%(n)s document issued but not sent", "%(n)s documents issued but not sent", n),
        lambda d: _document_item(d, _("issued on %(date)s") % {"date": when(d["issue_date"])}))
    add("expiring", docs["expiring"],
        lambda n: ngettext("%(n)s quote expires within a week", "%(n)s quotes expire within a week", n),
        lambda d: _document_item(d, _("valid until %(date)s") % {"date": when(d["valid_until"])}))
    add("statements", docs["statements"],
        lambda n: ngettext("%(n)s statement awaits the client's answer",
                           "%(n)s statements await the client's answer", n),
        lambda d: _document_item(d, _("sent on %(date)s") % {"date": when(d["sent_at"])} if d["sent_at"] else ""))
    add("drafts", docs["drafts"],
        lambda n: ngettext("%(n)s draft to finish", "%(n)s drafts to finish", n),
        lambda d: _document_item(d, _("changed on %(date)s") % {"date": when(d["updated_at"])}))
    return out
