"""The demo data: events in each office and for the whole cooperative, one full with a waiting
list, a proposal, a past training with a certificate for the first member, training requests, a
mentoring pair; seeding twice adds nothing."""

import pytest

from compagnon.members.models import Maturity

from ..demo import seed_demo_events
from ..models import (
    Certificate,
    Event,
    EventStatus,
    MentorMeeting,
    MentorPair,
    Registration,
    TrainingRequest,
)
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_agenda_trainings_and_mentoring_once():
    c = coop()
    c["members"][3].maturity = Maturity.ESTABLISHED
    c["members"][3].save()
    c["members"][3].trades.add(c["trade"])
    entity = c["entity"]
    out = seed_demo_events([entity])
    assert out["events"] == Event.objects.filter(entity=entity).count() == 9
    assert Event.objects.filter(entity=entity, office__isnull=True).count() == 2
    full = Event.objects.get(entity=entity, waiting_count__gt=0)
    assert full.registered_count == full.capacity and full.waiting_count == 2
    assert Event.objects.filter(entity=entity, status=EventStatus.PROPOSED).count() == 1
    first = c["members"][0]
    cert = Certificate.objects.get(registration__member=first)
    assert cert.content["name"] == str(first.user) and cert.content["hours"] == "3.50"
    assert Registration.objects.filter(event__kind="training", attendance="absent").count() == 1
    assert TrainingRequest.objects.filter(entity=entity).count() == out["requests"] == 5
    pair = MentorPair.objects.get(entity=entity)
    assert pair.mentor == c["members"][3] and MentorMeeting.objects.filter(pair=pair).count() == 1
    again = seed_demo_events([entity])
    assert again == {"events": 0, "registrations": 0, "certificates": 0, "requests": 0, "pairs": 0}
    assert Event.objects.filter(entity=entity).count() == 9
