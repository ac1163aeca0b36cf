"""A person reads their own notifications, opens them, marks them read; nobody else's."""

import pytest
from django.apps import apps

if not apps.is_installed("compagnon.notifications"):
    pytest.skip("compagnon.notifications is not in INSTALLED_APPS yet", allow_module_level=True)

from django.template import Context, Template  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from compagnon.core.tests.factories import UserFactory, api_token_for  # noqa: E402
from compagnon.notifications import services  # noqa: E402
from compagnon.notifications.models import Notification  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return UserFactory(language="fr"), UserFactory()


def test_notify_in_the_readers_language_once_per_key(people):
    from django.utils.translation import gettext

    alice, _bob = people
    for _ in range(2):
        services.notify(alice, title=lambda: gettext("Log out"), body="b", url="/documents/", key="k1")
    [n] = Notification.objects.filter(user=alice)
    assert n.title == "Se déconnecter" and not n.is_read  # rendered in French, stored once


def test_list_open_mark_read_and_404_on_someone_elses(people, client):
    alice, bob = people
    services.notify(alice, title="Reminder planned", url="/documents/")
    services.notify(alice, title="Second one")
    theirs = Notification.objects.create(user=bob, title="Bob's")
    client.force_login(alice)
    page = client.get("/notifications/")
    assert page.status_code == 200 and b"Reminder planned" in page.content and b"Bob&#x27;s" not in page.content
    first = Notification.objects.get(title="Reminder planned")
    opened = client.post(f"/notifications/{first.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/documents/"
    first.refresh_from_db()
    assert first.is_read
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get("/notifications/?unread=1").content.count(b'id="notification-') == 1
    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_open_never_redirects_outside(people, client):
    alice, _bob = people
    n = Notification.objects.create(user=alice, title="x", url="https://evil.example/")
    client.force_login(alice)
    assert client.post(f"/notifications/{n.pk}/open/")["Location"] == "/notifications/"


def test_api(people, client):
    alice, bob = people
    services.notify(alice, title="One")
    theirs = Notification.objects.create(user=bob, title="Bob's")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(alice)}"}
    listed = client.get("/api/v1/notifications/", **auth).json()
    assert [row["title"] for row in listed["results"]] == ["One"] and listed["unread"] == 1
    assert client.get(f"/api/v1/notifications/{theirs.pk}/", **auth).status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/", **auth).status_code == 404
    mine = Notification.objects.get(user=alice)
    read = client.post(f"/api/v1/notifications/{mine.pk}/read/", **auth)
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert client.post("/api/v1/notifications/read-all/", **auth).json() == {"marked": 0}


def test_header_link_counts_unread_in_one_query(people, django_assert_num_queries):
    alice, _bob = people
    for i in range(3):
        services.notify(alice, title=f"n{i}")
    request = RequestFactory().get("/")
    request.user = alice
    with django_assert_num_queries(1):
        html = Template("{% load notifications_tags %}{% notifications_link %}").render(Context({"request": request}))
    assert 'href="/notifications/"' in html and ">3<" in html


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = {**settings.CACHES, "permissions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                           "LOCATION": "notification-tests"}}
    settings.PERMISSION_CACHE = "permissions"
    from django.core.cache import caches

    caches["permissions"].clear()
    yield caches["permissions"]
    caches["permissions"].clear()


def test_with_a_shared_cache_the_bell_costs_no_query_and_changes_show_at_once(people, client, shared_cache,
                                                                              django_assert_num_queries):
    alice, bob = people
    services.notify(alice, title="first")
    request = RequestFactory().get("/")
    request.user = alice
    bell = Template("{% load notifications_tags %}{% notifications_link %}")
    assert ">1<" in bell.render(Context({"request": request}))
    with django_assert_num_queries(0):
        assert ">1<" in bell.render(Context({"request": request}))
    services.notify_many([services.Message(user=alice, title="second"), services.Message(user=bob, title="x")])
    assert ">2<" in bell.render(Context({"request": request}))
    Notification.objects.create(user=alice, title="made elsewhere")
    assert ">3<" in bell.render(Context({"request": request}))
    services.mark_read(user=alice)
    assert ">3<" not in bell.render(Context({"request": request}))
    from compagnon.notifications.selectors import unread_count

    assert unread_count(alice) == 0
