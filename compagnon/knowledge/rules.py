"""Who reads and who writes in the help centre (django-rules, checked again inside the services).

* **Readers** of an entity's help centre: its members and its staff (``reader_entity_ids``). They
  read the entity's published articles, FAQ and topics, and what any entity shared.
* **Writers**: the active members of an entity and its staff (``writer_entity_ids``) write
  articles and tutorials; a member's text goes to review before anyone else reads it.
* **Editors** of an entity (``editor_entity_ids``): its administrators and the support agents of
  its communication service. They review (approve, ask for changes, reject), publish, restore a
  version, share with every entity, keep the FAQ, topics and help links, confirm experts.

Rules:

* ``knowledge.write_in`` (obj: entity) — a writer of the entity;
* ``knowledge.edit_article`` (obj: article) — its author (still a writer of its entity), or an
  editor of its entity;
* ``knowledge.edit`` (obj: anything with ``entity_id``, or an entity) — an editor of that entity;
* ``knowledge.volunteer`` (obj: topic) — an active member who reads the topic;
* ``knowledge.confirm_expert`` (obj: topic expert) — an editor of the volunteer's entity.
"""

from __future__ import annotations

import rules
from django.db.models import Q
from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment, SupportService
from compagnon.organisation.models import Entity
from compagnon.permissions import scope_for

EDITOR_SERVICE = SupportService.COMMUNICATION


def held_today() -> Q:
    """Role assignments held today (an assignment may have dates, both included)."""
    today = timezone.localdate()
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=today)) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def reader_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_entity_id:
        ids.add(s.member_entity_id)
    return frozenset(ids)


def writer_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_active and s.member_entity_id:
        ids.add(s.member_entity_id)
    return frozenset(ids)


def editor_entity_ids(user) -> frozenset[int]:
    """Administrators' entities, and those where the user is a support agent of the communication
    service (one query, once per request, and only for support agents of that service)."""
    s = scope_for(user)
    if EDITOR_SERVICE not in s.support_services:
        return s.admin_entities
    cached = getattr(user, "_knowledge_editor_entities", None)
    if cached is None:
        cached = frozenset(RoleAssignment.objects.filter(held_today(), user_id=user.pk, role=Role.SUPPORT,
                                                         service=EDITOR_SERVICE).values_list("entity_id", flat=True))
        user._knowledge_editor_entities = cached
    return s.admin_entities | cached


def is_editor_somewhere(user) -> bool:
    return bool(editor_entity_ids(user))


def _entity_id(obj):
    if obj is None:
        return None
    if isinstance(obj, Entity):
        return obj.pk
    entity_id = getattr(obj, "entity_id", None)
    if entity_id is None and hasattr(obj, "topic"):
        return obj.topic.entity_id
    return entity_id


@rules.predicate
def writes_in(user, entity) -> bool:
    return _entity_id(entity) in writer_entity_ids(user)


@rules.predicate
def edits(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in editor_entity_ids(user)


@rules.predicate
def wrote_it(user, article) -> bool:
    return article is not None and article.created_by_id == user.pk and article.entity_id in writer_entity_ids(user)


@rules.predicate
def may_volunteer(user, topic) -> bool:
    s = scope_for(user)
    if topic is None or not s.member_active:
        return False
    return topic.entity_id == s.member_entity_id or topic.shared


@rules.predicate
def confirms(user, expert) -> bool:
    return expert is not None and expert.member.entity_id in editor_entity_ids(user)


rules.add_perm("knowledge.write_in", writes_in)
rules.add_perm("knowledge.edit_article", wrote_it | edits)
rules.add_perm("knowledge.edit", edits)
rules.add_perm("knowledge.volunteer", may_volunteer)
rules.add_perm("knowledge.confirm_expert", confirms)
