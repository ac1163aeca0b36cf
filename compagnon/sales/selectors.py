"""Reads of quotes, invoices, credit notes and catalogues. Every function starts from the
permission layer: an object outside the user's scope raises ``DoesNotExist`` (pages answer 404)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from compagnon import permissions
from compagnon.audit.models import AuditEvent
from compagnon.clients.models import Client
from compagnon.core.collation import by_name
from compagnon.members.models import Activity, ActivityStatus

from .models import CatalogueItem, Document, DocumentLine, Kind, State


def _documents(user) -> QuerySet[Document]:
    return permissions.scoped_by_activity(user, Document.objects.all())


def document_list(
    user,
    *,
    kind: str | Iterable[str] = "",
    state: str = "",
    activity_id: int | None = None,
    client_id: int | None = None,
    search: str = "",
) -> QuerySet[Document]:
    """The documents the user may see, newest first. ``kind`` is one kind or several; ``search``
    matches the number, the subject or the client's name (every word must match)."""
    # lists never print the frozen snapshot (~2.4 KB of JSON a document): leave it in the table
    qs = _documents(user).select_related("client", "activity").defer("frozen")
    if kind:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        qs = qs.filter(kind__in=[k for k in kinds if k in Kind.values])
    if state in State.values:
        qs = qs.filter(state=state)
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    if client_id:
        qs = qs.filter(client_id=client_id)
    if search:
        terms = Q()
        for word in search.split()[:5]:
            terms &= (
                Q(number__icontains=word)
                | Q(client__name__icontains=word)
                | Q(title__icontains=word)
            )
        qs = qs.filter(terms)
    return qs.order_by("-created_at", "-id")


def document_for_edit(user, pk: int) -> Document:
    """One document with its client, activity and entity, nothing prefetched: what a write (the
    autosave) needs before the service locks the row again. ``DoesNotExist`` outside the scope."""
    return _documents(user).select_related("client", "activity__entity", "entity").get(pk=pk)


def document_detail(user, pk: int) -> Document:
    """One document with everything its pages print; ``DoesNotExist`` outside the user's scope.

    Four queries: the document (joined to its client, activity and entity only: every further
    join costs PostgreSQL planning time on every page), its lines, its VAT breakdown, and the
    documents made from it (invoices of a quote, credit notes of an invoice) in one query. The
    quote or invoice it comes from (a number and a link) is read only if there is one, when used.
    """
    document = (
        _documents(user)
        .select_related("client", "activity__entity", "entity")
        .prefetch_related(
            Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
            "vat_breakdown",
        )
        .get(pk=pk)
    )
    _attach_derived_documents(document)
    return document


def with_lines_and_vat(document: Document) -> Document:
    """``document`` (already read within the user's scope) with its lines and VAT breakdown."""
    prefetch_related_objects(
        [document], Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")), "vat_breakdown"
    )
    return document


def _attach_derived_documents(document: Document) -> None:
    """Fill ``document.invoices.all()`` and ``document.credit_notes.all()`` from one query, as
    ``prefetch_related`` would with two; none for a draft (invoices are made from accepted quotes,
    credit notes from issued invoices), which the editor and the draft PDF read on every visit."""
    derived = [] if document.state == State.DRAFT else list(
        Document.objects.filter(Q(quote_id=document.pk) | Q(credited_id=document.pk))
        .select_related("client")
        .defer("frozen")
        .order_by("created_at", "id")
    )
    cache = getattr(document, "_prefetched_objects_cache", None)
    if cache is None:
        cache = document._prefetched_objects_cache = {}
    for name, field in (("invoices", "quote_id"), ("credit_notes", "credited_id")):
        rows = [d for d in derived if getattr(d, field) == document.pk]
        qs = getattr(document, name).all()
        qs._result_cache = rows
        qs._prefetch_done = True
        cache[name] = qs


def document_history(user, document: Document, *, limit: int = 50) -> list[AuditEvent]:
    """The document's events; each carries ``document_kind`` so that the history says what the
    document is in the reader's words (“Invoice F2026-00012 issued…”, audit/history.py)."""
    events = list(
        permissions.audit_events(user)
        .filter(object_type=Document._meta.label_lower, object_id=str(document.pk))
        .select_related("actor")[:limit]
    )
    for event in events:
        event.document_kind = document.kind
    return events


