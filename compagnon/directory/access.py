"""Who sees which field of a member's directory profile: the one rule, used by the pages, the API,
the search and the map.

A viewer's reach over a member is an ``Access``: the smallest ``Visibility`` they see
(``min_rank``) and whether they also see the contact fields for their work (``contact``):

* the member themself sees everything (``SELF``);
* an active member of the same office sees the fields set to "members of my office" or wider;
* an active member of another office of the same entity, a support agent, an accountant and an
  advisor of another office of the entity see the fields set to "all members" or "public";
* an administrator of the entity and an advisor of the member's office see those too, plus the
  contact fields (email, phone, city and position) whatever the member chose: they need them
  for their work (a person who is both a colleague of the office and such staff gets both);
* anybody else — a member or staff of another entity — sees nothing (the pages answer 404);
* the public sees only the fields set to "public", on the showcase page of an activity.
Members who left the cooperative are not in the directory.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compagnon.permissions import Scope

from .models import Visibility

# (field, label) in the order pages show them
FIELDS = [
    ("headline", _("Headline")),
    ("trades", _("Trades")),
    ("activities", _("Activities")),
    ("skills", _("Skills")),
    ("languages", _("Languages")),
    ("bio", _("About me")),
    ("zone", _("Zone served")),
    ("place", _("City and position on the map")),
    ("website", _("Website")),
    ("email", _("Email")),
    ("phone", _("Phone")),
]
FIELD_NAMES = [name for name, _label in FIELDS]
CONTACT = frozenset({"email", "phone", "place"})
# The email is never shown to the public: visitors write through the showcase's form.
NOT_PUBLIC = frozenset({"email"})


@dataclass(frozen=True)
class Access:
    min_rank: int
    contact: bool = False
    is_self: bool = False

    def sees(self, profile, field: str) -> bool:
        if self.is_self:
            return True
        if self.contact and field in CONTACT:
            return True
        if field in NOT_PUBLIC and self.min_rank >= Visibility.PUBLIC:
            return False
        return profile.visibility(field) >= self.min_rank

    @property
    def level(self) -> str:
        """For templates and tests: self, office, entity or public."""
        if self.is_self:
            return "self"
        return {1: "office", 2: "entity"}.get(self.min_rank, "public")


SELF = Access(0, contact=True, is_self=True)
OFFICE = Access(Visibility.OFFICE)
ENTITY = Access(Visibility.ENTITY)
STAFF = Access(Visibility.ENTITY, contact=True)
PUBLIC = Access(Visibility.PUBLIC)
PREVIEWS = [
    ("office", _("What a colleague of my office sees"), OFFICE),
    ("entity", _("What the cooperative sees"), ENTITY),
    ("public", _("What the public sees"), PUBLIC),
]


def reach_entities(scope: Scope) -> frozenset[int]:
    """Entities whose directory ``scope`` reads."""
    ids = set(scope.entity_wide | scope.advisor_entities)
    if scope.member_active and scope.member_entity_id:
        ids.add(scope.member_entity_id)
    return frozenset(ids)


def access_to(scope: Scope, *, member_id: int, entity_id: int, office_id: int) -> Access | None:
    """What ``scope`` sees of one member (None: nothing, the page answers 404)."""
    if scope.member_id is not None and scope.member_id == member_id:
        return SELF
    if entity_id not in reach_entities(scope):
        return None
    in_office = scope.member_active and scope.member_office_id == office_id
    contact = entity_id in scope.admin_entities or office_id in scope.advisor_offices
    return Access(Visibility.OFFICE if in_office else Visibility.ENTITY, contact=contact)


def segments(scope: Scope) -> list[tuple[Q, Access]]:
    """The viewer's reach split into parts that each see the same way, as filters on
    ``DirectoryProfile`` (its ``entity_id`` / ``office_id`` columns). Together they cover exactly
    the members ``access_to`` answers for (the viewer themself falls in their office's part)."""
    out: list[tuple[Q, Access]] = []
    office = scope.member_office_id if scope.member_active else None
    staff_offices, staff_entities = scope.advisor_offices, scope.admin_entities
    if office is not None:
        contact = office in staff_offices or scope.member_entity_id in staff_entities
        out.append((Q(office_id=office), Access(Visibility.OFFICE, contact=contact)))
    staff_parts = []
    if staff_offices:
        staff_parts.append(Q(office_id__in=sorted(staff_offices)))
    if staff_entities:
        staff_parts.append(Q(entity_id__in=sorted(staff_entities)))
    if staff_parts:
        staff = reduce(operator.or_, staff_parts)
        out.append((staff & ~Q(office_id=office) if office is not None else staff, STAFF))
    rest_entities = reach_entities(scope) - staff_entities
    if rest_entities:
        rest = Q(entity_id__in=sorted(rest_entities))
        if office is not None:
            rest &= ~Q(office_id=office)
        if staff_offices:
            rest &= ~Q(office_id__in=sorted(staff_offices))
        out.append((rest, ENTITY))
    return out


def visibility_choices(field: str):
    """The levels a member may choose for ``field`` (the email never goes public)."""
    return [c for c in Visibility.choices if not (field in NOT_PUBLIC and c[0] == Visibility.PUBLIC)]
