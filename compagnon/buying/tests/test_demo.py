"""The demo data: terms on two suppliers, ratings, one open group purchase with participants;
seeding twice adds nothing."""

import pytest

from compagnon.purchases import suppliers

from ..demo import seed_demo_buying
from ..models import GroupPurchase, GroupState, SupplierRating, SupplierTerms
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_demo_seeds_terms_ratings_and_an_open_group_purchase_once():
    c = coop()
    suppliers.save_supplier(actor=c["accountant"], entity=c["entity"], name="Pépinière du Val")
    out = seed_demo_buying([c["entity"]])
    assert out == {"terms": 2, "ratings": 6, "groups": 1}
    assert SupplierTerms.objects.filter(supplier__entity=c["entity"]).count() == 2
    g = GroupPurchase.objects.get(entity=c["entity"])
    assert g.state == GroupState.OPEN and g.participations.count() == 3
    assert seed_demo_buying([c["entity"]]) == {"terms": 0, "ratings": 0, "groups": 0}
    assert SupplierRating.objects.count() == 6
