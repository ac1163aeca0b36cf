"""The demo week's past visits get validated sheets with photos and a signature."""

import datetime

import pytest

from compagnon.fieldwork.models import VisitState
from compagnon.interventions.demo import seed_interventions
from compagnon.interventions.models import Presence, Sheet, SheetState

from .helpers import visit_for, world

pytestmark = pytest.mark.django_db


def test_demo_sheets_for_the_past_visits_of_the_week():
    w = world()
    today = datetime.date.today()
    if today.weekday() == 0:
        pytest.skip("on a Monday the demo week has no past visit yet")
    past = visit_for(
        w.member,
        w.activity,
        w.client,
        sector=w.sector,
        contract=w.contract,
        day=today - datetime.timedelta(days=1),
    )
    result = seed_interventions(w.entity, today=today)
    assert result["sheets"] == 1
    sheet = Sheet.objects.get(visit=past)
    assert sheet.state == SheetState.VALIDATED and sheet.signature and sheet.photos.count() == 2
    assert sheet.minutes == 120 and Presence.objects.filter(visit=past).count() == 2
    past.refresh_from_db()
    assert past.state == VisitState.DONE
    assert not Sheet.objects.filter(visit=w.visit).exists()  # today's visit is still to do
    assert seed_interventions(w.entity, today=today)["sheets"] == 0
    assert w.sector.stock.count() == 3 and w.sector.equipment.count() == 2
