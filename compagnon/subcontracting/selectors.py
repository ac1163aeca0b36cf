"""Reads of internal subcontracting for pages and the API, always from the user's scope.

A subcontract is seen by the people working in either of its two activities, by the entity's
administrators and by the advisors of the members of either activity — nobody else (not other
members, not support agents, not the accountant through these pages: the accountant reads the
entries in the books)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from compagnon import permissions
from compagnon.core.collation import by_name
from compagnon.members.models import Activity, ActivityMembership, ActivityRole, ActivityStatus
from compagnon.organisation.models import Entity
from compagnon.sales.models import Document, Kind, State

from .models import InternalInvoice, Status, Subcontract


def my_activity_ids(user):
    s = permissions.scope_for(user)
    if s.member_id is None or not s.member_active:
        return ActivityMembership.objects.none().values("activity_id")
    return ActivityMembership.objects.filter(member_id=s.member_id).values("activity_id")


def held_activities(user) -> QuerySet[Activity]:
    """The open activities the user holds: those that may ask for work."""
    s = permissions.scope_for(user)
    if s.member_id is None or not s.member_active:
        return Activity.objects.none()
    held = ActivityMembership.objects.filter(member_id=s.member_id, role=ActivityRole.HOLDER).values("activity_id")
    return (
        Activity.objects.filter(id__in=held).exclude(status=ActivityStatus.CLOSED)
        .select_related("entity").order_by(*by_name("name"), "id")
    )


def directory(entity_id, *, exclude=()) -> QuerySet[Activity]:
    """The entity's open activities (names only reach the page): whom work may be asked of."""
    return (
        Activity.objects.filter(entity_id=entity_id).exclude(status=ActivityStatus.CLOSED)
        .exclude(pk__in=list(exclude)).order_by(*by_name("name"), "id")
    )


def client_documents(user, activities) -> QuerySet[Document]:
    """The quotes and invoice drafts of ``activities`` (held by the user) a subcontract may be tied to."""
    qs = permissions.scoped_by_activity(user, Document.objects.filter(activity__in=activities))
    return (
        qs.filter(Q(kind=Kind.QUOTE) & ~Q(state__in=[State.REFUSED, State.EXPIRED]) | Q(kind=Kind.INVOICE, state=State.DRAFT))
        .select_related("client", "activity").order_by("-created_at", "-id")
    )


def _visible_q(user) -> Q | None:
    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        return None
    q = Q(entity_id__in=s.admin_entities)
    if s.advisor_offices:
        advised = ActivityMembership.objects.filter(member__office_id__in=s.advisor_offices).values("activity_id")
        q |= Q(ordering_id__in=advised) | Q(provider_id__in=advised)
    if s.member_id is not None and s.member_active:
        mine = my_activity_ids(user)
        q |= Q(ordering_id__in=mine) | Q(provider_id__in=mine)
    return q


def subcontracts(user) -> QuerySet[Subcontract]:
    q = _visible_q(user)
    if q is None:
        return Subcontract.objects.none()
    return Subcontract.objects.filter(q).select_related("entity", "ordering", "provider", "client_document")


def subcontract(user, pk) -> Subcontract:
    return subcontracts(user).get(pk=pk)


def asked(user) -> QuerySet[Subcontract]:
    """The work my activities asked for."""
    return subcontracts(user).filter(ordering_id__in=my_activity_ids(user))


def received(user) -> QuerySet[Subcontract]:
    """The work asked of my activities."""
    return subcontracts(user).filter(provider_id__in=my_activity_ids(user))


def to_answer(user) -> QuerySet[Subcontract]:
    s = permissions.scope_for(user)
    if s.member_id is None or not s.member_active:
        return Subcontract.objects.none()
    held = ActivityMembership.objects.filter(member_id=s.member_id, role=ActivityRole.HOLDER).values("activity_id")
    return subcontracts(user).filter(provider_id__in=held, status=Status.PENDING)


def internal_invoices(user) -> QuerySet[InternalInvoice]:
    return InternalInvoice.objects.filter(subcontract__in=subcontracts(user)).select_related(
        "subcontract", "client_invoice", "corrects"
    )


def internal_invoice(user, pk) -> InternalInvoice:
    return internal_invoices(user).select_related("entity", "subcontract__ordering", "subcontract__provider").get(pk=pk)


def invoices_of(subcontract: Subcontract) -> list[InternalInvoice]:
    return list(subcontract.internal_invoices.select_related("corrects").order_by("issue_date", "id"))


def staff_entities(user) -> QuerySet[Entity]:
    s = permissions.scope_for(user)
    return Entity.objects.filter(id__in=s.admin_entities | s.advisor_entities).order_by("name")


def entity_subcontracts(user, entity) -> QuerySet[Subcontract]:
    """The staff list of an entity: all of it for its administrators, their offices' for advisors."""
    return subcontracts(user).filter(entity=entity).order_by("-created_at", "-id")


def admin_entities(user) -> QuerySet[Entity]:
    s = permissions.scope_for(user)
    return Entity.objects.filter(id__in=s.admin_entities).order_by("name")
