"""The demo seed: a profile for every member with a mix of choices, public pages switched on for
some activities; running it twice adds nothing."""

import pytest

from compagnon.core.tests.factories import OfficeFactory, member_with_activity

from ..demo import seed_demo_directory
from ..models import DirectoryProfile, Showcase, Visibility
from .helpers import world

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent(client):
    w = world()
    be_office = OfficeFactory(entity__belgian=True, city="Gent", postcode="9000")
    for _ in range(4):
        member_with_activity(be_office, city="Gent", postcode="9000")
    entities = [w.entity, be_office.entity]
    out = seed_demo_directory(entities)
    people = DirectoryProfile.objects.filter(entity__in=entities)
    assert out["profiles"] == people.count() == 7
    assert people.filter(configured_at__isnull=True).count() == 0
    assert people.filter(bio_visibility=Visibility.PUBLIC).exists()
    assert people.filter(place_visibility=Visibility.OFFICE).exists()
    assert people.filter(bio_visibility=Visibility.NOBODY, trades_visibility=Visibility.ENTITY).exists()
    assert Showcase.objects.filter(enabled=True).count() == out["showcases"] >= 2
    belgian = DirectoryProfile.objects.filter(entity=be_office.entity).exclude(zone_city="").first()
    assert belgian.zone_lat is not None and belgian.zone_km
    assert seed_demo_directory(entities) == {"profiles": 0, "showcases": 0}
    showcase = Showcase.objects.filter(enabled=True).first()
    assert client.get(f"/showcase/{showcase.slug}/").status_code == 200
