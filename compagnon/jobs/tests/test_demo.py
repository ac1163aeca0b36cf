"""The demo seeds jobs through the services, once."""

from __future__ import annotations

import pytest

from compagnon.jobs.demo import seed
from compagnon.jobs.models import Job, JobStep, Offer

from .helpers import world

pytestmark = pytest.mark.django_db


def test_the_demo_declares_jobs_and_an_offer_once():
    w = world()
    assert seed([w.entity]) == {"jobs": 2, "offers": 1}
    assert Job.objects.filter(entity=w.entity).count() == 2
    assert JobStep.objects.filter(job__entity=w.entity, kind="client", state="missing").exists()  # no email
    assert Offer.objects.filter(entity=w.entity).count() == 1
    assert seed([w.entity]) == {"jobs": 0, "offers": 0}
