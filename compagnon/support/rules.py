"""Who sees and does what in support (django-rules, checked again inside the services).

A **desk** is one service of one entity. Its staff: the support agents holding a role of that
service in that entity, and the entity's administrators (every service). Nobody else on the staff
side — an agent of another service, or of another entity, does not see the request (404).

* ``support.ask`` (no obj) — a member (one who left may still ask, e.g. about their pay);
* ``support.follow_request`` (obj: request) — its member; for a collections case, the members
  working in the case's activity (as on the case's own page);
* ``support.reply`` (obj: request) — the same people, while it is not closed;
* ``support.close_request`` / ``support.reopen_request`` (obj: request) — its member (not for a
  collections case: the service decides on the case), or the desk's staff;
* ``support.work_request`` (obj: request) — the desk's staff: answer, ask, internal note, assign,
  priority;
* ``support.manage_canned`` (obj: a canned answer or a ``Desk``) — the desk's staff;
* ``support.change_settings`` (obj: entity) — the entity's administrators.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import ActivityMembership
from compagnon.permissions import scope_for


@dataclass(frozen=True)
class Desk:
    entity_id: int
    service: str


def support_desks(user) -> frozenset[tuple[int, str]]:
    """{(entity id, service)} of the user's support-agent roles, read once per request."""
    cached = getattr(user, "_support_desks", None)
    if cached is None:
        s = scope_for(user)
        if not s.is_support:
            cached = frozenset()
        else:
            cached = frozenset(RoleAssignment.objects.filter(user_id=user.pk, role=Role.SUPPORT)
                               .values_list("entity_id", "service"))
        user._support_desks = cached
    return cached


def works_desk(user, entity_id, service) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    s = scope_for(user)
    return entity_id in s.admin_entities or (entity_id, service) in support_desks(user)


def is_staff_anywhere(user) -> bool:
    s = scope_for(user)
    return bool(s.admin_entities) or bool(support_desks(user))


def my_activity_ids(user) -> frozenset[int]:
    """The activities the user works in (any membership), read once per request."""
    cached = getattr(user, "_support_activities", None)
    if cached is None:
        s = scope_for(user)
        cached = frozenset(ActivityMembership.objects.filter(member_id=s.member_id).values_list(
            "activity_id", flat=True)) if s.member_id is not None else frozenset()
        user._support_activities = cached
    return cached


def case_member(user, request) -> bool:
    return request.activity_id is not None and request.activity_id in my_activity_ids(user)


@rules.predicate
def is_member(user) -> bool:
    return scope_for(user).is_member


@rules.predicate
def follows(user, request) -> bool:
    if request is None:
        return False
    s = scope_for(user)
    if request.case_id is not None:
        return case_member(user, request)
    return s.member_id is not None and request.member_id == s.member_id


@rules.predicate
def is_desk_staff(user, obj) -> bool:
    return obj is not None and works_desk(user, obj.entity_id, obj.service)


@rules.predicate
def is_open(user, request) -> bool:
    return request is not None and not request.is_closed


@rules.predicate
def is_question(user, request) -> bool:
    return request is not None and request.case_id is None


@rules.predicate
def is_entity_admin(user, entity) -> bool:
    return entity is not None and getattr(entity, "pk", None) in scope_for(user).admin_entities


rules.add_perm("support.ask", is_member)
rules.add_perm("support.follow_request", follows | is_desk_staff)
rules.add_perm("support.reply", follows & is_open)
rules.add_perm("support.close_request", (follows & is_question) | is_desk_staff)
rules.add_perm("support.reopen_request", (follows & is_question) | is_desk_staff)
rules.add_perm("support.work_request", is_desk_staff)
rules.add_perm("support.manage_canned", is_desk_staff)
rules.add_perm("support.change_settings", is_entity_admin)
