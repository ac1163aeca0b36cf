"""Reads of clients for pages and the API. Every function starts from the permission layer."""

from __future__ import annotations

import re

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from compagnon import permissions
from compagnon.audit.models import AuditEvent
from compagnon.core.collation import by_name
from compagnon.members.models import Activity, ActivityStatus

from .models import COMMITMENT_KINDS, Client, ClientImport, Contact, RelationshipEntry


def _scoped_clients(user) -> QuerySet[Client]:
    return permissions.scoped_by_activity(user, Client.objects.all())


def _open_commitments_count():
    return Coalesce(
        Subquery(
            RelationshipEntry.objects.filter(
                client=OuterRef("pk"), kind__in=COMMITMENT_KINDS, done=False
            )
            .order_by()
            .values("client")
            .annotate(n=Count("*"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def client_list(
    user,
    *,
    search: str = "",
    kind: str = "",
    archived: bool | None = False,
    activity_id: int | None = None,
) -> QuerySet[Client]:
    """Clients the user may see. ``archived``: False (the default) hides archived clients, True
    shows only them, None shows both."""
    qs = (
        _scoped_clients(user)
        .select_related("activity")
        .annotate(open_commitments=_open_commitments_count())
    )
    if search:
        terms = Q()
        for word in search.split()[:5]:
            word_q = (
                Q(name__icontains=word)
                | Q(email__icontains=word)
                | Q(city__icontains=word)
                | Q(postcode__istartswith=word)
                | Q(company_number__icontains=word)
                | Q(vat_number__icontains=word)
                | Exists(
                    Contact.objects.filter(client=OuterRef("pk")).filter(
                        Q(name__icontains=word) | Q(email__icontains=word)
                    )
                )
            )
            terms &= word_q
        compact = re.sub(r"[\s.\-]", "", search)
        if compact.isdigit() and compact != search:
            # "0403.019.261", "403 019 261": a company number typed with its usual separators
            terms |= Q(company_number__contains=compact) | Q(vat_number__contains=compact)
        qs = qs.filter(terms)
    if kind:
        qs = qs.filter(kind=kind)
    if archived is not None:
        qs = qs.filter(archived=archived)
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by(*by_name("name"), "id")


def client_detail(user, pk: int) -> Client:
    """The client if visible to ``user``; raises Client.DoesNotExist otherwise (views: 404)."""
    return _scoped_clients(user).select_related("activity__entity").get(pk=pk)


def contacts(user, client: Client) -> QuerySet[Contact]:
    return permissions.scoped_by_activity(
        user, Contact.objects.filter(client=client), "client__activity"
    )


def relationship_entries(user, client: Client) -> QuerySet[RelationshipEntry]:
    return (
        permissions.scoped_by_activity(
            user, RelationshipEntry.objects.filter(client=client), "client__activity"
        )
        .select_related("author")
        .order_by("-date", "-created_at", "-id")
    )


def open_commitments(user, client: Client) -> list[RelationshipEntry]:
    """Promises not kept yet, the most urgent first (no due date last)."""
    entries = relationship_entries(user, client).filter(kind__in=COMMITMENT_KINDS, done=False)
    return sorted(entries, key=lambda e: (e.due_on is None, e.due_on or e.date, e.date, e.pk))


def entry_detail(user, client: Client, pk: int) -> RelationshipEntry:
    return relationship_entries(user, client).get(pk=pk)


# Other contexts add their items to a client's timeline (sales: the client's documents) by
# registering a function ``provider(user, client) -> list[dict]`` from their AppConfig.ready().
TIMELINE_PROVIDERS: list = []


def register_timeline(provider):
    if provider not in TIMELINE_PROVIDERS:
        TIMELINE_PROVIDERS.append(provider)
    return provider


def timeline(user, client: Client, *, limit: int | None = None) -> list[dict]:
    """What happened with a client, newest first: a list of dicts other contexts append to.

    Every item has ``date`` (a date), ``kind``, ``title``, ``body`` and ``url``; the relationship
    log adds ``kind_label``, ``author`` and ``entry`` (the RelationshipEntry). A context adding
    items (documents, payments…) calls :func:`sort_timeline` on the merged list.
    """
    url = reverse("client-detail", args=[client.pk])
    entries = relationship_entries(user, client)
    if limit:
        entries = entries[:limit]
    items = [
        {
            "date": e.date,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "title": e.title,
            "body": e.body,
            "url": f"{url}#entry-{e.pk}",
            "author": str(e.author) if e.author else "",
            "entry": e,
        }
        for e in entries
    ]
    for provider in TIMELINE_PROVIDERS:
        items += provider(user, client)
    return sort_timeline(items)


def sort_timeline(items: list[dict]) -> list[dict]:
    """Newest first; items of the same day keep their order (a stable sort)."""
    return sorted(items, key=lambda item: item["date"], reverse=True)


def client_history(user, client: Client, *, limit: int = 20) -> list[AuditEvent]:
    return list(
        permissions.audit_events(user)
        .filter(object_type=Client._meta.label_lower, object_id=str(client.pk))
        .select_related("actor")[:limit]
    )


def activities_for_new_client(user) -> list[Activity]:
    """The activities this user works in (not closed): where their new clients go.

    Entity administrators may add clients to any activity of their entity too; pages reach those
    through an explicit ``?activity=`` so they never list thousands of activities.
    """
    scope = permissions.scope_for(user)
    if not scope.member_active:
        return []
    return list(
        permissions.activities(user)
        .filter(memberships__member_id=scope.member_id)
        .exclude(status=ActivityStatus.CLOSED)
        .select_related("entity")
        .order_by("name", "id")
    )


def visible_activity(user, pk: int | None) -> Activity | None:
    if not pk:
        return None
    return permissions.activities(user).select_related("entity").filter(pk=pk).first()


def client_imports(user, *, activity_id: int | None = None, limit: int = 20) -> QuerySet:
    qs = permissions.scoped_by_activity(user, ClientImport.objects.all()).select_related(
        "activity", "uploaded_by"
    )
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-created_at", "-id")[:limit] if limit else qs.order_by("-created_at", "-id")


def client_import_detail(user, pk: int) -> ClientImport:
    return (
        permissions.scoped_by_activity(user, ClientImport.objects.all())
        .select_related("activity__entity", "uploaded_by")
        .get(pk=pk)
    )


def commitments_due(user, activity_ids, *, until) -> QuerySet[RelationshipEntry]:
    """Promises made to or by clients of ``activity_ids`` (those the user sees), not kept yet and
    due by ``until`` (overdue ones included), the most urgent first."""
    return (
        permissions.scoped_by_activity(
            user, RelationshipEntry.objects.all(), field="client__activity"
        )
        .filter(
            client__activity_id__in=list(activity_ids),
            kind__in=COMMITMENT_KINDS,
            done=False,
            due_on__lte=until,
        )
        .select_related("client__activity")
        .order_by("due_on", "id")
    )
