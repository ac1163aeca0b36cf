"""Who sees what, through the pages and the API: a member sees their office's events and the
whole cooperative's, never another entity's; proposals are seen by the proposer and validators;
attendance lists by staff and the trainer (404 outside, 403 when seen but not allowed). Bad input
answers 400 keeping what was typed; the agenda and the attendance list cost a fixed number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import MemberFactory

from .. import services
from ..models import Event, EventStatus
from .helpers import at, auth, coop, event, user_of

pytestmark = pytest.mark.django_db

ROLES = ["member", "colleague", "elsewhere", "outsider", "advisor", "other_advisor", "support", "accountant", "admin",
         "foreign_admin"]


@pytest.fixture
def c():
    c = coop()
    c["office_event"] = event(c, title="Office event", capacity=2)
    c["wide_event"] = event(c, where=c["entity"], title="Whole cooperative event")
    c["proposal"] = services.propose_event(actor=c["member"].user, where=c["office"], title="My idea",
                                           starts_at=at(9), ends_at=at(9, 2), place="Office")
    c["foreign_event"] = event(c, where=c["foreign_office"], actor=c["foreign_admin"], title="Foreign event")
    return c


SEES = {
    "office_event": {"member", "colleague", "advisor", "support", "accountant", "admin"},
    "wide_event": {"member", "colleague", "elsewhere", "advisor", "other_advisor", "support", "accountant", "admin"},
    "proposal": {"member", "advisor", "admin"},
    "foreign_event": {"outsider", "foreign_admin"},
}


@pytest.mark.parametrize("who", ROLES)
def test_who_sees_which_event_in_pages_and_api(client, c, who):
    user = user_of(c, who)
    client.force_login(user)
    agenda = client.get(reverse("events-agenda")).content.decode()
    token = auth(user)
    for name, seers in SEES.items():
        ev = c[name]
        expected = 200 if who in seers else 404
        assert client.get(reverse("events-event", args=[ev.pk])).status_code == expected, (name, who)
        assert client.get(f"/api/v1/events/{ev.pk}/", **token).status_code == expected, (name, who)
        if ev.status == EventStatus.PUBLISHED:
            assert (ev.title in agenda) == (who in seers), (name, who)
    listed = {e["title"] for e in client.get("/api/v1/events/", **token).json()["results"]}
    assert listed == {c[n].title for n, seers in SEES.items() if who in seers}


@pytest.mark.parametrize("who,page,api", [
    ("member", 403, 403), ("colleague", 403, 403), ("elsewhere", 404, 404), ("outsider", 404, 404),
    ("advisor", 200, 200), ("other_advisor", 404, 404), ("support", 200, 200), ("accountant", 200, 200),
    ("admin", 200, 200), ("foreign_admin", 404, 404),
])
def test_the_attendance_list_is_for_staff_and_the_trainer(client, c, who, page, api):
    ev = c["office_event"]
    services.register(actor=c["colleague"].user, event=ev)
    user = user_of(c, who)
    client.force_login(user)
    assert client.get(reverse("events-attendance", args=[ev.pk])).status_code == page
    client.logout()
    assert client.get(f"/api/v1/events/{ev.pk}/attendance/", **auth(user)).status_code == api


def test_the_trainer_marks_attendance_others_cannot(client, c):
    ev = event(c, where=c["entity"], kind="training", trainer=c["elsewhere"].user.email)
    reg = services.register(actor=c["member"].user, event=ev)
    Event.objects.filter(pk=ev.pk).update(starts_at=at(-1), ends_at=at(-1, 2))
    body = {"marks": [{"registration": reg.pk, "attendance": "present"}]}
    r = client.post(f"/api/v1/events/{ev.pk}/attendance/", body, content_type="application/json",
                    **auth(c["elsewhere"].user))
    assert r.status_code == 200 and r.json()[0]["attendance"] == "present"
    r = client.post(f"/api/v1/events/{ev.pk}/attendance/", body, content_type="application/json", **auth(c["support"]))
    assert r.status_code == 403
    client.force_login(c["accountant"])
    assert client.post(reverse("events-attendance", args=[ev.pk]), {f"a{reg.pk}": "absent"}).status_code == 403
    client.force_login(c["admin"])
    assert client.post(reverse("events-attendance", args=[ev.pk]), {f"a{reg.pk}": "absent"}).status_code == 302
    reg.refresh_from_db()
    assert reg.attendance == "absent"


def test_registering_through_the_page_and_the_api(client, c):
    ev = c["office_event"]
    client.force_login(c["member"].user)
    assert client.post(reverse("events-register", args=[ev.pk])).status_code == 302
    assert client.post(reverse("events-register", args=[ev.pk])).status_code == 302  # twice: once
    assert ev.registrations.count() == 1
    body = client.get(reverse("events-event", args=[ev.pk])).content.decode()
    assert "You are registered." in body and "Cancel my registration" in body
    h = auth(c["colleague"].user)
    assert client.post(f"/api/v1/events/{ev.pk}/register/", **h).json()["status"] == "confirmed"
    h3 = auth(c["members"][2].user)
    assert client.post(f"/api/v1/events/{ev.pk}/register/", **h3).json()["status"] == "waiting"
    client.force_login(c["members"][2].user)
    assert "number 1 on the waiting list" in client.get(reverse("events-event", args=[ev.pk])).content.decode()
    assert client.post(f"/api/v1/events/{ev.pk}/cancel/", **h).json()["status"] == "cancelled"
    assert client.get("/api/v1/event-registrations/", **h3).json()["results"][0]["status"] == "confirmed"
    assert client.post(f"/api/v1/events/{ev.pk}/register/", **auth(c["elsewhere"].user)).status_code == 404
    assert client.post(f"/api/v1/events/{ev.pk}/register/", **auth(c["support"])).status_code == 403
    client.force_login(c["outsider"].user)
    assert client.post(reverse("events-register", args=[ev.pk])).status_code == 404


def test_proposing_validating_and_declining_through_pages_and_api(client, c):
    p = c["proposal"]
    client.force_login(c["advisor"])
    assert "My idea" in client.get(reverse("events-proposals")).content.decode()
    client.force_login(c["member"].user)
    assert "My idea" in client.get(reverse("events-proposals")).content.decode()
    assert client.post(reverse("events-validate", args=[p.pk])).status_code == 403
    client.force_login(c["advisor"])
    r = client.post(reverse("events-decline", args=[p.pk]), {"reason": ""})
    assert r.status_code == 400
    assert client.post(reverse("events-decline", args=[p.pk]), {"reason": "Same day as the assembly"}).status_code == 302
    p.refresh_from_db()
    assert p.status == EventStatus.DECLINED
    r = client.post("/api/v1/events/propose/", {"office": c["office"].pk, "title": "Picnic", "place": "Park",
                    "starts_at": at(4).isoformat(), "ends_at": at(4, 2).isoformat()}, **auth(c["colleague"].user))
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    pk = r.json()["id"]
    assert client.post(f"/api/v1/events/{pk}/validate/", **auth(c["other_advisor"])).status_code == 404
    assert client.post(f"/api/v1/events/{pk}/validate/", **auth(c["admin"])).json()["status"] == "published"
    r = client.post("/api/v1/events/", {"entity": c["entity"].pk, "title": "Assembly rehearsal", "place": "HQ",
                    "starts_at": at(4).isoformat(), "ends_at": at(4, 2).isoformat()}, **auth(c["advisor"]))
    assert r.status_code == 403  # advisors create for their offices, not the whole entity
    r = client.post("/api/v1/events/", {"office": c["foreign_office"].pk, "title": "x", "place": "x",
                    "starts_at": at(4).isoformat(), "ends_at": at(4, 2).isoformat()}, **auth(c["admin"]))
    assert r.status_code == 404


def test_bad_input_keeps_what_was_typed_and_names_the_field(client, c):
    client.force_login(c["advisor"])
    data = {"where": f"o{c['office'].pk}", "kind": "workshop", "title": "Typed title", "place": "Room 2",
            "starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}
    r = client.post(reverse("events-new"), data)
    body = r.content.decode()
    assert r.status_code == 400 and "Typed title" in body and "The start must be in the future." in body
    data.update(starts_at=at(3).strftime("%Y-%m-%dT%H:%M"), ends_at=at(3, 2).strftime("%Y-%m-%dT%H:%M"))
    r = client.post(reverse("events-new"), data)
    assert r.status_code == 302
    assert Event.objects.get(title="Typed title").status == EventStatus.PUBLISHED
    r = client.post("/api/v1/events/", {"office": c["office"].pk, "title": "x", "starts_at": at(3).isoformat(),
                    "ends_at": at(3, 1).isoformat()}, **auth(c["advisor"]))
    assert r.status_code == 400 and "place" in r.json()["error"]["fields"]
    assert client.get(reverse("events-agenda") + "?where=zz").status_code == 400
    assert client.get(reverse("events-agenda") + f"?where=o{c['foreign_office'].pk}").status_code == 400
    assert client.get(reverse("events-agenda") + "?kind=party").status_code == 400
    assert client.get("/api/v1/events/?kind=party", **auth(c["advisor"])).status_code == 400


@pytest.mark.parametrize("who", ROLES)
def test_every_page_answers_for_every_role(client, c, who):
    client.force_login(user_of(c, who))
    staff = who in ("advisor", "other_advisor", "admin", "foreign_admin")
    member = who in ("member", "colleague", "elsewhere", "outsider")
    for name in ("events-agenda", "events-mine", "events-trainings", "events-mentoring", "events-feed"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("events-training-requests")).status_code == (200 if staff else 404)
    assert client.get(reverse("events-pairs")).status_code == (200 if staff else 404)
    assert client.get(reverse("events-new")).status_code == (200 if staff or member else 404)
    assert client.get(reverse("events-trainings-mine")).status_code == (200 if member else 404)
    proposals = client.get(reverse("events-proposals")).status_code
    assert proposals == (200 if staff or who == "member" else 404)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_agenda_and_the_attendance_list_cost_a_fixed_number_of_queries(client, c):
    ev = c["office_event"]
    services.update_event(actor=c["admin"], event=ev, capacity=100)
    services.register(actor=c["member"].user, event=ev)
    client.force_login(c["member"].user)
    agenda = reverse("events-agenda")
    _queries(client, agenda)
    few = _queries(client, agenda)
    client.force_login(c["advisor"])
    attendance = reverse("events-attendance", args=[ev.pk])
    _queries(client, attendance)
    few_attendance = _queries(client, attendance)
    api = "/api/v1/events/"
    h = auth(c["member"].user)
    client.get(api, **h)
    with CaptureQueriesContext(connection) as ctx:
        client.get(api, **h)
    few_api = len(ctx.captured_queries)
    for i in range(6):
        e = event(c, where=c["entity"] if i % 2 else c["office"], title=f"More {i}", kind="training" if i % 3 == 0 else "workshop")
        services.register(actor=c["member"].user, event=e)
        services.register(actor=MemberFactory(office=c["office"]).user, event=ev)
    client.force_login(c["member"].user)
    assert _queries(client, agenda) == few
    client.force_login(c["advisor"])
    assert _queries(client, attendance) == few_attendance
    with CaptureQueriesContext(connection) as ctx:
        client.get(api, **h)
    assert len(ctx.captured_queries) == few_api
