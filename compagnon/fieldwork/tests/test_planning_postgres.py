"""Two people planning two visits for the same member at the same time: one is planned, the other
is refused as overlapping (the member's row is locked while the calendar is checked). On SQLite
writers are serialised anyway; the race needs PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from compagnon.core.tests.threads import together
from compagnon.fieldwork import services
from compagnon.fieldwork.models import Visit, VisitState

from .factories import VisitFactory, at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers: SQLite serialises them, PostgreSQL runs them side by side",
    ),
]
DAY = datetime.date(2027, 5, 4)


def test_two_overlapping_visits_planned_at_once_for_one_member_give_one_plan(nantes):
    first = VisitFactory(activity=nantes.activity, sector=nantes.sector)
    second = VisitFactory(activity=nantes.activity, sector=nantes.sector)

    def plan(visit, hour, who):
        return lambda: services.plan_visit(
            user=who.user, visit=visit, member=nantes.member, day=DAY, starts_at=at(DAY, hour)
        )

    for _ in range(3):  # a race can be won by luck once; three rounds
        Visit.objects.filter(pk__in=[first.pk, second.pk]).update(
            state=VisitState.TO_PLAN, member=None, starts_at=None, day=None
        )
        done, errors = together([plan(first, 9, nantes.member), plan(second, 10, nantes.lead)])
        assert len(done) == 1 and len(errors) == 1
        assert isinstance(errors[0], ValidationError) and "overlaps" in str(errors[0])
        assert Visit.objects.filter(member=nantes.member, state=VisitState.PLANNED).count() == 1
