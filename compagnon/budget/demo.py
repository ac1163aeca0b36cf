"""Demo budget: contribution rates and rules for the demo entities, and a few movements."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.members.models import ActivityMembership

from .models import (
    BudgetPolicy,
    ContributionRate,
    Movement,
    MovementStatus,
    ReserveRule,
    RevenueKind,
)


def seed_demo_budget(activities) -> int:
    """Idempotent. ``activities``: the demo activities, the gardener's collective among them."""
    activities = list(activities)
    entities = {a.entity_id: a.entity for a in activities}
    start = datetime.date(timezone.localdate().year, 1, 1)
    created = 0
    for entity in entities.values():
        if ContributionRate.objects.filter(entity=entity).exists():
            continue
        services_rate = Decimal("11.00") if entity.jurisdiction == "FR" else Decimal("10.00")
        ContributionRate.objects.create(
            entity=entity, revenue_kind=RevenueKind.SERVICES, rate=services_rate, valid_from=start
        )
        ContributionRate.objects.create(
            entity=entity, revenue_kind=RevenueKind.GOODS, rate=Decimal("6.00"), valid_from=start
        )
        if entity.jurisdiction == "FR":
            BudgetPolicy.objects.get_or_create(
                entity=entity,
                defaults={
                    "reserve_rule": ReserveRule.SALARY_MONTHS,
                    "reserve_months": Decimal("1"),
                    "auto_approve_below": Decimal("200"),
                },
            )
        else:
            BudgetPolicy.objects.get_or_create(
                entity=entity,
                defaults={"reserve_rule": ReserveRule.FIXED, "reserve_amount": Decimal("500")},
            )
        created += 3
    created += _movements(activities)
    return created


def _movements(activities) -> int:
    if Movement.objects.exists():
        return 0
    from . import services

    collective = next((a for a in activities if a.name == "Jardins Partagés Nantais"), None)
    if collective is None:
        return 0
    holders = list(
        ActivityMembership.objects.filter(activity=collective).select_related("member__user")
    )
    for membership in holders:
        member = membership.member
        own = next(
            (
                m.activity
                for m in member.activity_memberships.select_related("activity__entity")
                if m.activity_id != collective.pk
            ),
            None,
        )
        if own is None:
            continue
        user = member.user
        made = 0
        for amount, reason in (
            (Decimal("120.00"), "Part des plants achetés pour le collectif"),
            (Decimal("80.00"), "Outils prêtés au collectif"),
        ):
            try:
                movement = services.request_movement(
                    actor=user, source=own, target=collective, amount=amount, reason=reason
                )
            except ValidationError:
                movement = Movement.objects.create(
                    entity=own.entity,
                    source=own,
                    target=collective,
                    amount=amount,
                    reason=reason,
                    requested_by=member,
                )
            made += 1
            if movement.status == MovementStatus.PENDING and made == 2:
                admin = RoleAssignment.objects.filter(
                    role=Role.ADMIN, entity_id=own.entity_id
                ).first()
                if admin is not None:
                    services.refuse(
                        actor=admin.user,
                        movement=movement,
                        reason="Ces outils restent à toi : note-les plutôt dans le carnet de prêt.",
                    )
        return made
    return 0
