"""Who sees and does what in after-sales (django-rules, checked again inside the services).

The **after-sales desk** of an entity: its administrators and its support agents of the *client
relations* service (``DESK_SERVICE``). Members: the people working in the case's activity (any
membership) and the member the case was given to.

* ``aftersales.view_case`` (obj: case) — the activity's members, the member it was given to, the desk;
* ``aftersales.take_case`` (obj: case) — accept or decline while it is *with the member*: the member
  it was given to, else any member of the activity;
* ``aftersales.work_case`` (obj: case) — answer, resolve, reject, close: the member in charge (or,
  nobody in charge yet, the activity's members) and the desk;
* ``aftersales.assign_case`` (obj: case) — give it to a colleague: the desk;
* ``aftersales.manage_warranty`` (obj: entity) — the warranty rules: the desk.
"""

from __future__ import annotations

import rules

from compagnon.accounts.models import SupportService
from compagnon.members.models import ActivityMembership
from compagnon.permissions import scope_for
from compagnon.support.rules import support_desks

DESK_SERVICE = SupportService.CLIENT_RELATIONS


def desk_entities(user) -> frozenset[int]:
    """Entities whose after-sales desk the user works (read once per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_aftersales_desks", None)
    if cached is None:
        s = scope_for(user)
        cached = frozenset(s.admin_entities) | frozenset(
            entity for entity, service in support_desks(user) if service == DESK_SERVICE)
        user._aftersales_desks = cached
    return cached


def my_activity_ids(user) -> frozenset[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_aftersales_activities", None)
    if cached is None:
        s = scope_for(user)
        cached = frozenset(ActivityMembership.objects.filter(member_id=s.member_id).values_list(
            "activity_id", flat=True)) if s.member_id is not None else frozenset()
        user._aftersales_activities = cached
    return cached


def member_id(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return scope_for(user).member_id


@rules.predicate
def is_desk(user, case) -> bool:
    return case is not None and case.entity_id in desk_entities(user)


@rules.predicate
def is_entity_desk(user, entity) -> bool:
    return entity is not None and getattr(entity, "pk", None) in desk_entities(user)


@rules.predicate
def is_assigned(user, case) -> bool:
    return case is not None and case.assigned_member_id is not None and case.assigned_member_id == member_id(user)


@rules.predicate
def works_in_activity(user, case) -> bool:
    return case is not None and case.activity_id in my_activity_ids(user)


@rules.predicate
def nobody_in_charge(user, case) -> bool:
    return case is not None and case.assigned_member_id is None


rules.add_perm("aftersales.view_case", works_in_activity | is_assigned | is_desk)
rules.add_perm("aftersales.take_case", is_assigned | (nobody_in_charge & works_in_activity))
rules.add_perm("aftersales.work_case", is_assigned | (nobody_in_charge & works_in_activity) | is_desk)
rules.add_perm("aftersales.assign_case", is_desk)
rules.add_perm("aftersales.manage_warranty", is_entity_desk)
