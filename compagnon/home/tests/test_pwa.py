"""The installable app: manifest, service worker and offline page; a draft edited offline meets a
draft changed elsewhere (the server refuses to save over it)."""

import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from compagnon.core.tests.factories import member_with_activity
from compagnon.sales.models import Document
from compagnon.sales.tests.factories import ClientFactory, draft
from compagnon.sales.tests.test_views import GARDEN_ROWS, HTMX, editor_data

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_in_the_readers_language_with_its_icons(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Compagnon"
    assert manifest["lang"] == "nl"
    assert "werkplek" in manifest["name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon


def test_the_service_worker_covers_the_whole_site_and_knows_the_offline_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    settings = json.loads(response.content.decode().split("\n", 1)[0].removeprefix("self.COMPAGNON = ")[:-1])
    assert settings["offline"] == "/offline/"
    assert "/static/core/app.css" in settings["shell"]


def test_the_offline_page_says_what_works_and_shows_nobodys_data(client):
    member, _ = member_with_activity()
    client.force_login(member.user)
    html = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "What still works" in html or "Ce qui fonctionne encore" in html
    assert member.user.email not in html
    assert "csrfmiddlewaretoken" not in html


def test_every_page_links_the_manifest_and_the_offline_script(client):
    member, _ = member_with_activity()
    client.force_login(member.user)
    html = client.get("/home/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert "core/offline.js" in html
    assert f'data-user="{member.user.pk}"' in html


def test_an_edit_made_against_an_older_version_of_the_draft_is_refused_not_saved_over_it(client):
    member, activity = member_with_activity()
    quote = draft(member, activity, ClientFactory(activity=activity))
    client.force_login(member.user)
    seen = int(quote.updated_at.timestamp())  # what the phone had when it went offline
    Document.objects.filter(pk=quote.pk).update(
        title="Changed on the computer", updated_at=timezone.now() + timezone.timedelta(seconds=5)
    )
    response = client.post(
        f"/documents/{quote.pk}/autosave/", {**editor_data(GARDEN_ROWS, title="Typed offline"), "base": seen}, **HTMX
    )
    assert response.status_code == 409
    assert Document.objects.get(pk=quote.pk).title == "Changed on the computer"

    # the member chose their version, which now starts from the server's one
    fresh = int(Document.objects.get(pk=quote.pk).updated_at.timestamp())
    response = client.post(
        f"/documents/{quote.pk}/autosave/", {**editor_data(GARDEN_ROWS, title="Typed offline"), "base": fresh}, **HTMX
    )
    assert response.status_code == 200
    assert Document.objects.get(pk=quote.pk).title == "Typed offline"


def test_a_new_draft_asked_for_offline_and_sent_twice_is_one_draft(client):
    member, activity = member_with_activity()
    customer = ClientFactory(activity=activity, name="Boulangerie Durand")
    client.force_login(member.user)
    form = {"client_key": str(uuid.uuid4()), "activity": activity.pk, "client": customer.pk, "kind": "quote"}

    first = client.post("/offline/new-document/", form)
    again = client.post("/offline/new-document/", form)

    assert first.status_code == again.status_code == 200
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert first.json()["url"] == again.json()["url"]
    assert "Boulangerie Durand" in first.json()["message"]
    document = Document.objects.get(client=customer)
    assert (document.kind, document.state, document.created_by) == ("quote", "draft", member.user)


def test_a_new_draft_for_someone_elses_client_is_refused_with_the_reason(client):
    member, activity = member_with_activity()
    other, other_activity = member_with_activity()
    theirs = ClientFactory(activity=other_activity)
    client.force_login(member.user)
    for form in (
        {"client_key": str(uuid.uuid4()), "activity": activity.pk, "client": theirs.pk},
        {"client_key": str(uuid.uuid4()), "activity": other_activity.pk, "client": theirs.pk},
        {"client_key": "not-a-key", "activity": activity.pk, "client": theirs.pk},
    ):
        response = client.post("/offline/new-document/", form)
        assert response.status_code == 400
        assert response.json()["errors"]
    assert not Document.objects.filter(client=theirs).exists()
