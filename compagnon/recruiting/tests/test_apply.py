"""A person applies on the public form, with their CV, and follows their application by the link."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnon.fieldwork import antispam
from compagnon.recruiting.models import Application, Step

from .conftest import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_person_applies_with_a_cv_and_gets_a_private_link(client, w, django_capture_on_commit_callbacks):
    url = reverse("recruiting-apply", args=[w.entity.pk])
    page = client.get(url + "?trade=gardening")
    assert page.status_code == 200
    assert f'value="{w.gardening.pk}" checked' in page.content.decode()  # the trade preselected
    cv = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(trades=[w.gardening.pk], office=w.office.pk, documents=[cv]))
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("recruiting-follow", args=[application.token])
    assert application.step == Step.RECEIVED and application.office == w.office
    assert list(application.trades.all()) == [w.gardening] and application.zone_km == 25
    assert application.documents.get().content_type == "application/pdf"
    sent = next(m for m in mail.outbox if m.to == ["ines.morvan@example.org"])
    assert application.token in sent.body
    follow = client.get(response.url)
    assert follow.status_code == 200 and "Information meeting" in follow.content.decode()


def test_the_office_is_found_from_the_postcode(client, w):
    url = reverse("recruiting-apply", args=[w.entity.pk])
    client.post(url, form_data(trades=[w.gardening.pk], office="", postcode="44300"))
    assert Application.objects.get().office == w.office  # the sector of 44300 belongs to this office


def test_robots_and_bad_files_are_refused_without_losing_what_was_typed(client, w):
    url = reverse("recruiting-apply", args=[w.entity.pk])
    robot = client.post(url, form_data(trades=[w.gardening.pk], website="http://spam.example"))
    assert robot.status_code == 400 and "ines.morvan@example.org" in robot.content.decode()
    too_fast = client.post(url, form_data(trades=[w.gardening.pk], started=antispam.started_token(time.time())))
    assert too_fast.status_code == 400
    exe = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    bad = client.post(url, form_data(trades=[w.gardening.pk], documents=[exe]))
    assert bad.status_code == 400
    assert "cv.pdf cannot be sent" in bad.content.decode() and "Ten years as a landscape" in bad.content.decode()
    no_consent = client.post(url, form_data(trades=[w.gardening.pk], consent=""))
    assert no_consent.status_code == 400 and "consent" in no_consent.context["form"].errors
    no_trade = client.post(url, form_data())
    assert no_trade.status_code == 400 and "trades" in no_trade.context["form"].errors
    assert not Application.objects.exists()


def test_one_address_sends_at_most_five_applications_an_hour(client, w):
    url = reverse("recruiting-apply", args=[w.entity.pk])
    codes = [client.post(url, form_data(trades=[w.gardening.pk], email=f"p{i}@example.org")).status_code
             for i in range(6)]
    assert codes == [302] * 5 + [400]


def test_an_unknown_link_or_entity_is_not_found(client, w):
    assert client.get(reverse("recruiting-follow", args=["nope"])).status_code == 404
    assert client.get(reverse("recruiting-apply", args=[999999])).status_code == 404


def test_the_form_is_in_french_and_dutch(client, w):
    url = reverse("recruiting-apply", args=[w.entity.pk])
    assert "Jardinage" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
