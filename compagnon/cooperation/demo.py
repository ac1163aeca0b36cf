"""Demo data: per entity, a few confirmed barter exchanges and one waiting for confirmation
between demo members who have activities; in the French entity, one shared position across two or
three activities (all shares accepted) with last month charged. Everything goes through the
services, acted by the people concerned; texts in the entity's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Member,
    MemberStatus,
)

from . import barter, positions
from .models import BarterExchange, SharedPosition


def _admin(entity):
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADMIN).select_related("user").first()
    return ra.user if ra else None


def seed_demo_cooperation(entities) -> dict:
    """Idempotent: an entity that already has exchanges (or positions) is left alone."""
    out = {"exchanges": 0, "positions": 0, "charges": 0}
    today = timezone.localdate()
    for entity in entities:
        with translation.override(entity.default_language):
            if not BarterExchange.objects.filter(entity=entity).exists():
                out["exchanges"] += _barter(entity, today)
            if entity.jurisdiction == "FR" and not SharedPosition.objects.filter(entity=entity).exists():
                made = _position(entity, today)
                out["positions"] += bool(made)
                out["charges"] += made
    return out


def _working_members(entity) -> list[Member]:
    return list(
        Member.objects.filter(entity=entity, activity_memberships__isnull=False, user__isnull=False)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user", "entity")
        .distinct()
        .order_by("number")[:4]
    )


def _barter(entity, today) -> int:
    people = _working_members(entity)
    if len(people) < 2:
        return 0
    a, b = people[0], people[1]
    c = people[2] if len(people) > 2 else a
    plan = [
        (a, b, 20, Decimal("2"), _("Help with a website"), True),
        (b, a, 14, Decimal("1.5"), _("Proofreading of a quote"), True),
        (c if c != b else a, b, 9, Decimal("3"), _("Photos for a portfolio"), True),
        (b, c if c != b else a, 2, Decimal("1"), _("Advice on a spreadsheet"), False),
    ]
    made = 0
    for giver, receiver, days, hours, what, confirm in plan:
        if giver == receiver:
            continue
        ex = barter.record_exchange(
            actor=giver.user, receiver=receiver, date=today - datetime.timedelta(days=days), hours=hours, description=what
        )
        if confirm:
            barter.confirm_exchange(actor=receiver.user, exchange=ex)
        made += 1
    return made


def _position(entity, today) -> int:
    admin = _admin(entity)
    if admin is None:
        return 0
    holders = {}
    for m in (
        ActivityMembership.objects.filter(
            activity__entity=entity, role=ActivityRole.HOLDER, member__user__isnull=False
        )
        .exclude(activity__status=ActivityStatus.CLOSED)
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("activity", "member__user")
        .order_by("activity_id")
    ):
        holders.setdefault(m.activity_id, m)
        if len(holders) == 3:
            break
    if len(holders) < 2:
        return 0
    rows = list(holders.values())
    percents = [Decimal("40"), Decimal("35"), Decimal("25")] if len(rows) == 3 else [Decimal("60"), Decimal("40")]
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    employer = Activity.objects.filter(pk=rows[0].activity_id).first()
    p = positions.create_position(
        actor=admin, entity=entity, title=_("Shared administrative assistant"), hours_per_week=Decimal("10"),
        employer=employer, monthly_cost=Decimal("1000.00"), starts_on=last_month,
        shares=[(m.activity, pct) for m, pct in zip(rows, percents, strict=True)],
    )
    for m in rows:
        share = p.shares.get(activity_id=m.activity_id)
        positions.accept_share(actor=m.member.user, share=share)
    return 1 if positions.charge_month(position=p, month=last_month, actor=admin) else 0
