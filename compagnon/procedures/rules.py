"""Who reads, writes and validates procedures (django-rules, checked again inside the services).

* **Readers** of an entity (``reader_entity_ids``, the help centre's readers: its members, staff and
  advisors) read its procedures in force, and those of any other entity of the cooperative marked
  *shared*.
* **Writers** (``writer_entity_ids``: active members and staff) write new procedures in their
  entity and propose new versions of any procedure in force they read.
* **Drafts** (versions not validated) are read by their author, the referents of the procedure's
  trade in its entity and the entity's staff (advisors, support, accountants, administrators).
* **Reviewers** of a procedure: the referents of its trade in its entity; when the trade has no
  referent there, the entity's administrators.
* **Referents** are named by the entity's administrators.

Rules: ``procedures.write_in`` (entity), ``procedures.edit_version`` (version),
``procedures.propose`` (procedure), ``procedures.review`` (procedure), ``procedures.name_referents``
(entity).
"""

from __future__ import annotations

import rules

from compagnon.knowledge.rules import reader_entity_ids, writer_entity_ids
from compagnon.permissions import scope_for

from .models import OPEN_STATES, TradeReferent

__all__ = ["reader_entity_ids", "writer_entity_ids", "staff_entity_ids", "referent_pairs", "reviews"]


def staff_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    return frozenset(s.entity_wide | s.advisor_entities)


def referent_pairs(user) -> frozenset[tuple[int, int]]:
    """(entity id, trade id) of every trade the user is a referent of (one query per request)."""
    cached = getattr(user, "_procedure_referent_pairs", None)
    if cached is None:
        s = scope_for(user)
        if not s.member_id or not s.member_active:
            cached = frozenset()
        else:
            cached = frozenset(TradeReferent.objects.filter(member_id=s.member_id)
                               .values_list("entity_id", "trade_id"))
        user._procedure_referent_pairs = cached
    return cached


def trade_has_referent(entity_id: int, trade_id: int) -> bool:
    from .referents import referent_members

    return referent_members(entity_id, trade_id).exists()


def reviews(user, procedure) -> bool:
    if procedure is None:
        return False
    if (procedure.entity_id, procedure.trade_id) in referent_pairs(user):
        return True
    return (procedure.entity_id in scope_for(user).admin_entities
            and not trade_has_referent(procedure.entity_id, procedure.trade_id))


def sees_drafts(user, procedure) -> bool:
    return (procedure.entity_id in staff_entity_ids(user)
            or (procedure.entity_id, procedure.trade_id) in referent_pairs(user))


def _entity_id(obj):
    return getattr(obj, "entity_id", None) or getattr(obj, "pk", None)


@rules.predicate
def writes_in(user, entity) -> bool:
    return entity is not None and _entity_id(entity) in writer_entity_ids(user)


@rules.predicate
def wrote_open_version(user, version) -> bool:
    return (version is not None and version.author_id == user.pk and version.state in OPEN_STATES
            and bool(writer_entity_ids(user)))


@rules.predicate
def may_propose(user, procedure) -> bool:
    if procedure is None or procedure.current_id is None or not writer_entity_ids(user):
        return False
    return procedure.entity_id in reader_entity_ids(user) or procedure.shared


@rules.predicate
def may_review(user, procedure) -> bool:
    return reviews(user, procedure)


@rules.predicate
def names_referents(user, entity) -> bool:
    return entity is not None and _entity_id(entity) in scope_for(user).admin_entities


rules.add_perm("procedures.write_in", writes_in)
rules.add_perm("procedures.edit_version", wrote_open_version)
rules.add_perm("procedures.propose", may_propose)
rules.add_perm("procedures.review", may_review)
rules.add_perm("procedures.name_referents", names_referents)
