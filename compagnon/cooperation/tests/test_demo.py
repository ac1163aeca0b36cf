"""The demo seed: exchanges in each entity (one waiting), a position in the French entity with
last month charged; running it twice adds nothing."""

from decimal import Decimal

import pytest

from compagnon.core.tests.factories import OfficeFactory, member_with_activity
from compagnon.ledger.tests.factories import books

from ..demo import seed_demo_cooperation
from ..models import BarterExchange, ExchangeStatus, PositionCharge, SharedPosition
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent():
    c = coop()
    be_office = OfficeFactory(entity__belgian=True)
    books(be_office.entity)
    for _ in range(2):
        member_with_activity(be_office)
    entities = [c["entity"], be_office.entity]
    out = seed_demo_cooperation(entities)
    assert out["positions"] == 1 and out["charges"] == 1
    for e in entities:
        qs = BarterExchange.objects.filter(entity=e)
        assert qs.filter(status=ExchangeStatus.CONFIRMED).count() >= 2
        assert qs.filter(status=ExchangeStatus.PENDING).count() == 1
    p = SharedPosition.objects.get()
    assert p.entity == c["entity"] and p.shares.count() == 3
    charge = PositionCharge.objects.get()
    assert charge.entry.is_balanced and charge.amount == Decimal("1000.00")
    again = seed_demo_cooperation(entities)
    assert again == {"exchanges": 0, "positions": 0, "charges": 0}
