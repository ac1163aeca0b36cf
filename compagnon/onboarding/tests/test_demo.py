"""The demo: per entity a path of six steps for new members and one of five for the first months,
given to its members, one member on the way, the kit; seeding twice adds nothing."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, staff
from compagnon.knowledge.demo import seed_demo_knowledge

from ..demo import seed_demo_onboarding
from ..models import Assignment, Completion, KitContact, KitFile, Path, Step

pytestmark = pytest.mark.django_db


def test_demo_paths_kit_and_progress_once():
    entities = []
    for belgian in (False, True):
        office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
        staff(Role.ADMIN, office.entity)
        MemberFactory(office=office)
        MemberFactory(office=office)
        entities.append(office.entity)
    seed_demo_knowledge(entities)
    out = seed_demo_onboarding(entities)
    assert out == {"paths": 4, "steps": 22, "members": 4, "kit": 8}
    assert Path.objects.count() == 4 and Step.objects.filter(article__isnull=False).count() == 10
    assert Assignment.objects.filter(active=True).count() == 4 and Completion.objects.count() == 4
    assert KitFile.objects.count() == 4 and KitContact.objects.count() == 4
    belgian_path = Path.objects.get(entity=entities[1], maturity="new")
    assert belgian_path.title("nl") == "Je eerste stappen"
    assert seed_demo_onboarding(entities) == {"paths": 0, "steps": 0, "members": 0, "kit": 0}