def activity(user, pk: int) -> Activity:
    """An activity the user may see; ``DoesNotExist`` otherwise."""
    return permissions.activities(user).select_related("entity").get(pk=pk)


def visible_activities(user) -> QuerySet[Activity]:
    return permissions.activities(user).order_by("name", "id")


def workable_activities(user) -> list[Activity]:
    """The open activities the user works in: where their new documents go."""
    scope = permissions.scope_for(user)
    if not scope.member_active:
        return []
    return list(
        permissions.activities(user)
        .filter(memberships__member_id=scope.member_id)
        .exclude(status=ActivityStatus.CLOSED)
        .select_related("entity")
        .distinct()
        .order_by("name", "id")
    )


def clients_for(user, activity: Activity, *, search: str = "", limit: int = 20) -> list[Client]:
    """Clients of ``activity`` (not archived) matching ``search``, for the new-document picker."""
    qs = permissions.scoped_by_activity(user, Client.objects.filter(activity=activity, archived=False))
    for word in search.split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(city__icontains=word) | Q(email__icontains=word))
    return list(qs.order_by(*by_name("name"), "id")[:limit])


def client(user, activity: Activity, pk: int) -> Client:
    return permissions.scoped_by_activity(user, Client.objects.filter(activity=activity)).get(pk=pk)


def catalogue(user, activity: Activity, *, active: bool | None = True) -> QuerySet[CatalogueItem]:
    """The catalogue of ``activity`` (active items by default; ``None`` for all)."""
    qs = permissions.scoped_by_activity(user, CatalogueItem.objects.filter(activity=activity))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("name", "id")


def catalogue_item(user, activity: Activity, pk: int) -> CatalogueItem:
    return catalogue(user, activity, active=None).get(pk=pk)


