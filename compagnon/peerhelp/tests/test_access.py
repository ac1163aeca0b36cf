"""Who sees what, through the pages and the API: the questions of one's entity; another
entity's never (404), photos included."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .. import services
from .helpers import asked, auth, coop, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["q"] = asked(c, photos=[SimpleUploadedFile("haie.png", png(), content_type="image/png")])
    c["a"] = services.answer(actor=c["yanis"], question=c["q"], body="En septembre.")
    return c


def test_another_entity_gets_404_on_pages_photos_and_api(client, c):
    q, a = c["q"], c["a"]
    photo = q.photos.get()
    for who, code in (("camille", 200), ("lea", 200), ("advisor", 200), ("admin", 200),
                      ("outsider", 404), ("foreign_admin", 404)):
        client.force_login(c[who])
        assert client.get(reverse("peerhelp-question", args=[q.pk])).status_code == code, who
        served = client.get(reverse("peerhelp-photo", args=[photo.pk]))
        assert served.status_code == code, who
        if code == 200:
            assert b"".join(served.streaming_content).startswith(b"\x89PNG")
        assert client.get(reverse("api-peerhelp-question-detail", args=[q.pk]), **auth(c[who])).status_code == code
        assert client.get(reverse("api-peerhelp-answer-detail", args=[a.pk]), **auth(c[who])).status_code == code
        listed = client.get(reverse("peerhelp-index")).content.decode()
        assert ("Comment tailler une haie" in listed) == (code == 200), who
        rows = client.get(reverse("api-peerhelp-question-list"), **auth(c[who])).json()["results"]
        assert bool(rows) == (code == 200), who


def test_outsiders_cannot_act_on_a_question(client, c):
    q, a = c["q"], c["a"]
    client.force_login(c["outsider"])
    for url in (reverse("peerhelp-answer", args=[q.pk]), reverse("peerhelp-close", args=[q.pk]),
                reverse("peerhelp-follow", args=[q.pk]), reverse("peerhelp-accept", args=[a.pk]),
                reverse("peerhelp-helped", args=[a.pk]), reverse("peerhelp-call-in", args=[a.pk])):
        assert client.post(url, {"body": "x"}).status_code == 404, url
    tok = auth(c["outsider"])
    assert client.post(reverse("api-peerhelp-answer-accept", args=[a.pk]), **tok).status_code == 404
    assert client.post(reverse("api-peerhelp-question-answers", args=[q.pk]), {"body": "x"}, **tok).status_code == 404


def test_staff_do_not_ask(client, c):
    client.force_login(c["admin"])
    assert client.get(reverse("peerhelp-ask")).status_code == 403
    r = client.post(reverse("api-peerhelp-question-list"), {"title": "Une question du staff ?"}, **auth(c["admin"]))
    assert r.status_code == 403
