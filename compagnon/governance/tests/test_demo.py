"""The demo seed: shares for the demo members, a closed assembly with results, an open vote."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, staff

from ..demo import seed_demo_governance
from ..models import AssemblyState, Associate

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_shares_a_closed_and_an_open_assembly():
    office = OfficeFactory()
    staff(Role.ADMIN, office.entity)
    for _ in range(5):
        MemberFactory(office=office)
    assemblies = seed_demo_governance([office.entity])
    assert Associate.objects.filter(entity=office.entity).count() == 5
    past, current = assemblies
    assert past.resolutions.filter(adopted__isnull=False).count() == 2
    current.refresh_from_db()
    assert current.state == AssemblyState.VOTING
    assert seed_demo_governance([office.entity]) == []  # once
