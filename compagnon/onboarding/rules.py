"""Who does what in onboarding (django-rules, checked again inside the services).

* ``onboarding.manage`` (obj: entity, path, step, kit item) — the entity's administrators build the
  paths and the kit;
* ``onboarding.follow`` (obj: member) — the advisors of the member's office and the entity's
  administrators see their progress and mark meetings attended;
* ``onboarding.walk`` (obj: member) — the member themself (not left) marks steps done and signs.
"""

from __future__ import annotations

import rules

from compagnon.organisation.models import Entity
from compagnon.permissions import scope_for


def _entity_id(obj):
    if obj is None:
        return None
    if isinstance(obj, Entity):
        return obj.pk
    if hasattr(obj, "entity_id"):
        return obj.entity_id
    if hasattr(obj, "path"):
        return obj.path.entity_id
    return None


def admin_entity_ids(user) -> frozenset[int]:
    return scope_for(user).admin_entities


@rules.predicate
def manages(user, obj) -> bool:
    return _entity_id(obj) in scope_for(user).admin_entities


@rules.predicate
def follows(user, member) -> bool:
    s = scope_for(user)
    return member is not None and (member.office_id in s.advisor_offices or member.entity_id in s.admin_entities)


@rules.predicate
def is_the_member(user, member) -> bool:
    s = scope_for(user)
    return member is not None and s.member_active and member.pk == s.member_id


rules.add_perm("onboarding.manage", manages)
rules.add_perm("onboarding.follow", follows)
rules.add_perm("onboarding.walk", is_the_member)
