"""The demo seeds recruiting through the services, once."""

from __future__ import annotations

import pytest

from compagnon.recruiting.demo import seed_demo_recruiting
from compagnon.recruiting.models import Application, Call, Meeting, SignUp, Step

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_step_once(w):
    made = seed_demo_recruiting([w.entity])
    assert made == {"applications": 7, "meetings": 2, "calls": 1}
    steps = set(Application.objects.filter(entity=w.entity).values_list("step", flat=True))
    assert steps == {s.value for s in Step}
    refused = Application.objects.get(entity=w.entity, step=Step.REFUSED)
    assert refused.refusal_reason and refused.purge_after
    assert Application.objects.get(step=Step.JOINED).member is not None
    assert SignUp.objects.filter(meeting__entity=w.entity).count() == 2
    assert Meeting.objects.filter(entity=w.entity).count() == 2 and Call.objects.filter(published=True).count() == 1
    assert seed_demo_recruiting([w.entity]) == {"applications": 0, "meetings": 0, "calls": 0}
