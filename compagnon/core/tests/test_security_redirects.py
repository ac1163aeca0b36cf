"""No redirect leaves the site, whatever ``next`` says (issue 9, point 4)."""

import pytest
from django.test import RequestFactory

from compagnon.core.redirects import next_url
from compagnon.core.tests.factories import MemberFactory
from compagnon.notifications.models import Notification

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example/x",
    "https://evil.example",
    "https://evil.example/home/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " //evil.example",
    "http:\\\\evil.example",
    "/\t/evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_marking_a_notification_read_never_redirects_off_site(client, target):
    user = MemberFactory().user
    notification = Notification.objects.create(user=user, title="x")
    client.force_login(user)
    response = client.post(f"/notifications/{notification.pk}/read/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_a_next_on_this_site_is_followed(client):
    user = MemberFactory().user
    notification = Notification.objects.create(user=user, title="x")
    client.force_login(user)
    response = client.post(f"/notifications/{notification.pk}/read/", {"next": "/home/?page=2"})
    assert response["Location"] == "/home/?page=2"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_shared_helper_refuses_every_hostile_target(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert next_url(request, "/fallback/") == "/fallback/"


def test_on_https_a_plain_http_url_of_this_host_is_refused():
    factory = RequestFactory()
    secure = factory.get("/x/", {"next": "http://testserver/home/"}, secure=True)
    assert next_url(secure, "/fallback/") == "/fallback/"
    assert next_url(factory.get("/x/", {"next": "https://testserver/home/"}, secure=True), "/f/") == (
        "https://testserver/home/"
    )
