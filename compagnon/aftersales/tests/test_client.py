"""A client reports a problem from their invoice's portal link or their request's tracking page,
with photos, then follows and answers on their own signed page: no account."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.notifications.models import Notification

from ..models import Case, Origin, State
from ..tokens import make_token
from .helpers import coop, jpeg, report_data, reported

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_the_invoice_page_and_the_tracking_page_offer_report_a_problem(client, c):
    page = client.get(reverse("portal-document", args=[c.portal_token]))
    assert reverse("aftersales-report-invoice", args=[c.portal_token]) in page.content.decode()
    track = client.get(reverse("fieldwork-track", args=[c.request.token]))
    assert reverse("aftersales-report-visit", args=[c.request.token]) in track.content.decode()


def test_client_reports_from_the_invoice_with_a_photo_and_follows_it(client, c, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    url = reverse("aftersales-report-invoice", args=[c.portal_token])
    form = client.get(url)
    assert form.status_code == 200 and form["Cache-Control"] == "private, no-store"
    assert c.client.name in form.content.decode()  # the name is filled in
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**report_data(), "photos": [SimpleUploadedFile("h.jpg", jpeg(), "image/jpeg")]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("aftersales-client", args=[make_token(case)])
    assert case.state == State.WITH_MEMBER and case.document == c.invoice and case.activity == c.activity
    assert case.trade == c.gardening and case.photos.count() == 1
    assert Notification.objects.filter(user=c.gardener.user, url=reverse("aftersales-case", args=[case.pk])).exists()
    assert [m.to for m in mailoutbox] == [["syndic@example.org"]]
    assert make_token(case) in mailoutbox[0].body
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "The hedge is dying on one side." in text and "With the member" in text
    photo = case.photos.get()
    image = client.get(reverse("aftersales-client-photo", args=[make_token(case), photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")


def test_a_bad_photo_is_refused_and_nothing_typed_is_lost(client, c):
    url = reverse("aftersales-report-invoice", args=[c.portal_token])
    response = client.post(url, {**report_data(description="Brown leaves"),
                                 "photos": [SimpleUploadedFile("x.jpg", b"not an image at all", "image/jpeg")]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Photos must be JPEG, PNG or WebP images." in text and "Brown leaves" in text
    assert not Case.objects.exists()


def test_robots_and_floods_are_refused(client, c):
    url = reverse("aftersales-report-invoice", args=[c.portal_token])
    assert client.post(url, report_data(website="http://spam.example")).status_code == 400
    import time

    from compagnon.fieldwork import antispam
    assert client.post(url, report_data(started=antispam.started_token(time.time()))).status_code == 400
    for _ in range(5):
        assert client.post(url, report_data()).status_code == 302
    assert client.post(url, report_data()).status_code == 400
    assert Case.objects.count() == 5


def test_a_tampered_link_finds_nothing(client, c):
    assert client.get(reverse("aftersales-report-invoice", args=[c.portal_token + "x"])).status_code == 404
    case = reported(c)
    token = make_token(case)
    assert client.get(reverse("aftersales-client", args=[token[:-2] + "zz"])).status_code == 404
    other = reported(c)
    photo_of_other = other.photos.create(file="aftersales/x.jpg")
    url = reverse("aftersales-client-photo", args=[token, photo_of_other.pk])
    assert client.get(url).status_code == 404


def test_client_reports_about_a_visit_from_the_tracking_page(client, c):
    url = reverse("aftersales-report-visit", args=[c.request.token])
    assert client.get(url).status_code == 200
    response = client.post(url, report_data(visit=c.visit.pk))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.origin == Origin.VISIT and case.visit == c.visit and case.service == c.service
    c.visit.state = "planned"
    c.visit.save(update_fields=["state"])
    assert client.get(url).status_code == 404  # no visit done: nothing to report about


def test_client_writes_again_and_closes(client, c, django_capture_on_commit_callbacks):
    case = reported(c)
    token = make_token(case)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("aftersales-client-write", args=[token]),
                               {"body": "Here is another photo.", "photos": [SimpleUploadedFile("p.png", jpeg(), "image/jpeg")]})
    assert response.status_code == 302
    assert case.messages.count() == 2 and case.photos.count() == 1
    assert Notification.objects.filter(user=c.gardener.user, title__contains="the client wrote").exists()
    empty = client.post(reverse("aftersales-client-write", args=[token]), {"body": ""})
    assert empty.status_code == 400
    client.post(reverse("aftersales-client-close", args=[token]))
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.resolution_seconds is not None
    closed = client.post(reverse("aftersales-client-write", args=[token]), {"body": "Again"})
    assert closed.status_code == 400 and "This case is closed" in closed.content.decode()
