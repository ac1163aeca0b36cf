"""Demo data: in the first entity, one activity asks another for work (photos for a client job),
the other accepts and issues its internal invoice (tied to no client document, so settled at
once). Everything goes through the services, acted by the holders; texts in the entity's language.
Idempotent: an entity that already has a subcontract is left alone."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from compagnon.members.models import ActivityMembership, ActivityRole, ActivityStatus, MemberStatus

from . import services
from .models import Subcontract


def _holders(entity) -> list[ActivityMembership]:
    out, members = [], set()
    for m in (
        ActivityMembership.objects.filter(activity__entity=entity, role=ActivityRole.HOLDER, member__user__isnull=False)
        .exclude(activity__status=ActivityStatus.CLOSED)
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("activity__entity", "member__user")
        .order_by("activity_id")
    ):
        if m.member_id in members:
            continue
        members.add(m.member_id)
        out.append(m)
        if len(out) == 2:
            break
    return out


def seed(entities) -> dict:
    """One subcontract with its internal invoice, in the first entity that has two activities held
    by two different people."""
    out = {"subcontracts": 0, "internal_invoices": 0}
    for entity in entities:
        if Subcontract.objects.filter(entity=entity).exists():
            return out
        pair = _holders(entity)
        if len(pair) < 2:
            continue
        ordering, provider = pair
        with translation.override(entity.default_language):
            s = services.ask(
                actor=ordering.member.user, ordering=ordering.activity, provider=provider.activity,
                description=_("Photos of the finished work for the client's brochure"), amount=Decimal("450.00"),
            )
            services.accept(actor=provider.member.user, subcontract=s)
            services.issue_by_hand(actor=provider.member.user, subcontract=s)
        out["subcontracts"] += 1
        out["internal_invoices"] += 1
        return out
    return out


seed_demo_subcontracting = seed
