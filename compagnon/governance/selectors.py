"""Reads for the pages and the API, always starting from the permission module's scope: the
register for the entity's administrators and accountants, one's own shares for a member, the
assemblies of one's entity. Anything else is not found (404)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from compagnon import permissions
from compagnon.members.models import Member
from compagnon.organisation.models import Entity

from . import register
from .models import (
    AgendaDocument,
    Assembly,
    AssemblyState,
    Associate,
    DistributionRules,
    Proxy,
    Resolution,
    ShareMovement,
    SurplusAllocation,
)
from .rules import assembly_entity_ids, register_entity_ids


def register_entities(user) -> QuerySet[Entity]:
    return permissions.entities(user).filter(pk__in=register_entity_ids(user)).order_by("name")


def register_entity(user, pk) -> Entity:
    return register_entities(user).get(pk=pk)


def assembly_entities(user) -> QuerySet[Entity]:
    return permissions.entities(user).filter(pk__in=assembly_entity_ids(user)).order_by("name")


def assembly_entity(user, pk) -> Entity:
    return assembly_entities(user).get(pk=pk)


def associates(user, entity) -> QuerySet[Associate]:
    """The register of ``entity`` (its keepers only)."""
    return (
        Associate.objects.filter(entity=entity, entity_id__in=register_entity_ids(user))
        .select_related("member__user", "category")
        .order_by("member__number", "id")
    )


def visible_associates(user) -> QuerySet[Associate]:
    """Associates this user may read: the registers they keep, and themselves."""
    s = permissions.scope_for(user)
    own = Q(member_id=s.member_id) if s.member_id is not None else Q(pk__in=[])
    return Associate.objects.filter(own | Q(entity_id__in=register_entity_ids(user))).select_related(
        "member__user", "category", "entity"
    )


def associate(user, pk) -> Associate:
    return visible_associates(user).get(pk=pk)


def own_associate(user) -> Associate | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Associate.objects.filter(member_id=s.member_id).select_related("category", "entity").first()


def movements(associate) -> QuerySet[ShareMovement]:
    return (
        ShareMovement.objects.filter(Q(associate=associate) | Q(counterpart=associate))
        .select_related("associate__member__user", "counterpart__member__user", "entry__journal")
        .order_by("-date", "-id")
    )


def with_holdings(associate_list, entity) -> list[tuple[Associate, register.Holding]]:
    nominal = register.settings_of(entity).share_nominal
    held = register.holdings([a.pk for a in associate_list], nominal=nominal)
    return [(a, held[a.pk]) for a in associate_list]


def members_without_shares(user, entity) -> QuerySet[Member]:
    return (
        permissions.members(user)
        .filter(entity=entity, associate__isnull=True)
        .select_related("user")
        .order_by("number")
    )


def assemblies(user, entity=None) -> QuerySet[Assembly]:
    qs = Assembly.objects.filter(entity_id__in=assembly_entity_ids(user)).select_related("entity")
    if entity is not None:
        qs = qs.filter(entity=entity)
    if not permissions.scope_for(user).admin_entities:
        qs = qs.exclude(state=AssemblyState.DRAFT)
    else:
        admin = permissions.scope_for(user).admin_entities
        qs = qs.exclude(Q(state=AssemblyState.DRAFT) & ~Q(entity_id__in=admin))
    return qs.annotate(resolution_count=Count("resolutions", distinct=True)).order_by("-held_at", "-id")


def assembly(user, pk) -> Assembly:
    return (
        assemblies(user)
        .prefetch_related(
            Prefetch("resolutions", queryset=Resolution.objects.order_by("number")),
            Prefetch("documents", queryset=AgendaDocument.objects.order_by("id")),
        )
        .get(pk=pk)
    )


def document(user, pk) -> AgendaDocument:
    return AgendaDocument.objects.select_related("assembly").get(
        pk=pk, assembly__in=assemblies(user).values("pk")
    )


def decisions(user, entity) -> QuerySet[Assembly]:
    """Closed assemblies of ``entity`` with their resolutions (the transparency page)."""
    return (
        assemblies(user, entity)
        .filter(state=AssemblyState.CLOSED)
        .prefetch_related(Prefetch("resolutions", queryset=Resolution.objects.order_by("number")))
    )


def proxies_for(assembly, associate) -> dict:
    """What the associate gave and holds in ``assembly``."""
    if associate is None:
        return {"given": None, "held": []}
    given = Proxy.objects.filter(assembly=assembly, giver=associate).select_related("holder__member__user").first()
    held = list(Proxy.objects.filter(assembly=assembly, holder=associate).select_related("giver__member__user"))
    return {"given": given, "held": held}


# --- surplus sharing (the entity's administrators) ----------------------------------------------


def surplus_entities(user) -> QuerySet[Entity]:
    return permissions.entities(user).filter(pk__in=permissions.scope_for(user).admin_entities).order_by("name")


def distribution_rules(user, entity) -> QuerySet[DistributionRules]:
    return DistributionRules.objects.filter(
        entity=entity, entity_id__in=permissions.scope_for(user).admin_entities
    ).select_related("resolution__assembly")


def allocations(user, entity=None) -> QuerySet[SurplusAllocation]:
    qs = SurplusAllocation.objects.filter(entity_id__in=permissions.scope_for(user).admin_entities)
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs.select_related("entity", "rules__resolution__assembly", "entry__journal").order_by("-year", "-id")


def allocation(user, pk) -> SurplusAllocation:
    return allocations(user).get(pk=pk)


def transparency_entity(user, pk) -> Entity:
    """The entity of the transparency page: its members, administrators and accountants."""
    return assembly_entity(user, pk)


def recent_decisions(user, entity, limit: int = 3) -> list[Assembly]:
    return list(decisions(user, entity)[:limit])
