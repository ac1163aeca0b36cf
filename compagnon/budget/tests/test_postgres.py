"""Two taps on "Approve" at the same moment post the movement once; two movements approved at
the same moment never overdraw the source activity (row locks: a PostgreSQL behaviour)."""

from decimal import Decimal

import pytest
from django.db import connection

from compagnon.budget import services
from compagnon.budget.models import Movement, MovementStatus
from compagnon.core.tests.factories import ActivityFactory, advisor_of, member_with_activity
from compagnon.core.tests.threads import together
from compagnon.ledger.models import Entry
from compagnon.organisation.models import Entity

from .helpers import books, post_payment, post_sale

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are a PostgreSQL behaviour"
    ),
]
D = Decimal


@pytest.fixture
def setup():
    member, first = member_with_activity()
    second = ActivityFactory(entity=first.entity, holder=member)
    books(first.entity)
    Entity.objects.filter(pk=first.entity_id).update(contribution_rate=D("0"))
    first.entity.refresh_from_db()
    post_sale(first, net=D("100"), rate=D("0"))
    post_payment(first, amount=D("100"))
    return member, first, second, advisor_of(member.office)


def test_a_double_tap_posts_once(setup):
    member, first, second, advisor = setup
    m = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("60"), reason="x"
    )
    results, errors = together([lambda: services.approve(actor=advisor, movement=m)] * 2)
    assert not errors, errors
    assert Entry.objects.filter(source_type="budget.movement", source_id=m.pk).count() == 1
    assert {r.entry_id for r in results} == {Movement.objects.get(pk=m.pk).entry_id}


def test_two_movements_at_once_never_overdraw(setup):
    member, first, second, advisor = setup
    a = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("60"), reason="a"
    )
    b = services.request_movement(
        actor=member.user, source=first, target=second, amount=D("60"), reason="b"
    )
    results, errors = together(
        [
            lambda: services.approve(actor=advisor, movement=a),
            lambda: services.approve(actor=advisor, movement=b),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert Movement.objects.filter(status=MovementStatus.APPROVED).count() == 1
