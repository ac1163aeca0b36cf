"""Who reads and who does what in peer help (django-rules, checked again inside the services).

* **Readers** of an entity's questions (``reader_entity_ids``): its members (who have not left)
  and its staff (administrators, accountants, support agents, advisors of its offices). Anybody
  else gets 404.
* ``peerhelp.ask`` (obj: entity or None) — an active member of the entity;
* ``peerhelp.answer`` (obj: question) — a reader of its entity, the question still open;
* ``peerhelp.accept`` (obj: answer) — the asker, on an open question, an answer of somebody else;
* ``peerhelp.mark_helped`` (obj: answer) — a reader who did not write the answer;
* ``peerhelp.close`` (obj: question) — the asker, an administrator of the entity, a support agent
  of the entity or an advisor of the asker's office;
* ``peerhelp.follow`` (obj: question) — a reader.
"""

from __future__ import annotations

import rules

from compagnon.permissions import scope_for


def reader_entity_ids(user) -> frozenset[int]:
    if user is None or not user.is_authenticated:
        return frozenset()
    s = scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_active and s.member_entity_id:
        ids.add(s.member_entity_id)
    return frozenset(ids)


def _entity_id(obj):
    if obj is None:
        return None
    entity_id = getattr(obj, "entity_id", None)
    if entity_id is None and hasattr(obj, "question"):
        return obj.question.entity_id
    return entity_id if entity_id is not None else getattr(obj, "pk", None)


@rules.predicate
def may_ask(user, entity=None) -> bool:
    s = scope_for(user)
    if not s.member_active:
        return False
    return entity is None or _entity_id(entity) == s.member_entity_id


@rules.predicate
def reads(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in reader_entity_ids(user)


@rules.predicate
def open_question(user, question) -> bool:
    question = getattr(question, "question", question)
    return question is not None and question.is_open


@rules.predicate
def asked_it(user, obj) -> bool:
    question = getattr(obj, "question", obj)
    s = scope_for(user)
    return question is not None and s.member_active and question.asker_id == s.member_id


@rules.predicate
def not_own_answer(user, answer) -> bool:
    return answer is not None and answer.author_id != user.pk


@rules.predicate
def staff_of(user, question) -> bool:
    if question is None:
        return False
    s = scope_for(user)
    if question.entity_id in (s.admin_entities | s.support_entities):
        return True
    return bool(s.advisor_offices) and question.asker.office_id in s.advisor_offices


rules.add_perm("peerhelp.ask", may_ask)
rules.add_perm("peerhelp.answer", reads & open_question)
rules.add_perm("peerhelp.accept", asked_it & open_question & not_own_answer)
rules.add_perm("peerhelp.mark_helped", reads & not_own_answer)
rules.add_perm("peerhelp.close", open_question & (asked_it | (reads & staff_of)))
rules.add_perm("peerhelp.follow", reads)
