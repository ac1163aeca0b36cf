"""Information meetings: applicants sign up from their link, a waiting list when full, reminders,
attendance."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compagnon.recruiting import services
from compagnon.recruiting.models import Meeting, SignUp, Step

from .conftest import apply, soon

pytestmark = pytest.mark.django_db


def meeting(w, capacity=2, **kw):
    return services.create_meeting(actor=w.advisor, office=w.office, starts_at=kw.pop("starts_at", soon()),
                                   place="Maison des associations, Nantes", capacity=capacity, **kw)


def test_the_advisor_plans_a_meeting_and_mistakes_are_named(client, w):
    client.force_login(w.advisor)
    url = reverse("recruiting-meetings")
    when = soon().strftime("%Y-%m-%dT%H:%M")
    nowhere = client.post(url, {"office": w.office.pk, "starts_at": when, "minutes": 90, "capacity": 10})
    assert nowhere.status_code == 400 and "Give the place, or a video link." in nowhere.content.decode()
    done = client.post(url, {"office": w.office.pk, "starts_at": when, "minutes": 90, "capacity": 10,
                             "video_url": "https://visio.example/abc"})
    assert done.status_code == 302 and Meeting.objects.get().video_url == "https://visio.example/abc"
    other = client.post(url, {"office": w.other_office.pk, "starts_at": when, "minutes": 90, "capacity": 10,
                              "place": "x"})
    assert other.status_code == 400  # not an office this advisor recruits for
    assert client.get(url).status_code == 200


def test_applicants_sign_up_from_their_link_with_a_waiting_list(client, w, django_capture_on_commit_callbacks):
    m = meeting(w, capacity=1)
    first, second = apply(w), apply(w, email="second@example.org", first_name="Jan")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("recruiting-follow-signup", args=[first.token, m.pk]))
        client.post(reverse("recruiting-follow-signup", args=[second.token, m.pk]))
    states = dict(SignUp.objects.values_list("application_id", "state"))
    assert states == {first.pk: "registered", second.pk: "waiting"}
    first.refresh_from_db()
    assert first.step == Step.MEETING  # signing up moves a received application on
    assert any("waiting list" in x.body for x in mail.outbox if x.to == ["second@example.org"])
    page = client.get(reverse("recruiting-follow", args=[first.token]))
    assert "I cannot come" in page.content.decode()
    signup = SignUp.objects.get(application=first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("recruiting-follow-cancel", args=[first.token, signup.pk]))
    assert SignUp.objects.get(application=second).state == "registered"
    assert any("A place freed up" in x.body for x in mail.outbox if x.to == ["second@example.org"])
    # another applicant's link cannot cancel it
    assert client.post(reverse("recruiting-follow-cancel", args=[first.token,
                                                                 SignUp.objects.get(application=second).pk])).status_code == 404


def test_the_advisor_adds_an_applicant_and_marks_attendance(client, w):
    m = meeting(w)
    application = apply(w)
    client.force_login(w.advisor)
    assert client.post(reverse("recruiting-meeting-add", args=[m.pk]), {"application": application.pk}).status_code == 302
    signup = SignUp.objects.get()
    early = client.post(reverse("recruiting-signup", args=[signup.pk, "present"]), follow=True)
    assert "once the meeting has started" in early.content.decode()
    Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.post(reverse("recruiting-signup", args=[signup.pk, "present"]))
    signup.refresh_from_db()
    assert signup.attended is True
    client.force_login(w.other_advisor)
    assert client.get(reverse("recruiting-meeting", args=[m.pk])).status_code == 404
    assert client.post(reverse("recruiting-signup", args=[signup.pk, "absent"])).status_code == 404


def test_reminders_go_once_the_day_before(w, django_capture_on_commit_callbacks):
    m = meeting(w, starts_at=timezone.now() + datetime.timedelta(hours=20))
    services.sign_up(meeting=m, application=apply(w))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert [x.subject for x in mail.outbox] == ["Reminder: your information meeting"]


def test_the_meetings_api(client, w):
    application = apply(w)
    client.force_login(w.advisor)
    made = client.post("/api/v1/recruiting/meetings/", {"office": w.office.pk, "starts_at": soon().isoformat(),
                                                        "place": "Nantes", "capacity": 1}, content_type="application/json")
    assert made.status_code == 201
    mid = made.json()["id"]
    signed = client.post(f"/api/v1/recruiting/meetings/{mid}/signups/", {"application": application.pk},
                         content_type="application/json")
    assert signed.status_code == 201 and signed.json()["state"] == "registered"
    assert client.get(f"/api/v1/recruiting/signups/?meeting={mid}").json()["results"][0]["applicant"] == "Inès Morvan"
    assert client.get("/api/v1/recruiting/meetings/").json()["results"][0]["registered"] == 1
    client.force_login(w.member.user)
    assert client.get(f"/api/v1/recruiting/meetings/{mid}/").status_code == 404
    assert client.get("/api/v1/recruiting/signups/").json()["results"] == []
