"""Who sees and does what in buying together (django-rules, checked again inside the services).

"Staff" of an entity: its administrators, advisors and accountants (``staff_entity_ids``).

* ``buying.manage_terms`` (obj: supplier) — the staff of the supplier's entity;
* ``buying.rate_supplier`` (obj: supplier) — an active member of the supplier's entity;
* ``buying.moderate`` (obj: supplier or rating) — the staff of the entity (hide a comment);
* ``buying.open_group`` (obj: entity) — its active members and its staff;
* ``buying.join_group`` (obj: group purchase) — an active member of its entity (the activity must
  be one they hold: checked by the service);
* ``buying.manage_group`` (obj: group purchase) — whoever opened it, and the entity's staff: order
  now, cancel, link the supplier invoice; they also see every participant's quantity.
Who SEES the supplier base and the group purchases: the active members and the staff of the entity
(``selectors``).
"""

import rules

from compagnon.permissions import scope_for


def staff_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    return s.admin_entities | s.advisor_entities | s.accountant_entities


def member_entity_id(user) -> int | None:
    s = scope_for(user)
    return s.member_entity_id if s.member_active else None


def _entity_id(obj):
    if obj is None:
        return None
    for attr in ("entity_id",):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    supplier = getattr(obj, "supplier", None)
    if supplier is not None:
        return supplier.entity_id
    return getattr(obj, "pk", None)


@rules.predicate
def staff_of(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in staff_entity_ids(user)


@rules.predicate
def member_of(user, obj) -> bool:
    return obj is not None and member_entity_id(user) is not None and _entity_id(obj) == member_entity_id(user)


@rules.predicate
def opened_it(user, group) -> bool:
    return group is not None and group.opened_by_id == user.pk and (member_of(user, group) or staff_of(user, group))


rules.add_perm("buying.manage_terms", staff_of)
rules.add_perm("buying.rate_supplier", member_of)
rules.add_perm("buying.moderate", staff_of)
rules.add_perm("buying.open_group", member_of | staff_of)
rules.add_perm("buying.join_group", member_of)
rules.add_perm("buying.manage_group", opened_it | staff_of)
