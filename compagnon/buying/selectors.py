"""Reads of buying together for pages and the API, always from the user's scope.

The supplier base and the group purchases of an entity are read by its active members and its
staff (administrators, advisors, accountants); nobody else. A member sees the total quantity of a
group purchase and the quantities of their own activities; whoever opened it and the staff see
every participant."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from compagnon import permissions
from compagnon.core.collation import by_name
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Member,
)
from compagnon.organisation.models import Entity
from compagnon.purchases.models import Supplier, SupplierInvoice

from .models import GroupPurchase, GroupState, Participation, SupplierRating
from .rules import member_entity_id, staff_entity_ids

ZERO = Decimal("0")
PAST = (GroupState.CANCELLED, GroupState.CLOSED)
SHOWS = ("open", "mine", "past")


def entity_ids(user) -> set[int]:
    ids = set(staff_entity_ids(user))
    own = member_entity_id(user)
    if own is not None:
        ids.add(own)
    return ids


def entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=entity_ids(user)).order_by("name")


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if not s.member_active:
        return None
    return Member.objects.select_related("entity", "user").filter(pk=s.member_id).first()


# --- the supplier base ---------------------------------------------------------------------------


def suppliers(user, *, q: str = "", category: str = "", entity_id: int | None = None) -> QuerySet[Supplier]:
    """The suppliers of the user's entities, with their terms, average rating and number of
    ratings (one query whatever the number)."""
    qs = Supplier.objects.filter(entity_id__in=entity_ids(user))
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if category:
        qs = qs.filter(category=category)
    return (
        qs.select_related("entity", "terms")
        .annotate(rating_average=Avg("ratings__stars"), rating_count=Count("ratings", distinct=True))
        .order_by(*by_name("name"), "id")
    )


def supplier(user, pk) -> Supplier:
    return suppliers(user).get(pk=pk)


def ratings_of(user, supplier: Supplier) -> list[SupplierRating]:
    """The ratings shown on a supplier's page; a hidden comment is shown to staff only (marked)."""
    rows = list(supplier.ratings.select_related("member__user").order_by("-updated_at", "-id"))
    if user.has_perm("buying.moderate", supplier):
        return rows
    for r in rows:
        if r.hidden:
            r.comment = ""
    return rows


def own_rating(user, supplier: Supplier) -> SupplierRating | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return SupplierRating.objects.filter(supplier=supplier, member_id=s.member_id).first()


def rating(user, pk) -> SupplierRating:
    return SupplierRating.objects.select_related("supplier", "member__user").filter(
        supplier__entity_id__in=entity_ids(user)).get(pk=pk)


# --- group purchases -----------------------------------------------------------------------------


def my_activity_ids(user) -> list[int]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return []
    return list(ActivityMembership.objects.filter(member_id=s.member_id).values_list("activity_id", flat=True))


def groups(user, show: str = "") -> QuerySet[GroupPurchase]:
    """The group purchases of the user's entities, with their total quantity; ``show``: "open",
    "mine" (opened by me or joined by one of my activities) or "past" (cancelled or closed)."""
    qs = GroupPurchase.objects.filter(entity_id__in=entity_ids(user))
    if show == "open":
        qs = qs.filter(state=GroupState.OPEN)
    elif show == "mine":
        mine = Participation.objects.filter(activity_id__in=my_activity_ids(user)).values("group_id")
        qs = qs.filter(Q(opened_by_id=user.pk) | Q(id__in=mine))
    elif show == "past":
        qs = qs.filter(state__in=PAST)
    return qs.select_related("supplier", "entity", "opened_by").annotate(
        total_quantity=Coalesce(Sum("participations__quantity"), ZERO),
        participant_count=Count("participations"),
    )


def group(user, pk) -> GroupPurchase:
    return groups(user).get(pk=pk)


def participations(user, group: GroupPurchase) -> list[Participation]:
    """Every participant for its opener and the staff; only the user's own activities for others."""
    qs = group.participations.select_related("activity", "member__user").order_by(*by_name("activity__name"), "id")
    if user.has_perm("buying.manage_group", group):
        return list(qs)
    return list(qs.filter(activity_id__in=my_activity_ids(user)))


def total_quantity(group: GroupPurchase) -> Decimal:
    return group.participations.aggregate(t=Coalesce(Sum("quantity"), ZERO))["t"]


def joinable_activities(user, entity_id: int) -> QuerySet[Activity]:
    """The open activities of ``entity_id`` the user holds: the ones they may commit to a purchase."""
    s = permissions.scope_for(user)
    if not s.member_active:
        return Activity.objects.none()
    held = ActivityMembership.objects.filter(member_id=s.member_id, role=ActivityRole.HOLDER).values("activity_id")
    return (Activity.objects.filter(id__in=held, entity_id=entity_id).exclude(status=ActivityStatus.CLOSED)
            .order_by(*by_name("name"), "id"))


def linkable_invoices(user, group: GroupPurchase) -> QuerySet[SupplierInvoice]:
    """Invoices (not credit notes) of the group's supplier the user sees, not cancelled, not yet
    split or linked to another group purchase."""
    qs = permissions.scoped_by_activity(user, SupplierInvoice.objects.filter(
        supplier_id=group.supplier_id, entity_id=group.entity_id))
    return (qs.exclude(kind="credit_note").exclude(state__in=("cancelled", "rejected"))
            .exclude(group_purchases__isnull=False).exclude(group_split__isnull=False)
            .select_related("activity").order_by("-created_at", "-id"))
