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
)
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from compagnon import permissions
from compagnon.audit.models import AuditEvent
from compagnon.clients.models import Client
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


def document_detail(user, pk: int) -> Document:
    """One document with everything its pages print; ``DoesNotExist`` outside the user's scope."""
    related = Document.objects.select_related("client").order_by("created_at", "id")
    return (
        _documents(user)
        .select_related("client", "activity__entity", "entity", "quote", "credited", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
            "vat_breakdown",
            Prefetch("invoices", queryset=related),
            Prefetch("credit_notes", queryset=related),
        )
        .get(pk=pk)
    )


def document_history(user, document: Document, *, limit: int = 50) -> list[AuditEvent]:
    return list(
        permissions.audit_events(user)
        .filter(object_type=Document._meta.label_lower, object_id=str(document.pk))
        .select_related("actor")[:limit]
    )


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
    return list(qs.order_by("name", "id")[:limit])


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

    from .templatetags.sales_tags import amount

    docs = permissions.scoped_by_activity(user, Document.objects.filter(client_id=client.pk)).order_by("-created_at", "-id")
    return [
        {
            "date": d.issue_date or timezone.localtime(d.created_at).date(),
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "title": f"{d.number or d.get_kind_display()} · {amount(d.tax_inclusive)} €",
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
