"""Blocking someone stops them writing (saying why); what was written stays readable; unblocking.
A new message notifies each other participant once per conversation while they have not read it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon.notifications.models import Notification

from .. import services
from ..models import Block, Message
from .helpers import auth

pytestmark = pytest.mark.django_db


def test_a_blocked_person_can_no_longer_write_and_is_told_why(client, c):
    a, b = c["a"], c["b"]
    conv = services.start_conversation(actor=a, recipients=[b], body="Are you free?").conversation
    client.force_login(b)
    url = reverse("messaging-person-block", args=[a.pk, "block"])
    assert client.post(url).status_code == 302 and Block.objects.filter(blocker=b, blocked=a).exists()
    client.force_login(a)
    page = client.get(reverse("messaging-conversation", args=[conv.pk])).content.decode()
    assert "Are you free?" in page  # still readable
    assert f"{b} has blocked messages from you" in page and 'data-message-form' not in page
    r = client.post(reverse("messaging-conversation", args=[conv.pk]), {"body": "Hello?"})
    assert r.status_code == 400 and f"{b} has blocked messages from you" in r.content.decode()
    r = client.post(reverse("messaging-compose"), {"to": [b.pk], "body": "A new one"})
    assert r.status_code == 400 and "has blocked messages from you" in r.content.decode()
    assert f"{b} has blocked" in client.get(reverse("messaging-compose"), {"to": b.pk}).content.decode()
    assert f'value="{b.pk}"' not in client.get(reverse("messaging-compose"), {"q": b.last_name}).content.decode()
    client.logout()
    r = client.post(f"/api/v1/messages/conversations/{conv.pk}/messages/", {"body": "API?"}, **auth(a))
    assert r.status_code == 400 and "body" in r.json()["error"]["fields"]
    # b still writes to a, and reads everything
    services.send_message(actor=b, conversation=conv, body="Please stop.")
    assert Message.objects.count() == 2
    client.force_login(b)
    assert str(a) in client.get(reverse("messaging-blocked")).content.decode()
    assert client.post(reverse("messaging-person-block", args=[a.pk, "unblock"])).status_code == 302
    services.send_message(actor=a, conversation=conv, body="Sorry.")
    assert Message.objects.count() == 3


def test_staff_cannot_be_blocked_and_strangers_are_404(client, c):
    with pytest.raises(ValidationError):
        services.block_person(actor=c["a"], user=c["advisor"])
    client.force_login(c["a"])
    assert client.post(reverse("messaging-person-block", args=[c["outsider"].pk, "block"])).status_code == 404
    client.logout()
    r = client.post("/api/v1/messages/blocks/", {"user": c["advisor"].pk}, **auth(c["a"]))
    assert r.status_code == 400 and "user" in r.json()["error"]["fields"]
    assert client.post("/api/v1/messages/blocks/", {"user": c["outsider"].pk}, **auth(c["a"])).status_code == 404
    r = client.post("/api/v1/messages/blocks/", {"user": c["b"].pk}, **auth(c["a"]))
    assert r.status_code == 201 and r.json()["user"] == c["b"].pk
    assert [x["user"] for x in client.get("/api/v1/messages/blocks/", **auth(c["a"])).json()["results"]] == [c["b"].pk]
    assert client.delete(f"/api/v1/messages/blocks/{c['b'].pk}/", **auth(c["a"])).status_code == 204
    assert not Block.objects.exists()


def _notices(user):
    return Notification.objects.filter(user=user, key__startswith="messaging:")


def test_one_notification_per_conversation_while_unread(client, c):
    a, b, d = c["a"], c["b"], c["d"]
    conv = services.start_conversation(actor=a, recipients=[b, d], body="1").conversation
    for text in ("2", "3"):
        services.send_message(actor=a, conversation=conv, body=text)
    assert _notices(b).count() == 1 and _notices(d).count() == 1 and _notices(a).count() == 0
    notice = _notices(b).get()
    assert notice.url == reverse("messaging-conversation", args=[conv.pk]) and str(a) in notice.title
    assert "1" not in notice.body  # the message itself is never copied into a notification
    client.force_login(b)
    client.get(reverse("messaging-conversation", args=[conv.pk]))  # read: the notification too
    assert _notices(b).get().read_at is not None
    services.send_message(actor=d, conversation=conv, body="4")
    assert _notices(b).count() == 2 and _notices(b).filter(read_at__isnull=True).count() == 1
    assert _notices(a).count() == 1
    other = services.start_conversation(actor=d, recipients=[b], body="elsewhere").conversation
    assert _notices(b).count() == 3
    services.mark_all_read(actor=b)
    assert not _notices(b).filter(read_at__isnull=True).exists()
    assert other.pk != conv.pk
