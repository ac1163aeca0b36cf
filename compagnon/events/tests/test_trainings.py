"""Trainings: requests by topic and level, sessions that tell who asked, attendance, the PDF
certificate of attendance, each member's training history."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from compagnon.notifications.models import Notification

from .. import selectors, services, trainings
from ..models import Certificate, Event, TrainingRequestStatus
from ..pdf import certificate_pdf
from .helpers import at, auth, coop, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def _held(ev, days=2):
    Event.objects.filter(pk=ev.pk).update(starts_at=at(-days), ends_at=at(-days, 3))
    ev.refresh_from_db()
    return ev


def test_asking_twice_keeps_one_request_and_staff_see_counts_by_topic(c, client):
    a, b, d, e = c["members"]
    r1 = trainings.request_training(actor=a.user, topic="Pricing my work", level="beginner")
    assert trainings.request_training(actor=a.user, topic="  pricing MY work ", level="beginner").pk == r1.pk
    trainings.request_training(actor=b.user, topic="Pricing my work", level="intermediate")
    trainings.request_training(actor=d.user, topic="Social media", level="beginner")
    gone = trainings.request_training(actor=e.user, topic="Social media", level="advanced")
    trainings.withdraw_training_request(actor=e.user, request=gone)
    with pytest.raises(PermissionDenied):
        trainings.withdraw_training_request(actor=a.user, request=gone)
    summary = selectors.request_summary([c["entity"].pk])
    assert [(t["name"], t["total"], t["levels"]) for t in summary] == [
        ("Pricing my work", 2, {"beginner": 1, "intermediate": 1, "advanced": 0}),
        ("Social media", 1, {"beginner": 1, "intermediate": 0, "advanced": 0}),
    ]
    client.force_login(c["advisor"])
    body = client.get(reverse("events-training-requests")).content.decode()
    assert "Pricing my work" in body and "Open a session" in body
    rows = client.get("/api/v1/training-requests/summary/", **auth(c["admin"])).json()
    assert rows[0]["name"] == "Pricing my work" and rows[0]["levels"]["intermediate"] == 1
    with pytest.raises(ValidationError):
        trainings.request_training(actor=a.user, topic="", level="beginner")


def test_a_session_tells_those_who_asked_and_attending_meets_the_request(c, django_capture_on_commit_callbacks):
    a, b = c["member"], c["colleague"]
    req = trainings.request_training(actor=a.user, topic="Bookkeeping basics", level="beginner")
    trainings.request_training(actor=c["outsider"].user, topic="Bookkeeping basics", level="beginner")
    with django_capture_on_commit_callbacks(execute=True):
        ev = event(c, kind="training", capacity=10)
    assert Notification.objects.filter(user=a.user, title__contains="Bookkeeping basics").count() == 1
    assert not Notification.objects.filter(user=c["outsider"].user).exists()
    for m in (a, b):
        services.register(actor=m.user, event=ev)
    regs = {r.member_id: r for r in ev.registrations.all()}
    with pytest.raises(ValidationError):  # not held yet
        trainings.mark_attendance(actor=c["advisor"], event=ev, marks={regs[a.pk].pk: "present"})
    _held(ev)
    with pytest.raises(PermissionDenied):
        trainings.mark_attendance(actor=b.user, event=ev, marks={regs[a.pk].pk: "present"})
    with pytest.raises(PermissionDenied):
        trainings.mark_attendance(actor=c["accountant"], event=ev, marks={regs[a.pk].pk: "present"})
    # the trainer (the advisor here) marks it
    n = trainings.mark_attendance(actor=c["advisor"], event=ev, marks={regs[a.pk].pk: "present", regs[b.pk].pk: "absent"})
    assert n == 2
    req.refresh_from_db()
    assert req.status == TrainingRequestStatus.MET and req.fulfilled_by_id == ev.pk
    assert Certificate.objects.filter(registration__event=ev).count() == 1
    assert trainings.mark_attendance(actor=c["advisor"], event=ev, marks={regs[a.pk].pk: "present"}) == 0
    with pytest.raises(ValidationError):
        trainings.mark_attendance(actor=c["advisor"], event=ev, marks={regs[a.pk].pk: "maybe"})


def test_the_certificate_is_a_real_pdf_with_name_training_date_hours_and_entity(c, client):
    a = c["member"]
    ev = event(c, kind="training", title="Bookkeeping for gardeners", hours=Decimal("3.5"))
    reg = services.register(actor=a.user, event=ev)
    _held(ev)
    trainings.mark_attendance(actor=c["admin"], event=ev, marks={reg.pk: "present"})
    cert = Certificate.objects.get(registration=reg)
    data = certificate_pdf(cert.content)
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    for part in (str(a.user), "Bookkeeping for gardeners", "3.5 hours", c["entity"].legal_name, cert.reference):
        assert part in text, part
    # the attendee downloads it, and so do staff; a colleague does not even see it
    client.force_login(a.user)
    r = client.get(reverse("events-certificate", args=[reg.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    for who in ("advisor", "admin", "accountant"):
        client.force_login(c[who])
        assert client.get(reverse("events-certificate", args=[reg.pk])).status_code == 200, who
    for user in (c["colleague"].user, c["other_advisor"], c["foreign_admin"], c["outsider"].user):
        client.force_login(user)
        assert client.get(reverse("events-certificate", args=[reg.pk])).status_code == 404
    client.logout()
    assert client.get(f"/api/v1/event-registrations/{reg.pk}/certificate/", **auth(a.user)).content.startswith(b"%PDF")
    assert client.get(f"/api/v1/event-registrations/{reg.pk}/certificate/", **auth(c["colleague"].user)).status_code == 404
    # marked absent afterwards: no certificate any more
    trainings.mark_attendance(actor=c["admin"], event=ev, marks={reg.pk: "absent"})
    client.force_login(a.user)
    assert client.get(reverse("events-certificate", args=[reg.pk])).status_code == 404


def test_the_training_history_for_the_member_and_on_the_members_page_for_advisors(c, client):
    a = c["member"]
    done = event(c, kind="training", title="Session one", hours=Decimal("2"))
    missed = event(c, kind="training", title="Session two", hours=Decimal("4"))
    workshop = event(c, title="Not a training")
    regs = [services.register(actor=a.user, event=e) for e in (done, missed, workshop)]
    _held(done, 5)
    _held(missed, 2)
    trainings.mark_attendance(actor=c["admin"], event=done, marks={regs[0].pk: "present"})
    trainings.mark_attendance(actor=c["admin"], event=missed, marks={regs[1].pk: "absent"})
    history = selectors.training_history(a)
    assert [r.event.title for r in history] == ["Session two", "Session one"]
    assert selectors.hours_trained(history) == Decimal("2")
    client.force_login(a.user)
    body = client.get(reverse("events-trainings-mine")).content.decode()
    assert "Session one" in body and "Not a training" not in body and "2 hours of training attended." in body
    client.force_login(c["advisor"])
    body = client.get(reverse("member-detail", args=[a.pk])).content.decode()
    assert "Session one" in body and "2 hours of training attended." in body
    client.force_login(c["colleague"].user)
    r = client.get(reverse("member-detail", args=[a.pk]))
    assert r.status_code == 404 or "Session one" not in r.content.decode()
