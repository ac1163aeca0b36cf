"""My directory profile: the member chooses who sees each field, sees the three previews, switches
the public page of an activity on and off; nobody else changes those choices; the search columns
follow changes of the member's data."""

import pytest
from django.urls import reverse

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import MembershipFactory
from compagnon.members import services as members

from ..models import DirectoryProfile, Showcase, Visibility
from .helpers import MARKERS, auth, choose, world

pytestmark = pytest.mark.django_db
URL = "/api/v1/directory/profile/"


def _form(**overrides) -> dict:
    data = {f"{f}_visibility": str(Visibility.NOBODY) for f in MARKERS}
    data.update(headline="", website="", zone_city="", zone_postcode="", zone_km="")
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def test_the_member_saves_choices_and_reads_the_three_previews(client):
    w = world()
    client.force_login(w.target.user)
    page = reverse("directory-profile-edit")
    body = client.get(page).content.decode()
    assert "You have not chosen yet" in body
    assert all(f'data-preview="{k}"' in body for k in ("office", "entity", "public"))
    r = client.post(page, _form(headline="Headlinemark", bio_visibility=Visibility.OFFICE,
                                skills_visibility=Visibility.PUBLIC, zone_city="Rezé", zone_km=12,
                                zone_visibility=Visibility.ENTITY))
    assert r.status_code == 302
    p = DirectoryProfile.objects.get(member=w.target)
    assert p.headline == "Headlinemark" and p.zone_km == 12 and p.configured_at is not None
    assert p.bio_visibility == Visibility.OFFICE and p.trades_visibility == Visibility.NOBODY
    body = client.get(page).content.decode()
    previews = {k: body.split(f'data-preview="{k}"')[1].split("</details>")[0] for k in ("office", "entity", "public")}
    assert "Biomark" in previews["office"] and "Biomark" not in previews["entity"]
    assert "Skillmark" in previews["public"] and "Rezé" in previews["entity"] and "Rezé" not in previews["public"]
    event = AuditEvent.objects.get(action="directory.profile_updated")
    assert event.member_id == w.target.pk and event.changes["bio_visibility"] == ["0", "1"]


def test_bad_input_is_answered_400_naming_the_field_nothing_lost(client):
    w = world()
    client.force_login(w.target.user)
    page = reverse("directory-profile-edit")
    r = client.post(page, _form(headline="Kept headline", zone_city="Atlantis"))
    body = r.content.decode()
    assert r.status_code == 400 and "Kept headline" in body and "We do not know this place" in body
    r = client.post(page, _form(headline="Kept", email_visibility=Visibility.PUBLIC))
    assert r.status_code == 400 and "Kept" in r.content.decode()
    r = client.post(page, _form(zone_city="Nantes", zone_km="500"))
    assert r.status_code == 400
    assert not DirectoryProfile.objects.filter(member=w.target, configured_at__isnull=False).exists()
    r = client.patch(URL, {"visibility": {"email": "public"}}, content_type="application/json", **auth(w.target.user))
    assert r.status_code == 400 and "visibility" in r.json()["error"]["fields"]
    r = client.patch(URL, {"website": "not a site"}, content_type="application/json", **auth(w.target.user))
    assert r.status_code == 400 and "website" in r.json()["error"]["fields"]


def test_the_api_reads_and_changes_my_choices(client):
    w = world()
    h = auth(w.target.user)
    data = client.get(URL, **h).json()
    assert data["visibility"]["trades"] == "entity" and data["visibility"]["email"] == "nobody"
    r = client.patch(URL, {"headline": "Via the API", "visibility": {"email": "office", "place": "public"}},
                     content_type="application/json", **h)
    assert r.status_code == 200, r.content
    p = DirectoryProfile.objects.get(member=w.target)
    assert p.headline == "Via the API" and p.email_visibility == Visibility.OFFICE
    assert p.place_visibility == Visibility.PUBLIC and p.bio_visibility == Visibility.NOBODY


@pytest.mark.parametrize("who", ["admin", "advisor", "foreign_admin"])
def test_staff_have_no_directory_profile_to_edit(client, who):
    w = world()
    user = getattr(w, who)
    client.force_login(user)
    assert client.get(reverse("directory-profile-edit")).status_code == 404
    assert client.post(reverse("directory-showcase-switch", args=[w.activity.pk]), {f"a{w.activity.pk}-enabled": "on"}).status_code == 404
    client.logout()
    assert client.get(URL, **auth(user)).status_code == 404
    assert client.patch(URL, {"headline": "x"}, content_type="application/json", **auth(user)).status_code == 404


def test_only_a_holder_switches_the_public_page_of_an_activity(client):
    w = world()
    switch = reverse("directory-showcase-switch", args=[w.activity.pk])
    prefix = f"a{w.activity.pk}"
    MembershipFactory(activity=w.activity, member=w.colleague)  # a contributor, not a holder
    client.force_login(w.colleague.user)
    assert client.post(switch, {f"{prefix}-enabled": "on"}).status_code == 404
    client.force_login(w.far_colleague.user)
    assert client.post(switch, {f"{prefix}-enabled": "on"}).status_code == 404
    client.force_login(w.target.user)
    assert client.post(switch, {f"{prefix}-enabled": "on", f"{prefix}-show_name": "on"}).status_code == 302
    showcase = Showcase.objects.get(activity=w.activity)
    assert showcase.enabled and showcase.show_name and showcase.member == w.target
    assert showcase.slug == "activitymark-jardins"
    body = client.get(reverse("directory-profile-edit")).content.decode()
    assert reverse("directory-showcase", args=[showcase.slug]) in body
    assert client.post(switch, {}).status_code == 302
    showcase.refresh_from_db()
    assert not showcase.enabled
    assert AuditEvent.objects.filter(action="directory.showcase_off", activity=w.activity).exists()


def test_the_search_follows_changes_of_the_member_data(client, django_capture_on_commit_callbacks):
    w = world()
    choose(w.target, Visibility.ENTITY)
    with django_capture_on_commit_callbacks(execute=True):
        members.update_member_profile(
            actor=w.target.user, member=w.target, user_fields={"first_name": "Camila"},
            profile_fields={"city": "Angers", "postcode": "49100", "skills": ["apiculture"]},
        )
    p = DirectoryProfile.objects.get(member=w.target)
    texts = p.search_text
    assert " apiculture " in texts.text_entity and " camila " in texts.text_entity and "angers" in texts.text_entity
    assert round(p.lat, 1) == 47.5 and "|apiculture|" == p.norm_skills
    with django_capture_on_commit_callbacks(execute=True):
        members.update_activity(actor=w.target.user, activity=w.activity, name="Les ruches de Camila")
    assert " ruches " in DirectoryProfile.objects.get(member=w.target).search_text.text_entity
    h = auth(w.far_colleague.user)
    rows = client.get("/api/v1/directory/members/", {"q": "ruches"}, **h).json()["results"]
    assert [r["id"] for r in rows] == [w.target.pk]
