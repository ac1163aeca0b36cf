"""Who sees and does what in field service. Built on ``compagnon.permissions``: every user-facing
queryset of this app starts from one of the scopes below, and actions are ``rules`` permissions
checked through ``user.has_perm`` (views, API) and again inside the services (``require``).

Seeing
------
* a member sees the sectors they belong to or lead, and in them the requests, contracts and
  visits (the planning of the whole team); plus whatever is theirs anywhere (a request taken by or
  proposed to them, the contracts and visits of their activities or assigned to them);
* a client's details (name, phone, email, exact address) only when assigned — the request taken
  by or proposed to them, the contract or visit of their activity or assigned to them; before that
  the commune and the work only (``sees_client``);
* advisors and administrators of an entity (accountants and support agents read-only) see
  everything of the entity; other entities nothing.

Doing (``fieldwork.*``)
-----------------------
* ``take_request``: an active member of the request's sector, while it is open;
* ``propose_member``: the sector's lead, advisors and administrators of the entity;
* ``answer_proposal``: the member the request was proposed to;
* ``manage_catalogue`` / ``manage_sectors`` (entity): advisors and administrators of the entity;
* ``add_contract`` (activity): whoever works in the activity;
* ``change_contract`` (contract): whoever works in its activity, the entity's administrators;
* ``plan_visit`` (visit): whoever works in its activity, the member it is assigned to, the active
  members and the lead of its sector (accepting the sector's proposed week), advisors and
  administrators of the entity;
* ``manage_availability`` (member): the member, the lead of one of their sectors, administrators.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from compagnon import permissions

from .models import (
    Contract,
    Request,
    Sector,
    SectorMembership,
    Service,
    Slot,
    Unavailability,
    Visit,
)

# --- who is who -------------------------------------------------------------------------------


def reader_entity_ids(user) -> frozenset[int]:
    """Entities whose field service this user reads entirely (staff roles)."""
    s = permissions.scope_for(user)
    return s.entity_wide | s.advisor_entities


def manager_entity_ids(user) -> frozenset[int]:
    """Entities whose catalogue and sectors this user manages, and whose requests they may
    propose: advisors and administrators."""
    s = permissions.scope_for(user)
    return s.admin_entities | s.advisor_entities


def _cached(user, name, compute):
    value = getattr(user, name, None)
    if value is None:
        value = compute()
        setattr(user, name, value)
    return value


def my_sector_ids(user) -> frozenset[int]:
    """Sectors the user belongs to or leads (one query per request)."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return frozenset()

    def compute():
        belongs = SectorMembership.objects.filter(member_id=s.member_id).values_list(
            "sector_id", flat=True
        )
        leads = Sector.objects.filter(lead_id=s.member_id).values_list("id", flat=True)
        return frozenset(belongs) | frozenset(leads)

    return _cached(user, "_fieldwork_sectors", compute)


def led_sector_ids(user) -> frozenset[int]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return frozenset()
    return _cached(
        user,
        "_fieldwork_led",
        lambda: frozenset(Sector.objects.filter(lead_id=s.member_id).values_list("id", flat=True)),
    )


def member_id(user) -> int | None:
    return permissions.scope_for(user).member_id


def _my_activities(user):
    return permissions.activities(user).values("id")


# --- scopes: every user-facing queryset starts here -------------------------------------------


def sectors(user) -> QuerySet[Sector]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return Sector.objects.none()
    return Sector.objects.filter(
        Q(entity_id__in=reader_entity_ids(user)) | Q(id__in=my_sector_ids(user))
    )


def services(user) -> QuerySet[Service]:
    """The catalogue of the entities the user belongs to or works for."""
    return Service.objects.filter(entity__in=permissions.entities(user))


def requests(user) -> QuerySet[Request]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return Request.objects.none()
    q = Q(entity_id__in=reader_entity_ids(user)) | Q(sector_id__in=my_sector_ids(user))
    if (me := member_id(user)) is not None:
        q |= Q(taken_by_id=me) | Q(proposed_member_id=me)
    return Request.objects.filter(q)


def _work_q(user) -> Q:
    q = Q(activity__entity_id__in=reader_entity_ids(user)) | Q(sector_id__in=my_sector_ids(user))
    if (me := member_id(user)) is not None:
        q |= Q(member_id=me) | Q(activity_id__in=_my_activities(user))
    return q


def contracts(user) -> QuerySet[Contract]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return Contract.objects.none()
    return Contract.objects.filter(_work_q(user))


def visits(user) -> QuerySet[Visit]:
    if permissions.scope_for(user) is permissions.ANONYMOUS:
        return Visit.objects.none()
    return Visit.objects.filter(_work_q(user))


