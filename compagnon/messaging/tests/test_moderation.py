"""The administrators decide on a reported conversation: close, warn (the person reads the note),
or suspend their writing (until a date, or until lifted); the reporter hears it was dealt with."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.notifications.models import Notification

from .. import moderation, services
from ..models import ReportState, Suspension
from .helpers import auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(c):
    conv = services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Rude words").conversation
    c["conversation"] = conv
    c["report"] = services.report_conversation(actor=c["b"], conversation=conv, reason="Insults")
    return c


def test_reporting_tells_the_administrators(reported):
    notice = Notification.objects.get(user=reported["admin"])
    assert notice.url == reverse("messaging-report", args=[reported["report"].pk])
    assert "Rude words" not in notice.title + notice.body
    again = services.report_conversation(actor=reported["b"], conversation=reported["conversation"], reason="More")
    assert again.pk == reported["report"].pk and again.reason == "More"


def test_warning_the_person(client, reported):
    client.force_login(reported["admin"])
    url = reverse("messaging-report", args=[reported["report"].pk])
    r = client.post(url, {"decision": "warn", "note": ""})
    assert r.status_code == 400 and "Write what the person is told" in r.content.decode()
    assert client.post(url, {"decision": "warn", "note": "Please stay polite."}).status_code == 302
    reported["report"].refresh_from_db()
    assert reported["report"].state == ReportState.WARNED and reported["report"].decided_by == reported["admin"]
    warned = Notification.objects.get(user=reported["a"], key__startswith="messaging:warned:")
    assert warned.body == "Please stay polite."
    assert Notification.objects.filter(user=reported["b"], key__startswith="messaging:decided:").exists()
    # the person may still write
    services.send_message(actor=reported["a"], conversation=reported["conversation"], body="Sorry")


def test_suspending_and_lifting(client, reported):
    a, conv = reported["a"], reported["conversation"]
    until = timezone.localdate() + datetime.timedelta(days=7)
    moderation.decide_report(actor=reported["admin"], report=reported["report"], decision="suspend",
                             note="One week without messages.", until=until)
    with pytest.raises(ValidationError) as exc:
        services.send_message(actor=a, conversation=conv, body="Let me")
    assert "suspended your writing of messages until" in str(exc.value)
    with pytest.raises(ValidationError):
        services.start_conversation(actor=a, recipients=[reported["d"]], body="Someone else")
    client.force_login(a)
    page = client.get(reverse("messaging-conversation", args=[conv.pk])).content.decode()
    assert "Rude words" in page and "suspended your writing" in page
    client.force_login(reported["admin"])
    assert str(a) in client.get(reverse("messaging-reports")).content.decode()
    suspension = Suspension.objects.get()
    assert client.post(reverse("messaging-suspension-lift", args=[suspension.pk])).status_code == 302
    services.send_message(actor=a, conversation=conv, body="Back, and polite")


def test_an_expired_suspension_no_longer_stops_writing(reported):
    Suspension.objects.create(entity=reported["entity"], user=reported["a"], reason="x",
                              until=timezone.localdate() - datetime.timedelta(days=1))
    services.send_message(actor=reported["a"], conversation=reported["conversation"], body="Free again")


def test_rules_of_deciding(client, reported):
    report = reported["report"]
    with pytest.raises(ValidationError):
        moderation.decide_report(actor=reported["admin"], report=report, decision="ban")
    with pytest.raises(ValidationError):
        moderation.decide_report(actor=reported["admin"], report=report, decision="suspend", note="x",
                                 until=timezone.localdate() - datetime.timedelta(days=1))
    moderation.decide_report(actor=reported["admin"], report=report, decision="close")
    assert moderation.decide_report(actor=reported["admin"], report=report, decision="close").state == "closed"
    with pytest.raises(ValidationError):
        moderation.decide_report(actor=reported["admin"], report=report, decision="warn", note="late")
    # an administrator who is reported does not decide on it
    RoleAssignment.objects.create(user=reported["a"], role=Role.ADMIN, entity=reported["entity"])
    other = services.report_conversation(actor=reported["b"], conversation=reported["conversation"], reason="again")
    with pytest.raises(PermissionDenied):
        moderation.decide_report(actor=reported["a"], report=other, decision="close")


def test_deciding_through_the_api(client, reported):
    h = auth(reported["admin"])
    pk = reported["report"].pk
    r = client.post(f"/api/v1/messages/reports/{pk}/decide/", {"decision": "suspend", "note": "Stop."},
                    content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["state"] == "suspended"
    rows = client.get("/api/v1/messages/suspensions/", **h).json()["results"]
    assert [s["user"] for s in rows] == [reported["a"].pk]
    assert client.post(f"/api/v1/messages/suspensions/{rows[0]['id']}/lift/", **h).status_code == 200
    assert client.get("/api/v1/messages/suspensions/", **h).json()["count"] == 0
    assert client.get("/api/v1/messages/suspensions/", **auth(reported["foreign_admin"])).json()["count"] == 0
