"""Who sees and does what in governance.

* ``governance.view_register`` / ``governance.manage_register`` (obj: entity, associate or
  movement) — the entity's administrators and accountants. A member reads only their own shares
  (``governance.view_associate`` on their own ``Associate``).
* ``governance.view_assembly`` (obj: entity or assembly) — the members of the entity and its
  administrators and accountants; nobody else (404).
* ``governance.manage_assembly`` — the entity's administrators.
* ``governance.manage_surplus`` (obj: entity or allocation) — the entity's administrators:
  distribution rules, simulating and posting the allocation of a year's result.
* ``governance.view_transparency`` (obj: entity) — the members of the entity and its
  administrators and accountants (aggregated figures only).
* ``governance.take_part`` (obj: assembly) — members of the entity; whether they hold shares on
  the assembly's date is checked by the voting services (a query, not a rule).
"""

import rules

from compagnon.permissions import scope_for


def _entity_id(obj):
    if obj is None:
        return None
    for name in ("entity_id",):
        value = getattr(obj, name, None)
        if value is not None:
            return value
    assembly = getattr(obj, "assembly", None)
    if assembly is not None:
        return assembly.entity_id
    return getattr(obj, "pk", None)


def register_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    return s.admin_entities | s.accountant_entities


def assembly_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    own = {s.member_entity_id} if s.member_entity_id is not None else set()
    return frozenset(own) | register_entity_ids(user)


@rules.predicate
def keeps_register(user, obj) -> bool:
    return _entity_id(obj) in register_entity_ids(user)


@rules.predicate
def is_own_associate(user, obj) -> bool:
    s = scope_for(user)
    return obj is not None and s.member_id is not None and getattr(obj, "member_id", None) == s.member_id


@rules.predicate
def sees_assemblies(user, obj) -> bool:
    return _entity_id(obj) in assembly_entity_ids(user)


@rules.predicate
def runs_assemblies(user, obj) -> bool:
    return _entity_id(obj) in scope_for(user).admin_entities


@rules.predicate
def member_of(user, obj) -> bool:
    s = scope_for(user)
    return s.member_active and s.member_entity_id is not None and _entity_id(obj) == s.member_entity_id


rules.add_perm("governance.view_register", keeps_register)
rules.add_perm("governance.manage_register", keeps_register)
rules.add_perm("governance.view_associate", keeps_register | is_own_associate)
rules.add_perm("governance.view_assembly", sees_assemblies)
rules.add_perm("governance.manage_assembly", runs_assemblies)
rules.add_perm("governance.take_part", member_of)
rules.add_perm("governance.manage_surplus", runs_assemblies)
rules.add_perm("governance.view_transparency", sees_assemblies)
