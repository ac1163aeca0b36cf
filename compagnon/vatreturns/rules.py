"""Who reads and files VAT returns: the accountants of the entity, nobody else (members,
advisors, support agents and other entities' staff never see them: 404).

* ``vatreturns.view_return`` / ``vatreturns.file_return`` (obj: the entity, or a return).
"""

import rules

from compagnon.permissions import scope_for


def vat_entity_ids(user) -> frozenset[int]:
    """Entities whose VAT returns ``user`` reads and files."""
    return scope_for(user).accountant_entities


@rules.predicate
def keeps_vat_of(user, obj) -> bool:
    if obj is None:
        return False
    entity_id = getattr(obj, "entity_id", None) or getattr(obj, "pk", None)
    return entity_id in vat_entity_ids(user)


rules.add_perm("vatreturns.view_return", keeps_vat_of)
rules.add_perm("vatreturns.file_return", keeps_vat_of)
