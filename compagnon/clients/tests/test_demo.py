"""The demo cooperative gets believable clients that obey every rule."""

import pytest

from compagnon.clients.demo import seed_demo_clients
from compagnon.clients.models import Client, RelationshipEntry
from compagnon.core.demo import rng
from compagnon.jurisdictions.parties import validate_party
from compagnon.members.models import Activity

pytestmark = pytest.mark.django_db


def test_demo_activities_get_valid_french_and_belgian_clients_once(demo_data):  # seed_demo seeds clients
    activities = {a.name: a for a in Activity.objects.select_related("entity")}
    assert Client.objects.count() > 30
    camille = Client.objects.filter(activity__name="Les Jardins de Camille")
    assert camille.filter(kind="individual").exists() and camille.filter(kind="company").exists()
    assert Client.objects.filter(activity__name="Yanis Informatique", country="BE").exists()
    assert Client.objects.filter(country="BE", peppol_scheme="0208").exists()
    assert Client.objects.filter(country="FR", peppol_scheme="0009").exists()
    for c in Client.objects.exclude(kind="individual"):
        checked = validate_party(c.country, c.kind, c.company_number, c.vat_number)
        assert (checked["company_number"], checked["vat_number"]) == (
            c.company_number,
            c.vat_number,
        )
    assert RelationshipEntry.objects.filter(done=True).exists()
    assert RelationshipEntry.objects.filter(kind="reflection").exists()
    assert seed_demo_clients(activities, rng(2026)) == 0
