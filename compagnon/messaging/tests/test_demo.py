"""The demo seed: conversations between demo members and with the advisor, one with a file, some
left unread; running it twice adds nothing."""

import pytest

from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity

from ..demo import seed_demo_messaging
from ..models import Attachment, Conversation, Participant

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent():
    office = OfficeFactory()
    people = [member_with_activity(office)[0] for _ in range(3)]
    advisor = advisor_of(office)
    people[0].advisor = advisor
    people[0].save()
    be = OfficeFactory(entity__belgian=True)
    for _ in range(2):
        member_with_activity(be)
    out = seed_demo_messaging([office.entity, be.entity])
    assert out["conversations"] == 4 and out["messages"] == 11
    assert Conversation.objects.filter(entity=office.entity).count() == 3
    assert Conversation.objects.filter(entity=be.entity).count() == 1
    assert Attachment.objects.count() == 1
    assert Participant.objects.filter(user=advisor).count() == 1
    assert Participant.objects.filter(unread__gt=0).exists()
    assert seed_demo_messaging([office.entity, be.entity]) == {"conversations": 0, "messages": 0}
