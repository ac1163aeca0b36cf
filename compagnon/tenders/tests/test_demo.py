"""The demo seeds tenders through the services, once."""

from __future__ import annotations

import pytest

from compagnon.jobs.models import Job
from compagnon.notifications.models import Notification
from compagnon.tenders.demo import seed_demo_tenders
from compagnon.tenders.models import AdminDocument, Answer, Notice

from .helpers import world

pytestmark = pytest.mark.django_db


def test_the_demo_imports_matches_answers_and_wins_once():
    w = world()
    w.member.user.email, w.colleague.user.email = "member1@demo.coop", "lea.rousseau@demo.coop"
    w.member.user.save()
    w.colleague.user.save()
    assert seed_demo_tenders([w.entity]) == {"notices": 4, "answers": 2, "documents": 4}
    assert set(Notice.objects.values_list("source", flat=True)) == {"boamp", "ted", "hand"}
    assert Notification.objects.filter(user=w.member.user, title__contains="for you").count() == 3
    assert Notification.objects.filter(user=w.tech.user, title__contains="for you").count() == 1
    assert Answer.objects.filter(state="won").count() == 1
    assert Job.objects.count() == 2
    assert sorted(a.status() for a in AdminDocument.objects.all()) == ["soon", "valid", "valid", "valid"]
    assert seed_demo_tenders([w.entity]) == {"notices": 0, "answers": 0, "documents": 0}
