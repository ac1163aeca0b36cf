"""Nobody but the participants reads a conversation — other members, staff, the entity's
administrators, the Django admin — except the entity's administrators through a report, and then
only up to the message it was reported at. Pages and API alike: 404 outside."""

import pytest
from django.contrib import admin
from django.urls import reverse

from .. import services
from ..models import Attachment
from .helpers import auth, png

pytestmark = pytest.mark.django_db

OUTSIDERS = ["c", "d", "advisor", "support", "accountant", "admin", "outsider", "foreign_admin"]


@pytest.fixture
def talk(c):
    first = services.start_conversation(actor=c["a"], recipients=[c["b"]], subject="Private matter",
                                        body="Only for you, Bea", attachments=[png()])
    services.send_message(actor=c["b"], conversation=first.conversation, body="Understood, noted")
    c["conversation"] = first.conversation
    c["attachment"] = Attachment.objects.get()
    return c


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_reads_a_conversation_pages(client, talk, who):
    conv, item = talk["conversation"], talk["attachment"]
    client.force_login(talk[who])
    for url in (
        reverse("messaging-conversation", args=[conv.pk]),
        reverse("messaging-conversation-report", args=[conv.pk]),
        reverse("messaging-attachment", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("messaging-conversation", args=[conv.pk]),
        reverse("messaging-conversation-read", args=[conv.pk]),
        reverse("messaging-conversation-archive", args=[conv.pk, "archive"]),
        reverse("messaging-conversation-report", args=[conv.pk]),
    ):
        assert client.post(url, {"body": "let me in", "reason": "x"}).status_code == 404, url
    body = client.get(reverse("messaging-inbox")).content.decode()
    assert "Private matter" not in body and "Only for you" not in body
    assert services.Message.objects.filter(conversation=conv).count() == 2  # nothing written by them


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_reads_a_conversation_api(client, talk, who):
    conv, item = talk["conversation"], talk["attachment"]
    h = auth(talk[who])
    base = f"/api/v1/messages/conversations/{conv.pk}/"
    assert client.get(base, **h).status_code == 404
    assert client.get(base + "messages/", **h).status_code == 404
    assert client.post(base + "messages/", {"body": "let me in"}, **h).status_code == 404
    for action in ("read", "archive", "report"):
        assert client.post(base + f"{action}/", {"reason": "x"}, **h).status_code == 404, action
    assert client.get(f"/api/v1/messages/attachments/{item.pk}/", **h).status_code == 404
    assert client.get("/api/v1/messages/conversations/", **h).json()["count"] == 0
    assert client.get("/api/v1/messages/unread/", **h).json() == {"messages": 0, "conversations": 0}


def test_participants_read_it(client, talk):
    conv = talk["conversation"]
    for who in ("a", "b"):
        client.force_login(talk[who])
        body = client.get(reverse("messaging-conversation", args=[conv.pk])).content.decode()
        assert "Only for you, Bea" in body and "Understood, noted" in body
        r = client.get(reverse("messaging-attachment", args=[talk["attachment"].pk]))
        assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
        assert "attachment" in r["Content-Disposition"] and b"".join(r.streaming_content).startswith(b"\x89PNG")


def test_nothing_of_messages_is_in_the_django_admin():
    from django.apps import apps

    registered = {m for m in admin.site._registry if m._meta.app_label == "messaging"}
    assert registered == set()
    assert apps.get_app_config("messaging")  # installed, yet invisible in the admin


def test_a_reported_conversation_reaches_the_entity_administrators_up_to_the_report(client, talk):
    conv, admin_user = talk["conversation"], talk["admin"]
    client.force_login(admin_user)
    assert "Private matter" not in client.get(reverse("messaging-reports")).content.decode()
    report = services.report_conversation(actor=talk["b"], conversation=conv, reason="He insists every day")
    assert report.reported == talk["a"]
    services.send_message(actor=talk["a"], conversation=conv, body="Written after the report")
    queue = client.get(reverse("messaging-reports")).content.decode()
    assert "He insists every day" in queue
    page = client.get(reverse("messaging-report", args=[report.pk])).content.decode()
    assert "Only for you, Bea" in page and "Understood, noted" in page
    assert "Written after the report" not in page
    r = client.get(reverse("messaging-report-attachment", args=[report.pk, talk["attachment"].pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content)
    # still not the conversation itself
    assert client.get(reverse("messaging-conversation", args=[conv.pk])).status_code == 404
    client.logout()
    h = auth(admin_user)
    assert client.get(f"/api/v1/messages/conversations/{conv.pk}/", **h).status_code == 404
    rows = client.get("/api/v1/messages/reports/?state=open", **h).json()["results"]
    assert [r["id"] for r in rows] == [report.pk]
    bodies = [m["body"] for m in client.get(f"/api/v1/messages/reports/{report.pk}/messages/", **h).json()["results"]]
    assert bodies == ["Understood, noted", "Only for you, Bea"]


@pytest.mark.parametrize("who", ["advisor", "accountant", "support", "c", "a", "foreign_admin"])
def test_only_the_entity_administrators_see_the_report(client, talk, who):
    report = services.report_conversation(actor=talk["b"], conversation=talk["conversation"], reason="rude words")
    client.force_login(talk[who])
    queue = client.get(reverse("messaging-reports"))
    if who == "foreign_admin":  # their own entity's queue, without this report
        assert queue.status_code == 200 and "rude words" not in queue.content.decode()
    else:
        assert queue.status_code == 404
    assert client.get(reverse("messaging-report", args=[report.pk])).status_code == 404
    assert client.post(reverse("messaging-report", args=[report.pk]), {"decision": "close"}).status_code == 404
    assert client.get(reverse("messaging-report-attachment", args=[report.pk, talk["attachment"].pk])).status_code == 404
    client.logout()
    h = auth(talk[who])
    assert client.get(f"/api/v1/messages/reports/{report.pk}/", **h).status_code == 404
    assert client.get(f"/api/v1/messages/reports/{report.pk}/messages/", **h).status_code == 404
    assert client.post(f"/api/v1/messages/reports/{report.pk}/decide/", {"decision": "close"}, **h).status_code == 404
    assert client.get("/api/v1/messages/reports/", **h).json()["count"] == 0


def test_the_audit_log_does_not_say_who_writes_to_whom(talk):
    from compagnon.audit.models import AuditEvent

    assert not AuditEvent.objects.filter(action__startswith="messaging.").exists()
