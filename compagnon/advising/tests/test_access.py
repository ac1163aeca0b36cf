"""Who sees what, pages and API: a member sees their own appointments and never another member's;
the notes not shared stay hidden from the member; support agents, accountants and the other
entity see nothing (404); what one sees but may not change answers 403; bad input answers 400
naming the field, nothing typed lost."""

import pytest
from django.urls import reverse

from .. import services
from ..models import Appointment, NextStep, StepOwner
from .helpers import at, auth, coop, days, held, planned

pytestmark = pytest.mark.django_db

SECRET = "Private: worried about cash."


@pytest.fixture
def c():
    c = coop()
    c["appointment"] = held(c, notes=SECRET)
    c["upcoming"] = planned(c, topic="Pricing of the new offer")
    c["yanis_appointment"] = planned(c, member="yanis", topic="Yanis and his van")
    c["step"] = services.add_step(actor=c["advisor"], member=c["camille"], text="Send the three last invoices",
                                  due_on=days(5), appointment=c["appointment"])
    c["advisor_step"] = services.add_step(actor=c["advisor"], member=c["camille"], owner=StepOwner.ADVISOR,
                                          text="Check the insurance", due_on=days(5))
    return c


def test_the_member_sees_their_appointment_but_not_the_private_notes(client, c):
    a = c["appointment"]
    client.force_login(c["camille"].user)
    body = client.get(reverse("advising-appointment", args=[a.pk])).content.decode()
    assert a.topic in body and SECRET not in body
    assert SECRET not in client.get(reverse("advising-mine")).content.decode()
    data = client.get(reverse("api-advising-appointment-detail", args=[a.pk]), **auth(c["camille"].user)).json()
    assert data["notes"] is None and data["topic"] == a.topic
    listed = client.get(reverse("api-advising-appointment-list"), **auth(c["camille"].user)).json()
    assert {row["id"] for row in listed["results"]} == {a.pk, c["upcoming"].pk}
    assert all(row["notes"] is None for row in listed["results"])
    mine = client.get(reverse("api-advising-mine"), **auth(c["camille"].user)).json()
    assert SECRET not in str(mine) and mine["advisor"]["id"] == c["advisor"].pk


def test_shared_notes_reach_the_member(client, c):
    a = services.update_appointment(actor=c["advisor"], appointment=c["appointment"], notes_shared=True)
    client.force_login(c["camille"].user)
    assert SECRET in client.get(reverse("advising-appointment", args=[a.pk])).content.decode()
    assert SECRET in client.get(reverse("advising-mine")).content.decode()
    data = client.get(reverse("api-advising-appointment-detail", args=[a.pk]), **auth(c["camille"].user)).json()
    assert data["notes"] == SECRET


def test_the_advisor_and_the_administrator_read_the_notes(client, c):
    for user in (c["advisor"], c["admin"]):
        client.force_login(user)
        panel = client.get(f"/members/{c['camille'].pk}/").content.decode()  # the member's page
        assert reverse("advising-member", args=[c["camille"].pk]) in panel
        assert SECRET in client.get(reverse("advising-appointment", args=[c["appointment"].pk])).content.decode()
        data = client.get(reverse("api-advising-appointment-detail", args=[c["appointment"].pk]), **auth(user)).json()
        assert data["notes"] == SECRET


