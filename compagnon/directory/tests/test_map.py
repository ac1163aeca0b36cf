"""The map: GeoJSON per office of the members who show their place and of the activities with a
public page, at their commune's centre (never the street), grouped by place; tiles from the
settings (none: only the markers); a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import ActivityFactory

from .. import services
from ..models import Visibility
from .helpers import auth, choose, person, world

pytestmark = pytest.mark.django_db


def _people(data) -> dict[str, list]:
    return {p["name"]: f["geometry"]["coordinates"] for f in data["features"] for p in f["properties"]["people"]}


def test_the_map_shows_who_chose_to_appear_at_the_commune_centre(client):
    w = world()
    choose(w.target, Visibility.ENTITY)
    services.set_showcase(actor=w.target.user, activity=w.activity, enabled=True)
    client.force_login(w.far_colleague.user)  # another office of the entity
    data = client.get(reverse("directory-map-data"), {"office": w.office.pk}).json()
    people = _people(data)
    assert people["Camille Moreau"] == [-1.651, 47.212]  # Saint-Herblain's centroid, 3 decimals
    assert people["Activitymark Jardins"] == [-1.569, 47.191]  # at the centre of the zone served (Rezé)
    assert "Yanis Garnier" not in people  # did not choose to appear
    services.update_profile(actor=w.target.user, member=w.target, place_visibility=Visibility.OFFICE,
                            zone_visibility=Visibility.OFFICE)
    people = _people(client.get(reverse("directory-map-data"), {"office": w.office.pk}).json())
    assert people == {}
    client.force_login(w.colleague.user)  # the office sees what is shown to the office
    people = _people(client.get(reverse("directory-map-data")).json())
    assert set(people) == {"Camille Moreau", "Activitymark Jardins"}
    client.force_login(w.advisor)  # the advisor of the office sees the place for their work
    people = _people(client.get(reverse("directory-map-data"), {"office": w.office.pk}).json())
    assert set(people) == {"Camille Moreau", "Yanis Garnier"}


def test_people_of_one_commune_share_one_marker(client):
    w = world()
    for m in (w.target, w.colleague):
        choose(m, Visibility.ENTITY)
    services.update_profile(actor=w.colleague.user, member=w.colleague, zone_visibility=Visibility.NOBODY)
    client.force_login(w.far_colleague.user)
    data = client.get(reverse("directory-map-data"), {"office": w.office.pk}).json()
    names = [[p["name"] for p in f["properties"]["people"]] for f in data["features"]]
    assert sorted(map(sorted, names)) == [["Camille Moreau"], ["Yanis Garnier"]]  # Saint-Herblain, Nantes
    w.colleague.city, w.colleague.postcode = "Saint-Herblain", "44800"
    w.colleague.save()
    services.refresh_profiles([w.colleague.pk])
    data = client.get(reverse("directory-map-data"), {"office": w.office.pk}).json()
    assert len(data["features"]) == 1 and data["features"][0]["properties"]["label"] == "Saint-Herblain"


def test_other_entities_and_unknown_offices_give_an_empty_map(client):
    w = world()
    choose(w.target, Visibility.PUBLIC)
    for user in (w.outsider.user, w.foreign_admin):
        r = client.get("/api/v1/directory/map/", {"office": w.office.pk}, **auth(user))
        assert r.status_code == 200 and r.json()["features"] == []
    client.force_login(w.outsider.user)
    r = client.get(reverse("directory-map"), {"office": w.office.pk})
    assert "Camille Moreau" not in r.content.decode()
    assert client.get(reverse("directory-map-data"), {"office": "x"}).status_code == 400
    client.logout()
    assert client.get(reverse("directory-map-data")).status_code == 302


def test_the_map_page_loads_our_leaflet_and_the_tiles_of_the_settings(client, settings):
    w = world()
    choose(w.target, Visibility.ENTITY)
    client.force_login(w.colleague.user)
    settings.DIRECTORY_TILE_URL = ""
    r = client.get(reverse("directory-map"))
    body = r.content.decode()
    assert r.status_code == 200 and 'data-tiles=""' in body
    assert "/static/leaflet/leaflet.js" in body and "/static/directory/map.js" in body
    assert "<script>" not in body and "onclick" not in body
    assert "Camille Moreau" in body  # the list under the map, without script
    assert "tile" not in r.headers["Content-Security-Policy"]
    settings.DIRECTORY_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    r = client.get(reverse("directory-map"))
    assert "https://*.tiles.example.org" in r.headers["Content-Security-Policy"]
    assert 'data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in r.content.decode()


def test_the_map_data_costs_the_same_queries_with_more_members(client):
    w = world()

    def grow(n):
        for i in range(n):
            m = person(w.office, f"Extra{i}", "Carte", city="Nantes", postcode="44000")
            a = ActivityFactory(entity=w.entity, holder=m, name=f"Atelier {i}")
            choose(m, Visibility.ENTITY)
            services.set_showcase(actor=m.user, activity=a, enabled=True)

    grow(2)
    client.force_login(w.colleague.user)
    url = reverse("directory-map-data")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()
    before = count()
    grow(6)
    assert count() == before


def test_a_crowded_place_lists_a_few_names_then_a_count_and_a_search_link(client, monkeypatch):
    from .. import selectors

    monkeypatch.setattr(selectors, "MAP_NAMES_PER_PLACE", 1)
    w = world()
    for m in (w.target, w.colleague):
        m.city, m.postcode = "Saint-Herblain", "44800"
        m.save()
        services.refresh_profiles([m.pk])
        choose(m, Visibility.ENTITY, zone_city="", zone_postcode="")
    client.force_login(w.far_colleague.user)
    (feature,) = client.get(reverse("directory-map-data"), {"office": w.office.pk}).json()["features"]
    props = feature["properties"]
    assert len(props["people"]) == 1 and props["more"] == 1
    assert props["more_url"] == reverse("directory-search") + "?postcode=Saint-Herblain&km=1"
    body = client.get(reverse("directory-map"), {"office": w.office.pk}).content.decode()
    assert "and 1 more" in body
