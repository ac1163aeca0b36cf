"""The demo's field service: sectors, catalogue, contracts with this week's visits, open requests."""

import datetime

import pytest
from django.utils import timezone

from compagnon.core.tests.factories import (
    ActivityFactory,
    EntityFactory,
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    UserFactory,
)
from compagnon.fieldwork.demo import seed_fieldwork
from compagnon.fieldwork.models import Request, RequestState, Visit

pytestmark = pytest.mark.django_db


def test_seed_fieldwork_twice_changes_nothing_more():
    entity = EntityFactory()
    office = OfficeFactory(entity=entity, name="Nantes")
    gardening, it = TradeFactory(code="gardening"), TradeFactory(code="it-repair")
    camille = MemberFactory(office=office, user=UserFactory(email="member1@demo.coop"))
    camille.trades.add(gardening)
    lea = MemberFactory(office=office, user=UserFactory(email="lea.rousseau@demo.coop"))
    yanis = MemberFactory(office=office, user=UserFactory(email="member2@demo.coop"))
    ActivityFactory(entity=entity, name="Les Jardins de Camille", trade=gardening, holder=camille)
    ActivityFactory(entity=entity, name="Jardins Partagés Nantais", trade=gardening, holder=lea)
    ActivityFactory(entity=entity, name="Yanis Informatique", trade=it, holder=yanis)
    first = seed_fieldwork(entity)
    assert first["sectors"] == 2 and first["contracts"] == 8 and first["requests"] == 2
    assert seed_fieldwork(entity) == {"sectors": 0}
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    week = Visit.objects.filter(day__gte=monday, day__lte=monday + datetime.timedelta(days=6))
    assert week.count() >= 6 and week.filter(member=camille).exists()
    assert Visit.objects.filter(contract__activity__name="Yanis Informatique").exists()
    assert set(Request.objects.values_list("state", flat=True)) == {RequestState.OFFERED}
