"""Reads of cooperation for pages and the API, always from the user's scope.

A member reads only the exchanges they are part of; staff read totals per member (never the
details); positions are read by the staff of their entity and by the members whose activity takes
part in them or employs the person."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from compagnon import permissions
from compagnon.core.collation import by_name
from compagnon.members.models import ActivityMembership, ActivityRole, Member, MemberStatus
from compagnon.organisation.models import Entity

from .models import (
    BarterExchange,
    ExchangeStatus,
    PositionCharge,
    PositionShare,
    SharedPosition,
    ShareStatus,
)
from .rules import staff_entity_ids

ZERO = Decimal("0")


@dataclass
class Balance:
    member: Member | None
    given: Decimal = ZERO
    received: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.given - self.received


# --- barter -------------------------------------------------------------------------------------


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("entity", "user").filter(pk=s.member_id).first()


def exchanges(user) -> QuerySet[BarterExchange]:
    """The exchanges ``user`` gave or received; nothing for anybody else, staff included."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return BarterExchange.objects.none()
    return BarterExchange.objects.filter(Q(giver_id=s.member_id) | Q(receiver_id=s.member_id)).select_related(
        "giver__user", "receiver__user"
    )


def exchange(user, pk) -> BarterExchange:
    return exchanges(user).get(pk=pk)


def to_confirm(user) -> QuerySet[BarterExchange]:
    s = permissions.scope_for(user)
    return exchanges(user).filter(receiver_id=s.member_id, status=ExchangeStatus.PENDING)


def balances(member_ids) -> dict[int, Balance]:
    """{member id: confirmed hours given and received}: two queries whatever the number."""
    ids = list(member_ids)
    out = {pk: Balance(member=None) for pk in ids}
    confirmed = BarterExchange.objects.filter(status=ExchangeStatus.CONFIRMED)
    for pk, total in confirmed.filter(giver_id__in=ids).values_list("giver_id").annotate(t=Sum("hours")).order_by():
        out[pk].given = total or ZERO
    for pk, total in (
        confirmed.filter(receiver_id__in=ids).values_list("receiver_id").annotate(t=Sum("hours")).order_by()
    ):
        out[pk].received = total or ZERO
    return out


def partners(member: Member) -> list[Balance]:
    """The colleagues ``member`` exchanged with (confirmed or not), with their balances."""
    rows = BarterExchange.objects.filter(Q(giver=member) | Q(receiver=member)).values_list("giver_id", "receiver_id")
    ids = {pk for row in rows for pk in row} - {member.pk}
    people = Member.objects.filter(pk__in=ids).select_related("user").order_by(*by_name("user__last_name", "user__first_name"), "id")
    sums = balances(ids)
    out = []
    for p in people:
        sums[p.pk].member = p
        out.append(sums[p.pk])
    return out


def totals_entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=staff_entity_ids(user)).order_by("name")


def totals_entity(user, pk) -> Entity:
    return totals_entities(user).get(pk=pk)


def totals_members(user, entity_id=None) -> QuerySet[Member]:
    """Members whose totals ``user`` reads: all of their entities for administrators, those of
    their offices for advisors (optionally of one entity)."""
    s = permissions.scope_for(user)
    qs = Member.objects.filter(Q(entity_id__in=s.admin_entities) | Q(office_id__in=s.advisor_offices))
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return (
        qs.exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by(*by_name("user__last_name", "user__first_name"), "id")
    )


def with_balances(members) -> list[Balance]:
    sums = balances([m.pk for m in members])
    for m in members:
        sums[m.pk].member = m
    return [sums[m.pk] for m in members]


# --- shared positions -----------------------------------------------------------------------------


def positions(user) -> QuerySet[SharedPosition]:
    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        return SharedPosition.objects.none()
    q = Q(entity_id__in=staff_entity_ids(user))
    if s.member_id is not None:
        mine = ActivityMembership.objects.filter(member_id=s.member_id).values("activity_id")
        q |= Q(id__in=PositionShare.objects.filter(activity_id__in=mine).values("position_id"))
        q |= Q(employer_id__in=mine)
    return SharedPosition.objects.filter(q).select_related("entity", "employer")


def position(user, pk) -> SharedPosition:
    return positions(user).get(pk=pk)


def shares_of(position: SharedPosition) -> list[PositionShare]:
    return list(position.shares.select_related("activity").order_by("id"))


def charges_of(position: SharedPosition) -> QuerySet[PositionCharge]:
    return position.charges.select_related("entry").order_by("-month")


def share(user, pk) -> PositionShare:
    return PositionShare.objects.select_related("activity", "position__entity").filter(
        position__in=positions(user)
    ).get(pk=pk)


def manageable_entities(user) -> QuerySet[Entity]:
    return totals_entities(user)


def pending_shares(user) -> list[PositionShare]:
    """Shares waiting for an activity the user holds."""
    s = permissions.scope_for(user)
    if not s.member_active:
        return []
    held = ActivityMembership.objects.filter(member_id=s.member_id, role=ActivityRole.HOLDER).values("activity_id")
    return list(
        PositionShare.objects.filter(activity_id__in=held, status=ShareStatus.PENDING, position__ended_on__isnull=True)
        .select_related("activity", "position")
        .order_by("id")
    )
