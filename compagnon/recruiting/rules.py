"""Who sees and does what in recruiting (django-rules, checked again inside the services).

* ``recruiting.manage_application`` (obj: application) — the advisors of the application's office
  and the entity's administrators: move it, refuse it, write notes, sign it up to a meeting, make
  the applicant a member, read its documents;
* ``recruiting.manage_meeting`` (obj: meeting) — the same people for the meeting's office;
* ``recruiting.manage_calls`` (obj: entity) — the entity's advisors (any office) and
  administrators: publish and unpublish calls for new members.
Members never see applicants (404). Who SEES what is in ``selectors``: the same rules as querysets.
"""

import rules
from django.db.models import Q

from compagnon.permissions import scope_for


def office_q(user, office_field: str = "office_id", entity_field: str = "entity_id") -> Q:
    """Rows of the offices this user recruits for: advised offices, administered entities."""
    s = scope_for(user)
    return Q(**{f"{office_field}__in": s.advisor_offices}) | Q(**{f"{entity_field}__in": s.admin_entities})


def recruiting_entities(user) -> frozenset[int]:
    s = scope_for(user)
    return s.advisor_entities | s.admin_entities


def is_recruiter(user) -> bool:
    s = scope_for(user)
    return bool(s.advisor_offices or s.admin_entities)


@rules.predicate
def recruits_for(user, obj) -> bool:
    if obj is None:
        return False
    s = scope_for(user)
    return obj.office_id in s.advisor_offices or obj.entity_id in s.admin_entities


@rules.predicate
def publishes_calls(user, entity) -> bool:
    return entity is not None and entity.pk in recruiting_entities(user)


rules.add_perm("recruiting.manage_application", recruits_for)
rules.add_perm("recruiting.manage_meeting", recruits_for)
rules.add_perm("recruiting.manage_calls", publishes_calls)
