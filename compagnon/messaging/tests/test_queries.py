"""The inbox and a conversation cost a fixed number of queries, however many conversations,
messages, people and files there are (pages and API)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .. import services
from .helpers import auth, png

pytestmark = pytest.mark.django_db


def _count(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, **extra)
        assert r.status_code == 200, r.content[:300]
    return len(ctx.captured_queries)


def _conversations(c, n, start=0):
    people = [c["b"], c["c"], c["d"], c["advisor"]]
    for i in range(start, start + n):
        others = people[: 1 + i % len(people)]
        conv = services.start_conversation(actor=c["a"], recipients=others, subject=f"S{i}", body=f"hello {i}",
                                           attachments=[png()] if i % 3 == 0 else ()).conversation
        services.send_message(actor=others[0], conversation=conv, body=f"answer {i}")


def test_the_inbox_costs_the_same_with_3_or_30_conversations(client, c):
    _conversations(c, 3)
    client.force_login(c["a"])
    url = reverse("messaging-inbox")
    _count(client, url)
    few = _count(client, url)
    h = auth(c["a"])
    _count(client, "/api/v1/messages/conversations/", **h)  # the token's first use is recorded once
    api_few = _count(client, "/api/v1/messages/conversations/", **h)
    _conversations(c, 27, start=3)
    assert _count(client, url) == few
    assert _count(client, url + "?page=2") == few
    assert _count(client, "/api/v1/messages/conversations/", **h) == api_few
    assert few <= 12, few


def test_a_conversation_costs_the_same_with_5_or_60_messages(client, c):
    conv = services.start_conversation(actor=c["a"], recipients=[c["b"], c["d"]], body="start").conversation
    for i in range(4):
        services.send_message(actor=c["b"], conversation=conv, body=f"m{i}", attachments=[png()])
    client.force_login(c["a"])
    url = reverse("messaging-conversation", args=[conv.pk])
    _count(client, url)  # reads what was unread
    few = _count(client, url)
    h = auth(c["a"])
    api = f"/api/v1/messages/conversations/{conv.pk}/messages/"
    _count(client, api, **h)  # the token's first use is recorded once
    api_few = _count(client, api, **h)
    for i in range(55):
        services.send_message(actor=[c["b"], c["d"]][i % 2], conversation=conv, body=f"n{i}",
                              attachments=[png()] if i % 5 == 0 else ())
    _count(client, url)
    assert _count(client, url) == few
    oldest = conv.messages.order_by("id")[10].pk
    assert _count(client, f"{url}?before={oldest}") == few
    assert _count(client, api, **h) == api_few
    assert few <= 14, few


def test_the_moderation_queue_costs_the_same_with_more_reports(client, c):
    def report(i):
        conv = services.start_conversation(actor=c["a"], recipients=[c["b"]], body=f"r{i}").conversation
        services.report_conversation(actor=c["b"], conversation=conv, reason=f"reason {i}")

    report(0)
    client.force_login(c["admin"])
    url = reverse("messaging-reports")
    _count(client, url)
    few = _count(client, url)
    for i in range(1, 8):
        report(i)
    assert _count(client, url) == few
