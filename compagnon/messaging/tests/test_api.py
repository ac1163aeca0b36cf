"""The API: conversations and messages (sent twice, saved once), read, archive, report, unread
count, recipients, preferences; bad input answers 400 naming the field; hostile parameters 400."""

import uuid

import pytest

from ..models import Message, Participant, Report
from .helpers import auth

pytestmark = pytest.mark.django_db


def test_a_conversation_through_the_api(client, c):
    a, b = auth(c["a"]), auth(c["b"])
    key = str(uuid.uuid4())
    data = {"to": [c["b"].pk, c["advisor"].pk], "subject": "Quote", "body": "Can you check it?", "client_key": key}
    r = client.post("/api/v1/messages/conversations/", data, content_type="application/json", **a)
    assert r.status_code == 201, r.content
    conv = r.json()["conversation"]
    again = client.post("/api/v1/messages/conversations/", data, content_type="application/json", **a)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"] and Message.objects.count() == 1
    assert client.get("/api/v1/messages/unread/", **b).json() == {"messages": 1, "conversations": 1}
    rows = client.get("/api/v1/messages/conversations/", **b).json()["results"]
    assert rows[0]["id"] == conv and rows[0]["unread"] == 1 and rows[0]["subject"] == "Quote"
    assert {p["id"] for p in rows[0]["people"]} == {c["a"].pk, c["advisor"].pk}
    assert rows[0]["last_message"]["excerpt"] == "Can you check it?"
    base = f"/api/v1/messages/conversations/{conv}/"
    reply = {"body": "Yes, tomorrow.", "client_key": str(uuid.uuid4())}
    r = client.post(base + "messages/", reply, content_type="application/json", **b)
    assert r.status_code == 201 and r.json()["mine"] is True
    assert client.post(base + "messages/", reply, content_type="application/json", **b).status_code == 200
    listed = client.get(base + "messages/", **a).json()
    assert listed["count"] == 2 and [m["body"] for m in listed["results"]] == ["Yes, tomorrow.", "Can you check it?"]
    older = client.get(base + f"messages/?before={listed['results'][0]['id']}", **a).json()
    assert [m["body"] for m in older["results"]] == ["Can you check it?"]
    assert client.post(base + "read/", **b).json()["unread"] == 0
    assert client.post(base + "archive/", {"archived": True}, content_type="application/json", **b).json()["archived"]
    assert client.get("/api/v1/messages/conversations/?archived=true", **b).json()["count"] == 1
    assert client.get("/api/v1/messages/conversations/", **b).json()["count"] == 0
    r = client.post(base + "report/", {"reason": "Not nice", "person": c["a"].pk}, content_type="application/json", **b)
    assert r.status_code == 201 and Report.objects.get().reported == c["a"]
    r = client.post(base + "report/", {"reason": "x", "person": c["outsider"].pk}, content_type="application/json", **b)
    assert r.status_code == 400 and "person" in r.json()["error"]["fields"]


def test_bad_input_names_the_field(client, c):
    a = auth(c["a"])
    for body, field in [
        ({"to": [c["outsider"].pk], "body": "x"}, "to"),
        ({"to": [999999999], "body": "x"}, "to"),
        ({"to": [], "body": "x"}, "to"),
        ({"to": [c["b"].pk], "body": ""}, "body"),
        ({"to": [c["b"].pk], "body": "x", "client_key": "nope"}, "client_key"),
    ]:
        r = client.post("/api/v1/messages/conversations/", body, content_type="application/json", **a)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (body, r.content)
    assert not Participant.objects.exists()


def test_recipients_and_preferences(client, c):
    a = auth(c["a"])
    names = {p["id"] for p in client.get("/api/v1/messages/recipients/", {"q": c["advisor"].last_name}, **a).json()}
    assert c["advisor"].pk in names
    found = client.get("/api/v1/messages/recipients/", {"q": c["outsider"].last_name}, **a).json()
    assert c["outsider"].pk not in {p["id"] for p in found}
    assert client.get("/api/v1/messages/preferences/", **a).json() == {"email_frequency": "daily"}
    r = client.put("/api/v1/messages/preferences/", {"email_frequency": "immediately"}, content_type="application/json", **a)
    assert r.json() == {"email_frequency": "immediately"}
    r = client.put("/api/v1/messages/preferences/", {"email_frequency": "hourly"}, content_type="application/json", **a)
    assert r.status_code == 400 and "email_frequency" in r.json()["error"]["fields"]


def test_hostile_parameters_are_answered_400_not_500(client, c):
    a = auth(c["a"])
    for url in ("/api/v1/messages/conversations/", "/api/v1/messages/reports/", "/api/v1/messages/blocks/"):
        assert client.get(url, {"page_size": "0"}, **a).status_code == 400, url
    assert client.get("/api/v1/messages/conversations/", {"archived": "maybe"}, **a).status_code == 400
    assert client.get("/api/v1/messages/recipients/", {"q": "a\x00b"}, **a).status_code == 400
    assert client.get("/api/v1/messages/reports/", {"state": "whatever"}, **a).status_code == 400
    client.force_login(c["a"])
    for url, params in [("/messages/", {"page": "x"}), ("/messages/new/", {"q": "x" * 300}),
                        ("/messages/new/", {"to": "99999999999999999999"}), ("/messages/", {"archived": "2"})]:
        assert client.get(url, params).status_code == 400, (url, params)
    assert client.get("/messages/999999999/").status_code == 404
