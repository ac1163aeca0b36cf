import pytest

from compagnon.core.tests.factories import ActivityFactory, EntityFactory, UserFactory
from compagnon.ledger.demo import seed_demo_ledger
from compagnon.ledger.models import Account, Journal

from .factories import books, post_sale

pytestmark = pytest.mark.django_db


def test_the_demo_installs_each_entitys_chart_once():
    entities = [EntityFactory(), EntityFactory(belgian=True)]
    assert seed_demo_ledger(entities) > 0
    counts = (Account.objects.count(), Journal.objects.count())
    assert seed_demo_ledger(entities) == 0
    assert (Account.objects.count(), Journal.objects.count()) == counts
    assert {j.code for j in Journal.objects.filter(entity=entities[1])} == {"VE", "AC", "FI", "OD"}


def test_the_admin_shows_entries_read_only(client):
    entry = post_sale(ActivityFactory(entity=books(EntityFactory())))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/ledger/entry/").status_code == 200
    page = client.get(f"/admin/ledger/entry/{entry.pk}/change/")
    assert page.status_code == 200 and entry.label in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/ledger/entry/add/").status_code == 403
    assert (
        client.post(f"/admin/ledger/entry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
