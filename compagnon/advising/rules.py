"""Who does what in advising (django-rules, checked again inside the services).

"Follows" a member: the advisors of the member's office — a relay advisor too, for the dates of
the absence, since the permission scope gives them the absent advisor's offices — and the
administrators of the member's entity; never the member themselves.

* ``advising.follow_member`` (obj: member) — plan, change, hold, cancel appointments; read and
  write the notes; add and tick next steps; fill reviews; answer appointment requests;
* ``advising.request_appointment`` (obj: member) — the member themselves, while not left;
* ``advising.cancel_appointment`` (obj: appointment) — who follows the member, and the member;
* ``advising.tick_step`` (obj: next step) — who follows the member, and the member for the steps
  they own;
* ``advising.manage_templates`` (obj: entity) — its administrators and advisors;
* ``advising.declare_absence`` (obj: entity) — its advisors (for themselves) and administrators
  (for any advisor of the entity: checked by the service).

Who SEES: ``selectors.py`` (appointments and reviews: the member, who follows them; notes not
shared: who follows them only).
"""

from __future__ import annotations

import rules

from compagnon.permissions import scope_for

from .models import StepOwner


def _member(obj):
    if obj is None:
        return None
    return getattr(obj, "member", obj)


@rules.predicate
def follows(user, obj) -> bool:
    member = _member(obj)
    if member is None or member.user_id == user.pk:
        return False
    s = scope_for(user)
    return member.office_id in s.advisor_offices or member.entity_id in s.admin_entities


@rules.predicate
def is_the_member(user, obj) -> bool:
    member = _member(obj)
    return member is not None and member.user_id == user.pk and scope_for(user).member_active


@rules.predicate
def owns_step(user, step) -> bool:
    return step is not None and step.owner == StepOwner.MEMBER and is_the_member.test(user, step)


def staff_entity_ids(user) -> frozenset[int]:
    """Entities whose templates and absences this user keeps: administrators and advisors."""
    s = scope_for(user)
    return s.admin_entities | s.advisor_entities


@rules.predicate
def staff_of(user, entity) -> bool:
    return entity is not None and getattr(entity, "pk", entity) in staff_entity_ids(user)


rules.add_perm("advising.follow_member", follows)
rules.add_perm("advising.request_appointment", is_the_member)
rules.add_perm("advising.cancel_appointment", follows | is_the_member)
rules.add_perm("advising.tick_step", follows | owns_step)
rules.add_perm("advising.manage_templates", staff_of)
rules.add_perm("advising.declare_absence", staff_of)
