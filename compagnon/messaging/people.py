"""Who may write to whom: the people of the writer's entities.

A person is *tied* to an entity when they are a member of it who has not left, or hold a staff role
in it (advisor, support agent, accountant, administrator). A person writes to the people tied to
one of their own entities — colleagues and the cooperative's staff — and a conversation keeps
everyone in one entity. Staff of several entities (an accountant of two cooperatives) reach the
people of each, but never put people of two entities in one conversation.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet

from compagnon.accounts.models import Role, RoleAssignment, SupportService, User
from compagnon.core.collation import by_name
from compagnon.members.models import Member, MemberStatus
from compagnon.permissions import scope_for


def entities_of(user) -> frozenset[int]:
    """The entities ``user`` is tied to now (empty for someone who left and holds no role)."""
    s = scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_active and s.member_entity_id:
        ids.add(s.member_entity_id)
    return frozenset(ids)


def tied_to(entity_ids) -> QuerySet[User]:
    """Active users tied to one of ``entity_ids``."""
    ids = list(entity_ids)
    members = Member.objects.filter(entity_id__in=ids).exclude(status=MemberStatus.LEFT).values("user_id")
    staff = RoleAssignment.objects.filter(entity_id__in=ids).values("user_id")
    return User.objects.filter(Q(id__in=members) | Q(id__in=staff), is_active=True)


def reachable(user) -> QuerySet[User]:
    """The people ``user`` may start a conversation with (themselves excluded)."""
    entities = entities_of(user)
    if not entities:
        return User.objects.none()
    return tied_to(entities).exclude(pk=user.pk)


def ties(user_ids) -> dict[int, set[int]]:
    """{user id: the entities they are tied to}, two queries whatever the number."""
    ids = list(user_ids)
    out: dict[int, set[int]] = defaultdict(set)
    for uid, eid in Member.objects.filter(user_id__in=ids).exclude(status=MemberStatus.LEFT).values_list(
        "user_id", "entity_id"
    ):
        out[uid].add(eid)
    for uid, eid in RoleAssignment.objects.filter(user_id__in=ids).values_list("user_id", "entity_id"):
        out[uid].add(eid)
    return out


def common_entity(writer, recipients) -> int | None:
    """The entity a conversation between ``writer`` and ``recipients`` belongs to: one they are
    all tied to (the writer's own member entity first), or None."""
    shared = set(entities_of(writer))
    found = ties([u.pk for u in recipients])
    for u in recipients:
        shared &= found.get(u.pk, set())
    if not shared:
        return None
    own = scope_for(writer).member_entity_id
    return own if own in shared else min(shared)


def staff_of(user_ids, entity_id) -> set[int]:
    """Those of ``user_ids`` who hold a staff role in ``entity_id`` (they cannot be blocked there)."""
    return set(
        RoleAssignment.objects.filter(user_id__in=list(user_ids), entity_id=entity_id).values_list("user_id", flat=True)
    )


ROLE_ORDER = [Role.ADMIN, Role.ADVISOR, Role.SUPPORT, Role.ACCOUNTANT]


def search(user, q: str, *, exclude=(), limit: int = 20) -> list[User]:
    """Up to ``limit`` people ``user`` may write to whose name matches ``q`` (all words), sorted by
    name, each with ``label``: their office, or their roles in the cooperative. People who blocked
    ``user`` are left out."""
    from .models import Block

    words = q.split()[:4]
    if not words:
        return []
    qs = reachable(user).exclude(pk__in=list(exclude))
    qs = qs.exclude(pk__in=Block.objects.filter(blocked_id=user.pk).values("blocker_id"))
    for w in words:
        qs = qs.filter(Q(first_name__icontains=w) | Q(last_name__icontains=w))
    people = list(qs.order_by(*by_name("last_name", "first_name"), "id")[:limit])
    label(people, entities_of(user))
    return people


def label(people, entity_ids) -> None:
    """Set ``p.label`` on each person: "Advisor", "Support agent (legal)" … or their office (two
    queries)."""
    ids = [p.pk for p in people]
    if not ids:
        return
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for uid, role, service in (
        RoleAssignment.objects.filter(user_id__in=ids, entity_id__in=list(entity_ids))
        .values_list("user_id", "role", "service").order_by("user_id", "role", "service").distinct()
    ):
        services = roles[uid][role]
        if service and service not in services:
            services.append(service)
    offices = dict(
        Member.objects.filter(user_id__in=ids, entity_id__in=list(entity_ids)).values_list("user_id", "office__name")
    )
    names, service_names = dict(Role.choices), dict(SupportService.choices)
    for p in people:
        mine = roles.get(p.pk, {})
        parts = []
        for role in sorted(mine, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 9):
            text = str(names[role]).capitalize()
            if mine[role]:
                text += " (" + ", ".join(str(service_names.get(s, s)) for s in mine[role]) + ")"
            parts.append(text)
        if p.pk in offices:
            parts.append(offices[p.pk])
        p.label = ", ".join(parts)
