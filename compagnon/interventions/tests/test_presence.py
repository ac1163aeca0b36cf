"""A member checks in and out at the client's, by tap or by the QR code left at the home."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.fieldwork.models import VisitState
from compagnon.interventions import services
from compagnon.interventions.models import HomeCode, Presence, Sheet

from .helpers import world

pytestmark = pytest.mark.django_db
QUEUED = {"HTTP_X_COMPAGNON_QUEUED": "1"}


def _post_presence(client, w, kind, at, key=None, **extra):
    return client.post(
        reverse("interventions-presence", args=[w.visit.pk]),
        {"kind": kind, "at": at.isoformat(), "client_uuid": key or str(uuid.uuid4()), **extra},
        **QUEUED,
    )


def test_member_checks_in_and_out_and_the_time_fills_the_sheet(client):
    w = world()
    client.force_login(w.member.user)
    assert client.get(reverse("interventions-visit", args=[w.visit.pk])).status_code == 200
    start = timezone.now() - datetime.timedelta(minutes=95)
    answer = _post_presence(client, w, "in", start)
    assert answer.status_code == 200 and "message" in answer.json()
    w.visit.refresh_from_db()
    assert w.visit.state == VisitState.STARTED
    assert (
        _post_presence(client, w, "out", start + datetime.timedelta(minutes=90)).status_code == 200
    )
    w.visit.refresh_from_db()
    assert w.visit.state == VisitState.DONE
    assert Sheet.objects.get(visit=w.visit).minutes == 90


def test_a_presence_sent_twice_is_stored_once(client):
    w = world()
    client.force_login(w.member.user)
    key, at = str(uuid.uuid4()), timezone.now()
    assert _post_presence(client, w, "in", at, key).status_code == 200
    assert _post_presence(client, w, "in", at, key).status_code == 200
    assert Presence.objects.filter(visit=w.visit).count() == 1


def test_position_is_kept_only_with_consent(client):
    w = world()
    client.force_login(w.member.user)
    _post_presence(
        client, w, "in", timezone.now(), latitude="47.2", longitude="-1.55", accuracy_m="12"
    )
    assert Presence.objects.get().latitude is None
    client.post(reverse("interventions-consent"), {"allowed": "yes"}, **QUEUED)
    _post_presence(
        client, w, "out", timezone.now(), latitude="47.2", longitude="-1.55", accuracy_m="12"
    )
    out = Presence.objects.get(kind="out")
    assert str(out.latitude) == "47.200000" and out.accuracy_m == 12


def test_position_seen_by_the_member_and_the_sector_only(client):
    w = world()
    services.set_position_consent(actor=w.member.user, allowed=True)
    services.record_presence(
        actor=w.member.user, visit=w.visit, kind="in", latitude="47.2", longitude="-1.55"
    )
    url = reverse("api-presence-list")
    for user, shown in ((w.member.user, True), (w.colleague.user, True), (w.admin, False)):
        client.force_login(user)
        rows = client.get(url).json()["results"]
        assert len(rows) == 1
        assert (rows[0]["latitude"] is not None) is shown, user
    client.force_login(w.outsider.user)
    assert client.get(url).json()["results"] == []


def test_refused_presences_say_why(client):
    w = world()
    client.force_login(w.member.user)
    answer = _post_presence(client, w, "out", timezone.now())
    assert (
        answer.status_code == 400 and "Check in before checking out." in answer.json()["errors"][0]
    )
    answer = _post_presence(client, w, "in", timezone.now() + datetime.timedelta(hours=2))
    assert answer.status_code == 400 and "future" in answer.json()["errors"][0]


def test_only_the_visit_member_records_presence(client):
    w = world()
    with pytest.raises(PermissionDenied):
        services.record_presence(actor=w.colleague.user, visit=w.visit, kind="in")
    client.force_login(w.colleague.user)
    assert _post_presence(client, w, "in", timezone.now()).status_code == 403
    client.force_login(w.outsider.user)
    assert _post_presence(client, w, "in", timezone.now()).status_code == 404
    assert client.get(reverse("interventions-visit", args=[w.visit.pk])).status_code == 404


def test_scanning_the_home_code_checks_in_then_out(client):
    w = world()
    code = services.create_home_code(actor=w.member.user, visit=w.visit)
    client.force_login(w.member.user)
    url = reverse("interventions-scan", args=[code.token])
    assert client.get(url).status_code == 200
    client.post(url, {"client_uuid": str(uuid.uuid4())})
    client.post(url, {"client_uuid": str(uuid.uuid4())})
    assert list(Presence.objects.values_list("kind", "method")) == [("in", "qr"), ("out", "qr")]


def test_a_new_code_revokes_the_old_one_and_images_download(client):
    w = world()
    old = services.create_home_code(actor=w.member.user, visit=w.visit)
    services.create_home_code(actor=w.member.user, visit=w.visit)
    assert HomeCode.objects.get(pk=old.pk).revoked_at is not None
    with pytest.raises(ValidationError):
        services.todays_visit_for_code(actor=w.member.user, token=old.token)
    client.force_login(w.member.user)
    page = client.get(reverse("interventions-home-code", args=[w.visit.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    png = client.get(reverse("interventions-home-code-image", args=[w.visit.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    client.force_login(w.outsider.user)
    assert client.get(reverse("interventions-home-code", args=[w.visit.pk])).status_code == 404


def test_a_code_of_another_home_does_not_check_in(client):
    w = world()
    code = HomeCode.objects.create(client=w.client)
    client.force_login(w.colleague.user)  # no visit at this home today
    answer = client.get(reverse("interventions-scan", args=[code.token]))
    assert answer.status_code == 404 and "no visit at this home today" in answer.content.decode()
