"""The demo seed with the whole demo (seed_demo, which calls it, or after it): requests in every
state, one late, canned answers, the collections case of the French entity as a request answered by
the service; running it again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.dunning.models import CaseNote, CollectionCase
from compagnon.organisation.models import Entity

from .. import clock
from ..demo import seed_demo_support
from ..models import CannedAnswer, Kind, State, SupportRequest

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
        entities = list(Entity.objects.order_by("id"))
        seed_demo_support(entities)  # nothing more when seed_demo already ran it
    assert SupportRequest.objects.filter(kind=Kind.QUESTION).count() == 10 and CannedAnswer.objects.count() == 12
    france = next(e for e in entities if e.jurisdiction == "FR")
    camille = User.objects.get(email="member1@demo.coop")
    states = sorted(SupportRequest.objects.filter(entity=france, kind=Kind.QUESTION).values_list("state", flat=True))
    assert states == sorted([State.NEW, State.ANSWERED, State.WAITING, State.CLOSED, State.OPEN])
    now = timezone.now()
    late = [r for r in SupportRequest.objects.filter(entity=france) if clock.read(r, now).kind == "late"]
    assert [r.author for r in late] == [camille] and late[0].service == "accounting"
    case = CollectionCase.objects.get(entity=france)
    request = SupportRequest.objects.get(case=case)
    assert request.state == State.ANSWERED and CaseNote.objects.filter(case=case, for_member=True).count() == 1
    assert CannedAnswer.objects.filter(entity=france).count() == 6
    # the people of the demo see them where they look
    client.force_login(camille)
    assert f'data-request="{late[0].pk}"' in client.get(reverse("support-mine")).content.decode()
    client.force_login(User.objects.get(email="support@demo.coop"))
    queue = client.get(reverse("support-queue") + "?service=collections&show=answered").content.decode()
    assert f'data-request="{request.pk}"' in queue
    holder = case.activity.memberships.filter(role="holder").select_related("member__user").first().member.user
    assert holder.email == "member2@demo.coop"  # Yanis's invoice, the most overdue, was handed over
    client.force_login(holder)
    mine = client.get(reverse("support-mine")).content.decode()
    assert f'data-request="{request.pk}"' in mine
    with django_capture_on_commit_callbacks(execute=True):
        again = seed_demo_support(entities)
    assert again == {"requests": 0, "canned": 0, "cases": 0}
