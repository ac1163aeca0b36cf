"""Who sees and does what in internal subcontracting (django-rules, checked again in the services).

* ``subcontracting.ask`` (obj: the ordering activity) — a holder of that activity;
* ``subcontracting.withdraw`` (obj: subcontract) — a holder of the ordering activity;
* ``subcontracting.decide`` (obj: subcontract) — a holder of the providing activity (accept or
  decline);
* ``subcontracting.issue`` (obj: subcontract) — a holder of the providing activity: issue the
  internal invoice by hand (only for a subcontract with no client document);
* ``subcontracting.cancel`` (obj: internal invoice) — a holder of the providing activity or an
  administrator of the entity: the cancelling credit note;
* ``subcontracting.manage_policy`` (obj: entity) — the entity's administrators;
* ``subcontracting.view_entity`` (obj: entity) — the entity's administrators and advisors (the
  staff list; advisors see the subcontracts of their offices' members' activities).
Who SEES a subcontract (``selectors.subcontracts``): the people working in either activity, the
entity's administrators, the advisors of the members of either activity. Nobody else.
"""

import rules

from compagnon.permissions import is_activity_holder, scope_for


def _entity_id(obj):
    if obj is None:
        return None
    value = getattr(obj, "entity_id", None)
    return value if value is not None else getattr(obj, "pk", None)


@rules.predicate
def holds_ordering(user, subcontract) -> bool:
    return subcontract is not None and is_activity_holder.test(user, subcontract.ordering)


@rules.predicate
def holds_provider(user, obj) -> bool:
    subcontract = getattr(obj, "subcontract", obj)
    return subcontract is not None and is_activity_holder.test(user, subcontract.provider)


@rules.predicate
def admin_of(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in scope_for(user).admin_entities


@rules.predicate
def staff_of(user, obj) -> bool:
    s = scope_for(user)
    return obj is not None and _entity_id(obj) in (s.admin_entities | s.advisor_entities)


rules.add_perm("subcontracting.ask", is_activity_holder)
rules.add_perm("subcontracting.withdraw", holds_ordering)
rules.add_perm("subcontracting.decide", holds_provider)
rules.add_perm("subcontracting.issue", holds_provider)
rules.add_perm("subcontracting.cancel", holds_provider | admin_of)
rules.add_perm("subcontracting.manage_policy", admin_of)
rules.add_perm("subcontracting.view_entity", staff_of)