def client_timeline(user, client, *, limit: int = 50) -> list[dict]:
    """The client's documents as items of the client's timeline (see clients.selectors.timeline)."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from .templatetags.sales_tags import amount

    docs = permissions.scoped_by_activity(user, Document.objects.filter(client_id=client.pk)).order_by("-created_at", "-id")
    return [
        {
            "date": d.issue_date or timezone.localtime(d.created_at).date(),
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "title": f"{d.number or gettext('not numbered yet')} · {amount(d.tax_inclusive)} €",  # the badge says the kind
            "body": d.get_state_display(),
            "url": reverse("document-detail", args=[d.pk]),
        }
        for d in docs[:limit]
    ]


EXPIRING_WITHIN_DAYS = 7
TO_INVOICE = (State.ACCEPTED, State.IN_PRODUCTION, State.PARTIALLY_INVOICED)
LEGAL_KINDS = (Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE)


def _waiting(today: datetime.date) -> dict[str, Q]:
    """What makes a document wait for the member, by kind of to-do (the kinds are disjoint)."""
    soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    return {
        "to_invoice": Q(kind__in=[Kind.QUOTE, Kind.STATEMENT], state__in=TO_INVOICE),
        "not_sent": Q(kind__in=LEGAL_KINDS, state=State.ISSUED, sent_at__isnull=True),
        "expiring": Q(kind=Kind.QUOTE, state=State.SENT, valid_until__gte=today, valid_until__lte=soon),
        "statements": Q(kind=Kind.STATEMENT, state=State.SENT),
        "drafts": Q(state=State.DRAFT),
    }


# Among waiting documents, the state (and kind) alone tell the kinds apart: the expressions that
# classify and sort them stay short (they are compiled at every request).
_KIND_OF_TO_DO = Case(
    When(state__in=TO_INVOICE, then=Value("to_invoice")),
    When(state=State.ISSUED, then=Value("not_sent")),
    When(state=State.DRAFT, then=Value("drafts")),
    When(kind=Kind.QUOTE, then=Value("expiring")),
    default=Value("statements"),
    output_field=CharField(),
)
# oldest first: accepted since, issued on, valid until, sent on; drafts: the latest touched first
_OLDEST_FIRST = Case(
    When(state__in=TO_INVOICE, then=F("decided_at")),
    When(state=State.ISSUED, then=Cast("issue_date", DateTimeField())),
    When(kind=Kind.QUOTE, state=State.SENT, then=Cast("valid_until", DateTimeField())),
    When(state=State.SENT, then=F("sent_at")),
    output_field=DateTimeField(),
)
_LATEST_DRAFT = Case(When(state=State.DRAFT, then=F("updated_at")), output_field=DateTimeField())


def documents_to_do(user, activity_ids, *, today=None, first: int = 5) -> dict[str, tuple[int, list[Document]]]:
    """What waits for the member among the documents of ``activity_ids`` (those the user sees), by
    kind: accepted quotes and statements still to invoice, issued documents never sent, quotes
    whose validity ends within a week, statements awaiting the client's answer, drafts. For each
    kind: how many, and the ``first`` most urgent (oldest first; drafts: the latest touched). Two
    queries whatever the number of activities or documents: a row number and a count per kind on
    narrow rows, then the few rows shown."""
    today = today or timezone.localdate()
    kinds = _waiting(today)
    waiting = Q()
    for condition in kinds.values():
        waiting |= condition
    # ranked on narrow rows (no join): the sort and the counts touch only what they need…
    ranked = (
        _documents(user)
        .filter(waiting, activity_id__in=list(activity_ids))
        .annotate(to_do=_KIND_OF_TO_DO)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("to_do")],
                        order_by=[_LATEST_DRAFT.desc(nulls_last=True), _OLDEST_FIRST.asc(nulls_last=True),
                                  F("id").asc()]),
            to_do_count=Window(Count("id"), partition_by=[F("to_do")]),
        )
        .filter(rank__lte=first)
        .values_list("id", "to_do", "rank", "to_do_count")
    )
    top = {pk: (to_do, rank, count) for pk, to_do, rank, count in ranked}
    # … then the few rows shown are read with their client and activity
    shown = (
        Document.objects.filter(pk__in=list(top))
        .select_related("client", "activity")
        .only("id", "kind", "state", "number", "activity_id", "client_id", "decided_at", "issue_date",
              "valid_until", "sent_at", "updated_at", "client__name", "activity__name")
    )
    out: dict[str, tuple[int, list[Document]]] = {key: (0, []) for key in kinds}
    for row in sorted(shown, key=lambda d: top[d.pk][1]):
        to_do, _rank, count = top[row.pk]
        out[to_do] = (count, [*out[to_do][1], row])
    return out


TO_DO_FIELDS = ("id", "kind", "state", "number", "activity_id", "decided_at", "issue_date", "valid_until",
                "sent_at", "updated_at", "client__name", "activity__name")


def documents_to_do_rows(user, activity_ids, *, today=None, first: int = 5) -> dict[str, tuple[int, list[dict]]]:
    """As :func:`documents_to_do`, in one query and as dicts of :data:`TO_DO_FIELDS` (the member's
    home, which shows a few words of each): the ranked rows carry their client's and activity's
    names. Same kinds, counts and order."""
    kinds = _waiting(today or timezone.localdate())
    waiting = Q()
    for condition in kinds.values():
        waiting |= condition
    rows = (
        _documents(user)
        .filter(waiting, activity_id__in=list(activity_ids))
        .annotate(to_do=_KIND_OF_TO_DO)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("to_do")],
                        order_by=[_LATEST_DRAFT.desc(nulls_last=True), _OLDEST_FIRST.asc(nulls_last=True),
                                  F("id").asc()]),
            to_do_count=Window(Count("id"), partition_by=[F("to_do")]),
        )
        .filter(rank__lte=first)
        .order_by()
        .values(*TO_DO_FIELDS, "to_do", "rank", "to_do_count")
    )
    out: dict[str, tuple[int, list[dict]]] = {key: (0, []) for key in kinds}
    for row in sorted(rows, key=lambda r: r["rank"]):
        out[row["to_do"]] = (row["to_do_count"], [*out[row["to_do"]][1], row])
    return out
