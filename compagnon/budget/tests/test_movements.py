"""Movements between activities: asked by a member, decided by an advisor (or automatically),
posted once as one balanced entry, within the available budget, in an open period."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.budget import selectors, services
from compagnon.budget.ledger_checks import movements_posted_once
from compagnon.budget.models import BudgetPolicy, MovementStatus
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    advisor_of,
    member_with_activity,
)
from compagnon.ledger.models import Entry, PeriodLock
from compagnon.members.models import ActivityMembership, Maturity
from compagnon.organisation.models import Entity

from .helpers import books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def two():
    """A member with two activities; the first cashed 1,000 (no VAT, no contribution)."""
    member, first = member_with_activity()
    second = ActivityFactory(entity=first.entity, holder=member)
    books(first.entity)
    Entity.objects.filter(pk=first.entity_id).update(contribution_rate=D("0"))
    first.entity.refresh_from_db()
    post_sale(first, net=D("1000"), rate=D("0"))
    post_payment(first, amount=D("1000"))
    return member, first, second


def test_asked_then_approved_by_the_advisor_is_one_balanced_entry_moving_the_budgets(two):
    member, first, second = two
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("300"), reason="tools"
    )
    assert m.status == MovementStatus.PENDING
    advisor = advisor_of(member.office)
    m = services.approve(actor=advisor, movement=m)
    assert m.status == MovementStatus.APPROVED and m.entry.is_balanced
    assert {(line.activity_id, line.debit, line.credit) for line in m.entry.lines.all()} == {
        (first.pk, D("300.00"), D("0.00")),
        (second.pk, D("0.00"), D("300.00")),
    }
    assert selectors.compute(first).available == D("700.00")
    assert selectors.compute(second).available == D("300.00")
    assert list(movements_posted_once(Entity.objects.all())) == []


def test_approving_twice_posts_once(two):
    member, first, second = two
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("10"), reason="x"
    )
    advisor = advisor_of(member.office)
    services.approve(actor=advisor, movement=m)
    services.approve(actor=advisor, movement=m)
    assert Entry.objects.filter(source_type="budget.movement", source_id=m.pk).count() == 1


def test_more_than_available_is_refused(two):
    member, first, second = two
    with pytest.raises(ValidationError) as e:
        services.request_movement(
            actor=member.user, source=first, target=second, amount=D("1000.01"), reason="x"
        )
    assert "amount" in e.value.message_dict


def test_refusal_with_a_reason_the_member_reads(client, two):
    member, first, second = two
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("10"), reason="x"
    )
    with pytest.raises(ValidationError):
        services.refuse(actor=advisor_of(member.office), movement=m, reason=" ")
    services.refuse(actor=advisor_of(member.office), movement=m, reason="Pas ce mois-ci")
    client.force_login(member.user)
    assert "Pas ce mois-ci" in client.get(f"/activities/{first.pk}/budget/").content.decode()


def test_only_the_members_advisor_or_an_admin_decides(two):
    member, first, second = two
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("10"), reason="x"
    )
    with pytest.raises(PermissionDenied):
        services.approve(actor=member.user, movement=m)
    with pytest.raises(PermissionDenied):
        services.approve(actor=advisor_of(MemberFactory().office), movement=m)


def test_established_members_below_the_threshold_are_approved_at_once(two):
    member, first, second = two
    BudgetPolicy.objects.create(entity=first.entity, auto_approve_below=D("100"))
    member.maturity = Maturity.ESTABLISHED
    member.save()
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("99"), reason="x"
    )
    assert m.status == MovementStatus.APPROVED and m.automatic and m.entry_id
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("100"), reason="x"
    )
    assert m.status == MovementStatus.PENDING


def test_a_closed_period_refuses_the_posting(two):
    member, first, second = two
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("10"), reason="x"
    )
    PeriodLock.objects.create(entity=first.entity, locked_until=timezone.localdate())
    with pytest.raises(ValidationError):
        services.approve(actor=advisor_of(member.office), movement=m)
    m.refresh_from_db()
    assert m.status == MovementStatus.PENDING and m.entry_id is None


def test_from_a_collective_a_member_moves_at_most_their_share(two):
    member, first, second = two
    colleague = MemberFactory(office=member.office)
    ActivityMembership.objects.create(activity=first, member=colleague, share=D("40"))
    ActivityMembership.objects.filter(activity=first, member=member).update(share=D("60"))
    assert services.limit_for(member.pk, first) == D("600.00")
    with pytest.raises(ValidationError):
        services.request_movement(
            actor=member.user, source=first, target=second, amount=D("601"), reason="x"
        )


def test_only_to_ones_own_activities(two):
    member, first, second = two
    other, foreign = member_with_activity(office=member.office)
    with pytest.raises(ValidationError):
        services.request_movement(
            actor=member.user, source=first, target=foreign, amount=D("1"), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.request_movement(
            actor=other.user, source=first, target=foreign, amount=D("1"), reason="x"
        )
