"""Who sees and does what in cooperation (django-rules, checked again inside the services).

* ``cooperation.record_exchange`` (no obj) — an active member;
* ``cooperation.view_exchange`` (obj: exchange) — its giver or receiver, nobody else (not staff);
* ``cooperation.decide_exchange`` (obj: exchange) — its receiver, while a member;
* ``cooperation.view_barter_totals`` (obj: entity) — the entity's administrators and advisors
  (advisors read the members of their offices): totals per member, never the details;
* ``cooperation.manage_positions`` (obj: entity or position) — the entity's administrators and
  advisors: create a position, set its monthly cost, end it;
* ``cooperation.decide_share`` (obj: a position share) — a holder of the share's activity.
Who SEES a position: staff managing its entity, and members whose activity takes part in it or
employs the person (``selectors.positions``).
"""

import rules

from compagnon.permissions import is_activity_holder, scope_for


def _entity_id(obj):
    if obj is None:
        return None
    value = getattr(obj, "entity_id", None)
    if value is not None:
        return value
    position = getattr(obj, "position", None)
    if position is not None:
        return position.entity_id
    return getattr(obj, "pk", None)


def staff_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    return s.admin_entities | s.advisor_entities


@rules.predicate
def is_active_member(user) -> bool:
    return scope_for(user).member_active


@rules.predicate
def takes_part(user, exchange) -> bool:
    s = scope_for(user)
    return exchange is not None and s.member_id is not None and s.member_id in (exchange.giver_id, exchange.receiver_id)


@rules.predicate
def receives(user, exchange) -> bool:
    s = scope_for(user)
    return exchange is not None and s.member_active and exchange.receiver_id == s.member_id


@rules.predicate
def staff_of(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in staff_entity_ids(user)


@rules.predicate
def holds_share_activity(user, share) -> bool:
    return share is not None and is_activity_holder.test(user, share.activity)


rules.add_perm("cooperation.record_exchange", is_active_member)
rules.add_perm("cooperation.view_exchange", takes_part)
rules.add_perm("cooperation.decide_exchange", receives)
rules.add_perm("cooperation.view_barter_totals", staff_of)
rules.add_perm("cooperation.manage_positions", staff_of)
rules.add_perm("cooperation.decide_share", holds_share_activity)
