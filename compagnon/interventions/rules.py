"""Who sees and does what at the client's. Built on ``compagnon.fieldwork.rules`` (which visits a
user sees) and ``compagnon.permissions``.

Seeing
------
* presences and sheets follow their visit: a member sees those of their own visits, of their
  sectors' visits and of their activities' visits; the entity's staff read them all;
* a presence's **position** only to the member who recorded it and to the members and lead of the
  visit's sector (``sees_position``): never to anyone else, and never as a track (two moments);
* stock and equipment: the members and lead of the sector, the entity's staff;
* a client sees their sheet through its secret link only (``Sheet.client_token``).

Doing (``interventions.*``)
---------------------------
* ``record_presence`` (visit) and ``fill_sheet`` (sheet): the member the visit is assigned to,
  while active;
* ``manage_stock`` and ``book_equipment`` (sector): active members and the lead of the sector,
  advisors and administrators of the entity;
* ``manage_home_code`` (client or contract of a visit): whoever may plan the visit.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from compagnon import permissions
from compagnon.fieldwork import rules as fieldwork_rules

from .models import Equipment, EquipmentBooking, HomeCode, Presence, Sheet, StockItem


def member_id(user) -> int | None:
    return permissions.scope_for(user).member_id


# --- scopes -----------------------------------------------------------------------------------


def presences(user) -> QuerySet[Presence]:
    return Presence.objects.filter(visit__in=fieldwork_rules.visits(user).values("id"))


def sheets(user) -> QuerySet[Sheet]:
    return Sheet.objects.filter(visit__in=fieldwork_rules.visits(user).values("id"))


def _sector_q(user, field: str = "sector_id") -> Q:
    return Q(**{f"{field}__in": fieldwork_rules.my_sector_ids(user)}) | Q(
        **{f"{field.replace('_id', '')}__entity_id__in": fieldwork_rules.reader_entity_ids(user)}
    )


def stock_items(user) -> QuerySet[StockItem]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return StockItem.objects.none()
    return StockItem.objects.filter(_sector_q(user))


def equipment(user) -> QuerySet[Equipment]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return Equipment.objects.none()
    return Equipment.objects.filter(_sector_q(user))


def bookings(user) -> QuerySet[EquipmentBooking]:
    return EquipmentBooking.objects.filter(equipment__in=equipment(user).values("id"))


def home_codes(user) -> QuerySet[HomeCode]:
    """Codes of the clients whose visits the user may plan or sees in their sectors."""
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return HomeCode.objects.none()
    return HomeCode.objects.filter(client_id__in=fieldwork_rules.visits(user).values("client_id"))


# --- reading a position -------------------------------------------------------------------------


def sees_position(user, presence: Presence) -> bool:
    """The member who recorded it, the members and lead of the visit's sector."""
    me = member_id(user)
    if me is None:
        return False
    if presence.member_id == me:
        return True
    sector_id = presence.visit.sector_id
    return sector_id is not None and sector_id in fieldwork_rules.my_sector_ids(user)


# --- predicates -------------------------------------------------------------------------------


@rules.predicate
def is_visit_member(user, visit) -> bool:
    me = member_id(user)
    return (
        visit is not None
        and me is not None
        and visit.member_id == me
        and permissions.scope_for(user).member_active
    )


@rules.predicate
def is_sheet_member(user, sheet) -> bool:
    return sheet is not None and is_visit_member.test(user, sheet.visit)


@rules.predicate
def works_in_sector(user, sector) -> bool:
    return (
        sector is not None
        and permissions.scope_for(user).member_active
        and sector.pk in fieldwork_rules.my_sector_ids(user)
    )


@rules.predicate
def manages_sector_entity(user, sector) -> bool:
    return sector is not None and sector.entity_id in fieldwork_rules.manager_entity_ids(user)


rules.add_perm("interventions.record_presence", is_visit_member)
rules.add_perm("interventions.fill_sheet", is_sheet_member)
rules.add_perm("interventions.manage_stock", works_in_sector | manages_sector_entity)
rules.add_perm("interventions.book_equipment", works_in_sector | manages_sector_entity)
