import pytest

from compagnon.core.tests.factories import EntityFactory, OfficeFactory

from .factories import SectorFactory, gardener


@pytest.fixture
def nantes(db):
    """A French entity with a sector of gardeners in Nantes (a lead and a member) and a sector
    elsewhere with its own member."""
    entity = EntityFactory()
    office = OfficeFactory(entity=entity)
    sector = SectorFactory(entity=entity, office=office, postcodes=["44000", "44300"])
    lead, lead_activity = gardener(sector, office, lead=True)
    member, activity = gardener(sector, office)
    other_sector = SectorFactory(entity=entity, office=office, postcodes=["44200"], name="Sud")
    outsider, outsider_activity = gardener(other_sector, office)

    class Nantes:
        pass

    n = Nantes()
    n.entity, n.office, n.sector, n.other_sector = entity, office, sector, other_sector
    n.lead, n.lead_activity, n.member, n.activity = lead, lead_activity, member, activity
    n.outsider, n.outsider_activity = outsider, outsider_activity
    return n