def test_nobody_else_sees_the_appointment(client, c):
    a = c["appointment"]
    for user in (c["yanis"].user, c["ines"].user, c["outsider"].user, c["support"], c["accountant"],
                 c["foreign_admin"], c["relay"]):
        client.force_login(user)
        for name in ("advising-appointment", "advising-appointment-ics"):
            assert client.get(reverse(name, args=[a.pk])).status_code == 404, (name, user)
        assert client.post(reverse("advising-appointment-cancel", args=[a.pk])).status_code == 404
        assert client.post(reverse("advising-appointment-notes", args=[a.pk]), {"notes": "x"}).status_code == 404
        assert client.get(reverse("advising-member", args=[c["camille"].pk])).status_code == 404
        assert client.post(reverse("advising-step-tick", args=[c["step"].pk])).status_code == 404
        token = auth(user)
        assert client.get(reverse("api-advising-appointment-detail", args=[a.pk]), **token).status_code == 404
        listed = client.get(reverse("api-advising-appointment-list"), **token).json()["results"]
        assert a.pk not in {row["id"] for row in listed}
        assert client.post(reverse("api-advising-appointment-hold", args=[c["upcoming"].pk]), {},
                           content_type="application/json", **token).status_code == 404
        steps = client.get(reverse("api-advising-step-list"), **token).json()["results"]
        assert c["step"].pk not in {row["id"] for row in steps}
    assert SECRET == Appointment.objects.get(pk=a.pk).notes


def test_a_member_sees_only_their_own_appointments_in_lists(client, c):
    client.force_login(c["yanis"].user)
    body = client.get(reverse("advising-mine")).content.decode()
    assert "Yanis and his van" in body and "Pricing of the new offer" not in body
    rows = client.get(reverse("api-advising-appointment-list"), {"member": c["camille"].pk},
                      **auth(c["yanis"].user)).json()["results"]
    assert rows == []


def test_the_member_may_not_change_what_they_see(client, c):
    client.force_login(c["camille"].user)
    own_page = client.get(f"/members/{c['camille'].pk}/").content.decode()
    assert own_page and reverse("advising-member", args=[c["camille"].pk]) not in own_page
    r = client.post(reverse("advising-appointment-notes", args=[c["upcoming"].pk]), {"notes": "mine now"})
    assert r.status_code == 403
    r = client.post(reverse("advising-step-tick", args=[c["advisor_step"].pk]), {"done": "1"})
    assert r.status_code == 403 and not NextStep.objects.get(pk=c["advisor_step"].pk).is_done
    assert client.post(reverse("advising-step-tick", args=[c["step"].pk]), {"done": "1"}).status_code == 302
    assert NextStep.objects.get(pk=c["step"].pk).is_done
    token = auth(c["camille"].user)
    r = client.patch(reverse("api-advising-appointment-detail", args=[c["upcoming"].pk]), {"notes": "x"},
                     content_type="application/json", **token)
    assert r.status_code == 403
    r = client.post(reverse("api-advising-appointment-list"),
                    {"member": c["camille"].pk, "starts_at": at(days(3)).isoformat(), "topic": "Myself",
                     "place": "home"}, content_type="application/json", **token)
    assert r.status_code == 404
    assert client.get(reverse("advising-members")).status_code == 404
    # the member cancels their own planned appointment
    r = client.post(reverse("api-advising-appointment-cancel", args=[c["upcoming"].pk]), {"reason": "sick"},
                    content_type="application/json", **token)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"


def test_bad_input_names_the_field_and_keeps_what_was_typed(client, c):
    client.force_login(c["advisor"])
    url = reverse("advising-member", args=[c["camille"].pk])
    form = {"topic": "Typed topic", "kind": "follow_up", "starts_at": at(days(2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60", "place": "", "video_url": ""}
    r = client.post(url, form)
    assert r.status_code == 400 and "Typed topic" in r.content.decode()
    assert "Say where you meet, or give a video link." in r.content.decode()
    r = client.post(url, {**form, "video_url": "http://insecure.example/room"})
    assert r.status_code == 400 and "https://" in r.content.decode()
    assert client.post(url, {**form, "place": "Café du Port"}).status_code == 302
    r = client.post(reverse("api-advising-appointment-list"),
                    {"member": c["camille"].pk, "starts_at": at(days(3)).isoformat(), "topic": "API"},
                    content_type="application/json", **auth(c["advisor"]))
    assert r.status_code == 400 and "place" in r.json()["error"]["fields"]
    r = client.get(reverse("api-advising-appointment-list"), {"state": "bogus"}, **auth(c["advisor"]))
    assert r.status_code == 400
    assert client.get(reverse("advising-members"), {"attention": "bogus"}).status_code == 400
