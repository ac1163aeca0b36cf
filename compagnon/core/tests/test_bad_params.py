"""Hostile query parameters never make a server error, on any page or API list.

The URLs are not listed by hand: the HTML pages come from the URL resolver (every GET route
without arguments, and the routes of one activity, entity, client, member or document filled
with the fixture's own ids), the API lists from the OpenAPI schema. Each URL is first opened with
a recorder on ``request.GET`` that notes which parameters the view reads; then each of those
(and each query parameter the schema declares) gets each hostile value. A new page or endpoint is
therefore covered without touching this file.
"""

import re

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import member_with_activity, staff
from compagnon.sales.tests.factories import ClientFactory, draft, issued_invoice

pytestmark = pytest.mark.django_db

HOSTILE = [
    "99999999999999999999",  # overflows a 64-bit integer column (PostgreSQL and SQLite)
    "abc",
    "-1",
    "2026-13-45",
    "x\x00y",  # PostgreSQL refuses NUL in text
]
# Pages that render files (PDF, XML, CSV) or are Django's own admin and allauth: not lists.
SKIP = re.compile(
    r"^(admin/|accounts/|api/|i18n/|media|p/|invite/|collections/go/)|pdf|file|download|letter"
    r"|einvoice|preview|template\.csv|healthz"
)


class RecordingQueryDict(QueryDict):
    """A QueryDict that remembers the names a view asked for."""

    asked: set

    def _note(self, key):
        RecordingQueryDict.asked.add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


@pytest.fixture
def recorder(monkeypatch):
    RecordingQueryDict.asked = set()

    def GET(self):  # noqa: N802 - Django's attribute name
        if not hasattr(self, "_recorded_get"):
            self._recorded_get = RecordingQueryDict(self.environ.get("QUERY_STRING", ""))
        return self._recorded_get

    monkeypatch.setattr(WSGIRequest, "GET", property(GET))
    return RecordingQueryDict


@pytest.fixture
def world():
    """A member with an activity, clients, a draft and an issued invoice; an administrator."""
    member, activity = member_with_activity()
    client = ClientFactory(activity=activity)
    ClientFactory(activity=activity, kind="individual", name="Jeanne Martin")
    issued = issued_invoice(member, activity, client)
    draft(member, activity, client)
    admin = staff(Role.ADMIN, activity.entity)
    return {
        "member": member.user,
        "admin": admin,
        "ids": {
            "activities": activity.pk,
            "collections/activities": activity.pk,
            "entities": activity.entity_id,
            "ledger": activity.entity_id,
            "payments/entities": activity.entity_id,
            "clients": client.pk,
            "collections/clients": client.pk,
            "members": member.pk,
            "documents": issued.pk,
        },
    }


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def html_urls(ids) -> list[str]:
    """GET pages of the site: without arguments, or with one id the fixture has."""
    urls = []
    for route in _patterns(get_resolver()):
        if SKIP.search(route) or route.startswith("^"):
            continue
        args = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not args:
            urls.append("/" + route)
            continue
        if len(args) != 1:
            continue
        head = route.split("<")[0].strip("/")
        if head in ids:
            urls.append("/" + re.sub(r"<[^>]+>", str(ids[head]), route))
    return sorted(set(urls))


def api_lists() -> dict[str, list[str]]:
    """GET operations of the API without path parameters, with their declared query parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    lists = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if "{" in path or get is None:
            continue
        lists[path] = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
    return lists


def _probe(client, url, recorder, **extra) -> tuple[int, set]:
    recorder.asked = set()
    response = client.get(url, **extra)
    return response.status_code, set(recorder.asked)


def _walk(client, urls: dict[str, list[str]], recorder, **extra) -> list:
    client.raise_request_exception = False  # collect every failure, not only the first
    failures = []
    for url, declared in urls.items():
        status, asked = _probe(client, url, recorder, **extra)
        if status >= 500:
            failures.append((url, "", "", status))
            continue
        for name in sorted(asked | set(declared) | {"page"}):
            for value in HOSTILE:
                response = client.get(url, {name: value}, **extra)
                if response.status_code >= 500:
                    failures.append((url, name, value[:30], response.status_code))
                elif response.status_code == 400 and url.startswith("/api/"):
                    error = response.json()["error"]
                    assert error["code"] == "invalid_parameter" or "fields" in error, (url, name)
    return failures


@pytest.mark.parametrize("role", ["member", "admin"])
def test_no_page_answers_a_server_error_to_hostile_parameters(client, world, recorder, role):
    client.force_login(world[role])
    urls = html_urls(world["ids"])
    assert "/documents/" in urls and f"/activities/{world['ids']['activities']}/time/" in urls
    failures = _walk(client, dict.fromkeys(urls, []), recorder)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("role", ["member", "admin"])
def test_no_api_list_answers_a_server_error_to_hostile_parameters(client, world, recorder, role):
    client.force_login(world[role])
    lists = api_lists()
    assert "/api/v1/documents/" in lists and "activity" in lists["/api/v1/documents/"]
    failures = _walk(client, lists, recorder, HTTP_ACCEPT="application/json")
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/documents/", "activity"),
        ("/api/v1/documents/", "client"),
        ("/api/v1/documents/", "page_size"),
        ("/api/v1/documents/", "page"),
        ("/api/v1/documents/", "state"),
    ],
)
def test_the_api_names_the_bad_parameter(client, world, url, name):
    client.force_login(world["member"])
    for value in ("99999999999999999999", "abc", "0"):
        response = client.get(url, {name: value})
        assert response.status_code == 400, (name, value)
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter"
        assert name in error["fields"] and name in error["fields"][name][0]


def test_a_page_explains_the_bad_parameter_in_the_users_language(client, world):
    world["member"].language = "fr"
    world["member"].save()
    client.force_login(world["member"])
    response = client.get("/documents/", {"activity": "99999999999999999999"})
    assert response.status_code == 400
    assert "activity" in response.content.decode()
    assert "Cette adresse n’est pas valide" in response.content.decode()


def test_a_well_formed_id_that_matches_nothing_is_an_empty_list(client, world):
    client.force_login(world["member"])
    response = client.get("/api/v1/documents/", {"activity": "123456789"})
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.get("/documents/", {"activity": "123456789"}).status_code == 200
