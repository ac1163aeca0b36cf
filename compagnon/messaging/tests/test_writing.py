"""Writing: whom one may write to, a new conversation and replies, sent twice saved once, what the
phone's queue gets back, reading, archiving; what was typed stays when something is refused."""

import uuid

import pytest
from django.urls import reverse

from .. import services
from ..models import Conversation, Message, Participant

pytestmark = pytest.mark.django_db


def test_the_picker_offers_colleagues_and_staff_of_the_cooperative_only(client, c):
    client.force_login(c["a"])
    for who in ("b", "c", "d", "advisor", "support", "accountant", "admin"):
        person = c[who]
        body = client.get(reverse("messaging-compose"), {"q": person.last_name}).content.decode()
        assert f'value="{person.pk}"' in body, who
    for who in ("outsider", "foreign_admin"):
        person = c[who]
        body = client.get(reverse("messaging-compose"), {"q": person.last_name}).content.decode()
        assert f'value="{person.pk}"' not in body, who
    r = client.get(reverse("messaging-compose"), {"q": c["advisor"].last_name}, HTTP_HX_REQUEST="true",
                   HTTP_HX_TARGET="people")
    assert r.status_code == 200 and "<html" not in r.content.decode() and "Advisor" in r.content.decode()
    r = client.get(reverse("messaging-compose"), {"q": c["support"].last_name}, HTTP_HX_REQUEST="true",
                   HTTP_HX_TARGET="people")
    assert "Support agent (legal)" in r.content.decode()


def test_a_link_from_the_directory_chooses_the_person(client, c):
    client.force_login(c["a"])
    body = client.get(reverse("messaging-compose"), {"to": c["d"].pk}).content.decode()
    assert f'value="{c["d"].pk}" form="compose-form" checked' in body
    body = client.get(reverse("messaging-compose"), {"to": c["outsider"].pk}).content.decode()
    assert f'value="{c["outsider"].pk}"' not in body
    assert client.get(reverse("messaging-compose"), {"to": "abc"}).status_code == 400


def test_writing_a_new_message_and_answering(client, c):
    client.force_login(c["a"])
    key = uuid.uuid4()
    data = {"to": [c["b"].pk, c["advisor"].pk], "subject": "Van", "body": "Who needs the van?", "client_key": key}
    r = client.post(reverse("messaging-compose"), data)
    conv = Conversation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/messages/{conv.pk}/?sent={key}#latest"
    assert conv.entity == c["entity"] and conv.people == 3 and conv.message_count == 1
    assert client.post(reverse("messaging-compose"), data).status_code == 302  # a double tap
    assert Message.objects.count() == 1 and Conversation.objects.count() == 1
    client.force_login(c["b"])
    url = reverse("messaging-conversation", args=[conv.pk])
    assert "Who needs the van?" in client.get(url).content.decode()
    reply = {"body": "Me, on Friday", "client_key": uuid.uuid4()}
    assert client.post(url, reply).status_code == 302
    assert client.post(url, reply).status_code == 302
    assert list(Message.objects.order_by("id").values_list("body", flat=True)) == ["Who needs the van?", "Me, on Friday"]
    conv.refresh_from_db()
    assert conv.message_count == 2 and conv.last_message.body == "Me, on Friday"


def test_the_phone_queue_gets_a_short_answer(client, c):
    client.force_login(c["a"])
    h = {"HTTP_X_COMPAGNON_QUEUED": "1"}
    key = str(uuid.uuid4())
    r = client.post(reverse("messaging-compose"), {"to": [c["b"].pk], "body": "Sent from the train", "client_key": key}, **h)
    assert r.status_code == 200 and r.json()["replayed"] is False
    again = client.post(reverse("messaging-compose"), {"to": [c["b"].pk], "body": "Sent from the train",
                                                       "client_key": key}, **h)
    assert again.json()["replayed"] is True and again.json()["url"] == r.json()["url"]
    assert Message.objects.count() == 1
    r = client.post(reverse("messaging-compose"), {"to": [c["b"].pk], "body": ""}, **h)
    assert r.status_code == 400 and "Write your message" in " ".join(r.json()["errors"])


def test_refused_input_keeps_what_was_typed(client, c):
    client.force_login(c["a"])
    r = client.post(reverse("messaging-compose"), {"to": [c["outsider"].pk], "subject": "Kept subject",
                                                  "body": "Kept words"})
    body = r.content.decode()
    assert r.status_code == 400 and "Kept words" in body and "Kept subject" in body
    assert "members and the staff of your cooperative only" in body
    r = client.post(reverse("messaging-compose"), {"to": [], "body": "Nobody chosen"})
    assert r.status_code == 400 and "Choose at least one person" in r.content.decode()
    conv = services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Hi").conversation
    r = client.post(reverse("messaging-conversation", args=[conv.pk]), {"body": "x" * 10_001})
    assert r.status_code == 400 and "x" * 200 in r.content.decode()
    assert Message.objects.count() == 1


def test_people_of_two_cooperatives_are_not_put_together(c):
    from compagnon.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=c["accountant"], role=Role.ACCOUNTANT, entity=c["outsider"].member.entity)
    with pytest.raises(services.ValidationError) as exc:
        services.start_conversation(actor=c["accountant"], recipients=[c["a"], c["outsider"]], body="Both")
    assert "not all in the same cooperative" in str(exc.value)
    message = services.start_conversation(actor=c["accountant"], recipients=[c["outsider"]], body="Yours")
    assert message.conversation.entity == c["outsider"].member.entity


def test_unread_counts_reading_and_archiving(client, c):
    conv = services.start_conversation(actor=c["a"], recipients=[c["b"]], body="One").conversation
    services.send_message(actor=c["a"], conversation=conv, body="Two")
    part = Participant.objects.get(conversation=conv, user=c["b"])
    assert part.unread == 2 and Participant.objects.get(conversation=conv, user=c["a"]).unread == 0
    client.force_login(c["b"])
    inbox = client.get(reverse("messaging-inbox")).content.decode()
    assert "2 unread messages" in inbox and "2 new" in inbox
    client.get(reverse("messaging-conversation", args=[conv.pk]))
    part.refresh_from_db()
    assert part.unread == 0 and part.last_read_id == conv.messages.order_by("-id").first().pk
    assert client.post(reverse("messaging-conversation-archive", args=[conv.pk, "archive"])).status_code == 302
    assert "Two" not in client.get(reverse("messaging-inbox")).content.decode()
    assert "Two" in client.get(reverse("messaging-inbox"), {"archived": "1"}).content.decode()
    services.send_message(actor=c["a"], conversation=conv, body="Three")  # back in the inbox
    part.refresh_from_db()
    assert not part.archived and part.unread == 1
    assert client.post(reverse("messaging-read-all")).status_code == 302
    part.refresh_from_db()
    assert part.unread == 0


def test_a_member_who_left_reads_but_no_longer_writes(client, c):
    from compagnon.members.models import Member, MemberStatus

    conv = services.start_conversation(actor=c["a"], recipients=[c["c"]], body="Bye").conversation
    Member.objects.filter(user=c["c"]).update(status=MemberStatus.LEFT)
    client.force_login(c["c"])
    body = client.get(reverse("messaging-conversation", args=[conv.pk])).content.decode()
    assert "Bye" in body and "no longer part of this cooperative" in body
    r = client.post(reverse("messaging-conversation", args=[conv.pk]), {"body": "Still here"})
    assert r.status_code == 403
    assert client.get(reverse("messaging-compose")).status_code == 403
