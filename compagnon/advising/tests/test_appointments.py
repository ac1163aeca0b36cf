"""An appointment's life as the member and the advisor live it: planned (the member told, an
email with the .ics file), moved (same event, next sequence), held with notes shared, cancelled
by the member (the advisor told); a member's request answered with a time or declined; next
steps ticked; the follow-up row kept in step."""

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from compagnon.notifications.models import Notification

from .. import services
from ..models import AppointmentRequest, AppointmentState, FollowUp, RequestState, StepOwner
from .helpers import at, auth, coop, days, planned

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def _event(message):
    (name, content, mimetype), = message.attachments
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return next(iter(Calendar.from_ical(content).walk("VEVENT")))


def test_planning_tells_the_member_and_sends_the_calendar_file(client, c, django_capture_on_commit_callbacks):
    client.force_login(c["advisor"])
    form = {"topic": "Pricing of the new offer", "kind": "follow_up",
            "starts_at": at(days(3), 14).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "90",
            "place": "", "video_url": "https://meet.example.org/room-42"}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("advising-member", args=[c["camille"].pk]), form)
    assert r.status_code == 302
    a = c["camille"].appointments.get()
    assert a.advisor == c["advisor"] and a.state == AppointmentState.PLANNED and a.duration_minutes == 90
    assert Notification.objects.filter(user=c["camille"].user, url=reverse("advising-appointment", args=[a.pk])).exists()
    (message,) = mail.outbox
    assert message.to == [c["camille"].user.email] and "Pricing of the new offer" in message.body
    event = _event(message)
    assert str(event["uid"]) == f"advising-appointment-{a.pk}@compagnon" and int(event["sequence"]) == 0
    assert event.decoded("dtstart") == a.starts_at and str(event["location"]) == "https://meet.example.org/room-42"
    assert FollowUp.objects.get(member=c["camille"]).next_planned_at == a.starts_at
    # the member's page lists it, with the calendar file
    client.force_login(c["camille"].user)
    body = client.get(reverse("advising-mine")).content.decode()
    assert "Pricing of the new offer" in body and reverse("advising-appointment-ics", args=[a.pk]) in body
    ics = client.get(reverse("advising-appointment-ics", args=[a.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:" in ics.content and b"worried" not in ics.content


def test_moving_and_cancelling_update_the_same_event(client, c, django_capture_on_commit_callbacks):
    a = planned(c)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_appointment(actor=c["advisor"], appointment=a, starts_at=at(days(8), 9))
    event = _event(mail.outbox[-1])
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == at(days(8), 9)
    assert "changed" in mail.outbox[-1].subject
    client.force_login(c["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("advising-appointment-cancel", args=[a.pk]), {"reason": "A client's emergency"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == AppointmentState.CANCELLED and a.cancel_reason == "A client's emergency"
    event = _event(mail.outbox[-1])
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2
    assert Notification.objects.filter(user=c["advisor"], title__contains="cancelled").exists()
    with pytest.raises(Exception, match="planned"):
        services.update_appointment(actor=c["advisor"], appointment=a, place="Elsewhere")


def test_holding_with_shared_notes_and_next_steps(client, c, django_capture_on_commit_callbacks):
    a = planned(c, when=at(days(0), 8))
    client.force_login(c["advisor"])
    url = reverse("advising-appointment-notes", args=[a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"notes": "Good year. Raise prices by 5 %.", "notes_shared": "on", "held": "1"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == AppointmentState.HELD and a.notes_shared
    assert Notification.objects.filter(user=c["camille"].user, title__contains="shared the notes").exists()
    r = client.post(reverse("advising-step-add", args=[c["camille"].pk]),
                    {"appointment": a.pk, "text": "New price list", "owner": "member", "due_on": days(10).isoformat()})
    assert r.status_code == 302
    r = client.post(reverse("advising-step-add", args=[c["camille"].pk]),
                    {"appointment": a.pk, "text": "", "owner": "advisor", "due_on": "not a date"})
    assert r.status_code == 400
    follow_up = FollowUp.objects.get(member=c["camille"])
    assert follow_up.last_held_at == a.starts_at and follow_up.open_steps == 1 and follow_up.first_due_on == days(10)
    client.force_login(c["camille"].user)
    body = client.get(reverse("advising-mine")).content.decode()
    assert "Raise prices by 5 %." in body and "New price list" in body
    step = c["camille"].next_steps.get()
    assert client.post(reverse("advising-step-tick", args=[step.pk]), {"done": "1"}).status_code == 302
    assert FollowUp.objects.get(member=c["camille"]).open_steps == 0
    with pytest.raises(Exception, match="planned"):
        services.hold(actor=c["advisor"], appointment=a)
    future = planned(c, when=at(days(2)))
    with pytest.raises(Exception, match="from its day on"):
        services.hold(actor=c["advisor"], appointment=future)
    with pytest.raises(Exception, match="time has passed"):
        services.mark_missed(actor=c["advisor"], appointment=future)


def test_a_member_asks_and_the_advisor_answers(client, c, django_capture_on_commit_callbacks):
    client.force_login(c["camille"].user)
    r = client.post(reverse("advising-mine"), {"topic": "", "preferred": "Tuesday mornings"})
    assert r.status_code == 400 and "Tuesday mornings" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("advising-mine"), {"topic": "Hiring an apprentice", "preferred": "Tuesday mornings"})
    assert r.status_code == 302
    request = AppointmentRequest.objects.get()
    assert Notification.objects.filter(user=c["advisor"], title__contains="Hiring an apprentice").exists()
    client.force_login(c["advisor"])
    body = client.get(reverse("advising-members")).content.decode()
    assert "Hiring an apprentice" in body
    url = reverse("advising-request-accept", args=[request.pk])
    r = client.post(url, {f"r{request.pk}-starts_at": "not a time", f"r{request.pk}-duration_minutes": "60",
                          f"r{request.pk}-place": "Nantes office", f"r{request.pk}-topic": "Hiring an apprentice"})
    assert r.status_code == 400 and "Nantes office" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {f"r{request.pk}-starts_at": at(days(4), 9).strftime("%Y-%m-%dT%H:%M"),
                              f"r{request.pk}-duration_minutes": "60", f"r{request.pk}-place": "Nantes office",
                              f"r{request.pk}-topic": "Hiring an apprentice"})
    assert r.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED and request.appointment.starts_at == at(days(4), 9)
    assert mail.outbox[-1].to == [c["camille"].user.email]
    # declined through the API, with the reason the member reads
    token = auth(c["camille"].user)
    second = client.post(reverse("api-advising-request-list"), {"topic": "Another thing"},
                         content_type="application/json", **token).json()
    r = client.post(reverse("api-advising-request-decline", args=[second["id"]]), {"reason": ""},
                    content_type="application/json", **auth(c["advisor"]))
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("api-advising-request-decline", args=[second["id"]]),
                        {"reason": "Let us talk about it on the 4th"}, content_type="application/json",
                        **auth(c["advisor"]))
    assert r.json()["state"] == "declined"
    assert Notification.objects.filter(user=c["camille"].user, body="Let us talk about it on the 4th").exists()
    # the member may not accept their own request, nor see another member's
    r = client.post(reverse("api-advising-request-accept", args=[second["id"]]),
                    {"starts_at": at(days(5)).isoformat(), "place": "x"}, content_type="application/json", **token)
    assert r.status_code == 403
    assert client.get(reverse("api-advising-request-detail", args=[second["id"]]),
                      **auth(c["yanis"].user)).status_code == 404


def test_at_most_three_requests_wait_at_once(c):
    for i in range(3):
        services.request_appointment(actor=c["camille"].user, topic=f"Question {i}")
    with pytest.raises(Exception, match="already have 3"):
        services.request_appointment(actor=c["camille"].user, topic="One more")


def test_api_plan_hold_and_steps(client, c):
    token = auth(c["advisor"])
    r = client.post(reverse("api-advising-appointment-list"),
                    {"member": c["camille"].pk, "starts_at": at(days(0), 7).isoformat(), "topic": "Morning call",
                     "place": "by phone", "duration_minutes": 30}, content_type="application/json", **token)
    assert r.status_code == 201 and r.json()["advisor"] == c["advisor"].pk
    pk = r.json()["id"]
    r = client.patch(reverse("api-advising-appointment-detail", args=[pk]), {"topic": "Morning call, moved"},
                     content_type="application/json", **token)
    assert r.json()["topic"] == "Morning call, moved"
    r = client.post(reverse("api-advising-appointment-hold", args=[pk]), {"notes": "Fine", "notes_shared": False},
                    content_type="application/json", **token)
    assert r.json()["state"] == "held" and r.json()["notes"] == "Fine"
    r = client.post(reverse("api-advising-step-list"),
                    {"member": c["camille"].pk, "appointment": pk, "owner": StepOwner.ADVISOR,
                     "text": "Send the model contract", "due_on": days(3).isoformat()},
                    content_type="application/json", **token)
    assert r.status_code == 201
    step = r.json()["id"]
    r = client.post(reverse("api-advising-step-done", args=[step]), {"done": True}, content_type="application/json",
                    **token)
    assert r.json()["done_at"] is not None
    rows = client.get(reverse("api-advising-step-list"), {"member": c["camille"].pk, "open": "1"}, **token).json()
    assert rows["count"] == 0