def planning_members(user):
    """Members whose calendars the user may read: themselves, the members of their sectors, and
    every member of the entities they read."""
    from compagnon.members.models import Member

    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        return Member.objects.none()
    in_my_sectors = SectorMembership.objects.filter(sector_id__in=my_sector_ids(user)).values(
        "member_id"
    )
    q = Q(entity_id__in=reader_entity_ids(user)) | Q(id__in=in_my_sectors)
    if s.member_id is not None:
        q |= Q(id=s.member_id)
    return Member.objects.filter(q)


def unavailabilities(user) -> QuerySet[Unavailability]:
    return Unavailability.objects.filter(member__in=planning_members(user))


def slots(user) -> QuerySet[Slot]:
    return Slot.objects.filter(Q(member__in=planning_members(user)) | Q(sector__in=sectors(user)))


# --- a client's details -------------------------------------------------------------------------


def _entity_of(obj) -> int | None:
    if isinstance(obj, Request):
        return obj.entity_id
    return obj.activity.entity_id


def sees_client(user, obj) -> bool:
    """Whether ``user`` may read the client's name, phone, email and exact address on ``obj`` (a
    request, contract or visit): when assigned to it, or staff of its entity."""
    if obj is None:
        return False
    if _entity_of(obj) in reader_entity_ids(user):
        return True
    me = member_id(user)
    if me is None:
        return False
    if isinstance(obj, Request):
        return me in (obj.taken_by_id, obj.proposed_member_id)
    return obj.member_id == me or permissions.is_activity_worker.test(user, obj.activity)


# --- predicates -------------------------------------------------------------------------------


@rules.predicate
def in_request_sector(user, request: Request | None) -> bool:
    return (
        request is not None
        and request.sector_id is not None
        and permissions.scope_for(user).member_active
        and request.sector_id in my_sector_ids(user)
    )


@rules.predicate
def request_is_open(user, request: Request | None) -> bool:
    return request is not None and request.state in Request.OPEN_STATES


@rules.predicate
def leads_request_sector(user, request: Request | None) -> bool:
    return (
        request is not None
        and request.sector_id is not None
        and request.sector_id in led_sector_ids(user)
    )


@rules.predicate
def manages_entity_of(user, obj) -> bool:
    if obj is None:
        return False
    entity_id = (
        obj.pk
        if obj.__class__.__name__ == "Entity"
        else (obj.entity_id if hasattr(obj, "entity_id") else _entity_of(obj))
    )
    return entity_id in manager_entity_ids(user)


@rules.predicate
def is_proposed_member(user, request: Request | None) -> bool:
    return (
        request is not None
        and request.proposed_member_id is not None
        and request.proposed_member_id == member_id(user)
    )


@rules.predicate
def in_visit_sector(user, visit) -> bool:
    """An active member of the visit's sector: accepting the sector's proposed week plans it."""
    return (
        visit is not None
        and visit.sector_id is not None
        and permissions.scope_for(user).member_active
        and visit.sector_id in my_sector_ids(user)
    )


@rules.predicate
def is_assigned(user, obj) -> bool:
    return obj is not None and obj.member_id is not None and obj.member_id == member_id(user)


@rules.predicate
def leads_sector_of(user, obj) -> bool:
    return obj is not None and obj.sector_id is not None and obj.sector_id in led_sector_ids(user)


@rules.predicate
def leads_a_sector_of_member(user, member) -> bool:
    if member is None:
        return False
    led = led_sector_ids(user)
    return (
        bool(led)
        and SectorMembership.objects.filter(member_id=member.pk, sector_id__in=led).exists()
    )


@rules.predicate
def admin_of_member(user, member) -> bool:
    return member is not None and member.entity_id in permissions.scope_for(user).admin_entities


rules.add_perm("fieldwork.take_request", in_request_sector & request_is_open)
rules.add_perm(
    "fieldwork.propose_member", (leads_request_sector | manages_entity_of) & request_is_open
)
rules.add_perm("fieldwork.answer_proposal", is_proposed_member & request_is_open)
rules.add_perm("fieldwork.manage_catalogue", manages_entity_of)
rules.add_perm("fieldwork.manage_sectors", manages_entity_of)
rules.add_perm("fieldwork.add_contract", permissions.is_activity_worker)
rules.add_perm(
    "fieldwork.change_contract",
    permissions.works_in_activity_of | permissions.is_entity_admin_of_activity_of,
)
rules.add_perm(
    "fieldwork.plan_visit",
    permissions.works_in_activity_of
    | is_assigned
    | in_visit_sector
    | leads_sector_of
    | manages_entity_of,
)
rules.add_perm(
    "fieldwork.manage_availability",
    permissions.is_self | leads_a_sector_of_member | admin_of_member,
)
