"""Every privacy level × every viewer, through the member's page, the API and the search: a field
is shown — and found — exactly when the member's choice (or the viewer's role, for contacts)
allows it; another entity gets 404; the public sees only what is public, on the showcase."""

import pytest
from django.urls import reverse

from .. import services
from ..access import CONTACT
from ..models import Visibility
from .helpers import MARKERS, auth, choose, viewer, world

pytestmark = pytest.mark.django_db

LEVELS = [Visibility.NOBODY, Visibility.OFFICE, Visibility.ENTITY, Visibility.PUBLIC]
INSIDE = ["office", "other-office", "advisor", "other-advisor", "admin", "support", "accountant"]
OUTSIDE = ["other-entity", "foreign-admin"]
API_KEY = {"place": "city"}
# What each field can be searched by (contacts but the place are never searched)
SEARCH_WORDS = {
    "headline": "headlinemark", "bio": "biomark", "skills": "skillmark", "languages": "languagemark",
    "trades": "trademark", "activities": "activitymark", "zone": "reze", "place": "herblain",
}
# The member searching the directory finds themself as a colleague of their office would.


def expected(role: str, level: int, field: str) -> bool:
    if role == "self":
        return True
    if role in ("advisor", "admin") and field in CONTACT:
        return True
    return level >= (Visibility.OFFICE if role == "office" else Visibility.ENTITY)


@pytest.mark.parametrize("level", LEVELS, ids=lambda v: Visibility(v).name.lower())
def test_the_member_page_and_the_api_show_what_the_member_chose(client, level):
    w = world()
    choose(w.target, level)
    page = reverse("directory-member", args=[w.target.pk])
    api = f"/api/v1/directory/members/{w.target.pk}/"
    for role in ["self", *INSIDE]:
        user = viewer(w, role)
        client.force_login(user)
        body = client.get(page).content.decode()
        client.logout()
        r = client.get(api, **auth(user))
        assert r.status_code == 200, role
        data = r.json()
        for field, marker in MARKERS.items():
            want = expected(role, level, field)
            assert (marker in body) == want, (role, field, "html")
            assert (data[API_KEY.get(field, field)] is not None) == want, (role, field, "api")
    for role in OUTSIDE:
        user = viewer(w, role)
        client.force_login(user)
        assert client.get(page).status_code == 404, role
        client.logout()
        assert client.get(api, **auth(user)).status_code == 404, role


@pytest.mark.parametrize("level", LEVELS, ids=lambda v: Visibility(v).name.lower())
def test_a_keyword_finds_the_member_only_through_what_the_searcher_sees(client, level):
    w = world()
    choose(w.target, level)
    for role in ["self", *INSIDE, *OUTSIDE]:
        h = auth(viewer(w, role))
        for field, word in SEARCH_WORDS.items():
            found = [r["id"] for r in client.get("/api/v1/directory/members/", {"q": word}, **h).json()["results"]]
            want = role not in OUTSIDE and expected("office" if role == "self" else role, level, field)
            assert (w.target.pk in found) == want, (role, field)


@pytest.mark.parametrize("level", LEVELS, ids=lambda v: Visibility(v).name.lower())
def test_the_filters_match_only_visible_fields(client, level):
    w = world()
    choose(w.target, level)
    filters = {
        "trades": {"trade": "gardening"},
        "skills": {"skill": "skillmark"},
        "languages": {"language": "LANGUAGEMARK"},
        "place": {"postcode": "44800", "km": "3"},
        "zone": {"postcode": "44400", "km": "1"},  # Rezé: 15 km served around it; the home is 8 km away
    }
    for role in ["self", *INSIDE, *OUTSIDE]:
        user = viewer(w, role)
        client.force_login(user)
        for field, params in filters.items():
            html = client.get(reverse("directory-search"), params).content.decode()
            want = role not in OUTSIDE and expected("office" if role == "self" else role, level, field)
            assert (f'data-member="{w.target.pk}"' in html) == want, (role, field)


def test_defaults_show_the_name_and_trades_inside_the_cooperative_only(client):
    w = world()
    client.force_login(w.far_colleague.user)
    body = client.get(reverse("directory-member", args=[w.target.pk])).content.decode()
    assert "Camille Moreau" in body and MARKERS["trades"] in body
    for field in ("headline", "bio", "skills", "languages", "place", "email", "phone"):
        assert MARKERS[field] not in body, field
    client.force_login(w.outsider.user)
    assert client.get(reverse("directory-member", args=[w.target.pk])).status_code == 404


def test_the_public_sees_only_public_fields_on_the_showcase_and_never_the_email(client):
    w = world()
    choose(w.target, Visibility.ENTITY)
    showcase = services.set_showcase(actor=w.target.user, activity=w.activity, enabled=True)
    url = reverse("directory-showcase", args=[showcase.slug])
    body = client.get(url).content.decode()
    assert "Activitymark Jardins" in body and "Camille Moreau" in body
    for field, marker in MARKERS.items():
        if field != "activities":
            assert marker not in body, field
    choose(w.target, Visibility.PUBLIC)
    body = client.get(url).content.decode()
    for field, marker in MARKERS.items():
        if field not in ("activities", "email"):
            assert marker in body, field
    assert MARKERS["email"] not in body
    services.set_showcase(actor=w.target.user, activity=w.activity, enabled=True, show_name=False)
    assert "Camille Moreau" not in client.get(url).content.decode()
    services.set_showcase(actor=w.target.user, activity=w.activity, enabled=False)
    assert client.get(url).status_code == 404
    # the public never reaches the members' pages nor the API
    assert client.get(reverse("directory-member", args=[w.target.pk])).status_code == 302
    assert client.get(f"/api/v1/directory/members/{w.target.pk}/").status_code in (401, 403)


def test_a_member_who_left_is_not_in_the_directory(client):
    w = world()
    choose(w.target, Visibility.ENTITY)
    w.target.status = "left"
    w.target.save()
    services.refresh_profiles([w.target.pk])
    client.force_login(w.colleague.user)
    assert client.get(reverse("directory-member", args=[w.target.pk])).status_code == 404
    html = client.get(reverse("directory-search"), {"q": "camille"}).content.decode()
    assert f'data-member="{w.target.pk}"' not in html
