"""The public showcase: visitors read it without an account, write to the member through a form
that never shows the member's address (an email through the send_email task), robots are turned
away (honeypot, too fast, rate limit); the index lists the entity's pages that are on."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from compagnon.core.demo import logo_png
from compagnon.fieldwork import antispam
from compagnon.notifications.models import Notification

from .. import services
from ..models import Visibility
from .helpers import choose, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    cache.clear()
    w = world()
    choose(w.target, Visibility.PUBLIC)
    w.showcase = services.set_showcase(actor=w.target.user, activity=w.activity, enabled=True)
    return w


def _message(**extra) -> dict:
    data = {"name": "Ada Visitor", "email": "ada@example.net", "message": "Could you prune my hedge?",
            "website": "", "started": antispam.started_token(now=0)}
    data.update(extra)
    return data


def test_a_visitor_writes_to_the_member_without_seeing_their_address(client, w, django_capture_on_commit_callbacks):
    url = reverse("directory-showcase", args=[w.showcase.slug])
    body = client.get(url).content.decode()
    assert "emailmark@example.org" not in body and 'name="website"' in body
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, _message())
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["emailmark@example.org"] and "Activitymark Jardins" in sent.subject
    assert "ada@example.net" in sent.body and "Could you prune my hedge?" in sent.body
    assert "emailmark" not in client.get(url).content.decode()
    assert Notification.objects.filter(user=w.target.user).exists()


def test_robots_and_floods_are_turned_away(client, w, django_capture_on_commit_callbacks):
    url = reverse("directory-showcase", args=[w.showcase.slug])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, _message(website="http://spam.example"))
        assert r.status_code == 400 and "Could you prune my hedge?" in r.content.decode()
        r = client.post(url, _message(started=antispam.started_token()))  # sent in less than 4 s
        assert r.status_code == 400
        r = client.post(url, _message(message=""))
        assert r.status_code == 400 and "Ada Visitor" in r.content.decode()
        statuses = [client.post(url, _message()).status_code for _ in range(antispam.LIMIT)]
    assert statuses.count(302) < antispam.LIMIT and statuses[-1] == 400
    assert "Too many messages" in client.post(url, _message()).content.decode()
    assert len(mail.outbox) == statuses.count(302)


def test_the_logo_and_the_index_are_public_only_while_switched_on(client, w):
    w.activity.logo.save("logo.png", ContentFile(logo_png("AJ", "#2f6f4f")))
    logo = reverse("directory-showcase-logo", args=[w.showcase.slug])
    r = client.get(logo)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    index = client.get(reverse("directory-showcases", args=[w.entity.pk])).content.decode()
    assert "Activitymark Jardins" in index and "Camille" not in index
    services.set_showcase(actor=w.target.user, activity=w.activity, enabled=False)
    assert client.get(logo).status_code == 404
    assert "Activitymark Jardins" not in client.get(reverse("directory-showcases", args=[w.entity.pk])).content.decode()
    assert client.get(reverse("directory-showcase", args=["no-such-page"])).status_code == 404
    assert client.get(reverse("directory-showcases", args=[999999])).status_code == 404


def test_a_member_who_left_takes_their_page_down(client, w):
    w.target.status = "left"
    w.target.save()
    assert client.get(reverse("directory-showcase", args=[w.showcase.slug])).status_code == 404
