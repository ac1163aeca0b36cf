"""Object rules of the budget, built from the predicates of ``compagnon.permissions``.

* ``budget.request_movement`` (obj: the source activity) — the member works in it;
* ``budget.decide_movement`` (obj: a movement) — advisor of the requesting member's office, or
  administrator of the entity;
* ``budget.change_rates`` (obj: an entity) — its accountants and administrators.
Who SEES a budget or a movement is the activity scope (``permissions.activities``).
"""

import rules

from compagnon.permissions import advises, is_activity_worker, is_entity_admin, works_money_of


@rules.predicate
def advises_requester(user, movement) -> bool:
    return movement is not None and advises.test(user, movement.requested_by)


rules.add_perm("budget.request_movement", is_activity_worker)
rules.add_perm("budget.decide_movement", advises_requester | is_entity_admin)
rules.add_perm("budget.change_rates", works_money_of)
