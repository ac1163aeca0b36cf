"""Searching the directory: accents and case do not matter, words match the start of words, a
zone is a postcode or a commune and a distance, results are paginated with the "write a
message" link, the query count does not grow with the members, and bad input answers 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import ActivityFactory

from .. import services
from ..models import Visibility
from .helpers import auth, choose, person, world

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/directory/members/"


def found(client, user, **params) -> list[int]:
    r = client.get(SEARCH, params, **auth(user))
    assert r.status_code == 200, r.content
    return [row["id"] for row in r.json()["results"]]


def test_accents_and_case_do_not_matter(client):
    w = world()
    a = person(w.office, "Zoé", "Éluard", bio="Jardinage ECOLOGIQUE et compost")
    b = person(w.office, "Noa", "Petit", bio="Eco-conception de sites web")
    for m in (a, b):
        services.update_profile(actor=m.user, member=m, bio_visibility=Visibility.ENTITY)
    me = w.far_colleague.user
    assert set(found(client, me, q="éco")) == {a.pk, b.pk}
    assert set(found(client, me, q="eco")) == {a.pk, b.pk}
    assert found(client, me, q="ÉCOLOGIQUE") == [a.pk]
    assert found(client, me, q="zoe eluard") == [a.pk]  # the name, whatever its accents
    assert found(client, me, q="compost jardinage") == [a.pk]  # every word, in any order
    assert found(client, me, q="logique") == []  # the start of a word, not its middle
    assert found(client, me, q="elua") == [a.pk]  # a fragment of the name


def test_skills_and_languages_filters_ignore_accents_and_know_codes(client):
    w = world()
    choose(w.target, Visibility.ENTITY)
    me = w.far_colleague.user
    assert found(client, me, skill="eco-construction") == [w.target.pk]
    assert found(client, me, skill="ÉCO CONSTRUCTION") == [w.target.pk]
    assert found(client, me, language="fr") == [w.target.pk]
    assert found(client, me, language="Francais") == [w.target.pk]
    assert found(client, me, language="nl") == []


def test_a_zone_is_a_postcode_or_a_commune_and_a_distance(client):
    w = world()
    choose(w.target, Visibility.ENTITY, zone_city="", zone_postcode="")
    me = w.far_colleague.user
    assert found(client, me, postcode="44800", km=2) == [w.target.pk]
    assert found(client, me, postcode="Saint Herblain", km=2) == [w.target.pk]
    assert found(client, me, postcode="Nantes", km=3) == []  # Saint-Herblain is 6 km from Nantes' centre
    assert w.target.pk in found(client, me, postcode="Nantes", km=10)
    r = client.get(SEARCH, {"postcode": "Atlantis"}, **auth(me))
    assert r.status_code == 400 and "postcode" in r.json()["error"]["fields"]


def test_the_zone_served_reaches_further_than_the_home(client):
    w = world()
    choose(w.target, Visibility.ENTITY, place_visibility=Visibility.NOBODY, zone_city="Nantes", zone_postcode="44000", zone_km=30)
    me = w.far_colleague.user
    assert found(client, me, postcode="44340", km=1) == [w.target.pk]  # Bouguenais: 9 km from Nantes
    services.update_profile(actor=w.target.user, member=w.target, zone_km=5)
    assert found(client, me, postcode="44340", km=1) == []


def test_results_are_paginated_with_a_profile_link_and_a_message_link(client, monkeypatch):
    w = world()
    for i in range(25):
        person(w.office, f"Person{i:02d}", "Dupont")
    services.refresh_profiles([m.pk for m in w.office.members.all()])
    client.force_login(w.colleague.user)
    r = client.get(reverse("directory-search"), {"q": "dupont"})
    body = r.content.decode()
    assert r.status_code == 200 and "25 members found" in body and "Page 1" in body
    assert "?q=dupont&amp;page=2" in body and "page=0" not in body  # no "previous" on the first page
    first = w.office.members.get(user__first_name="Person00")
    assert f'href="{reverse("directory-member", args=[first.pk])}"' in body
    assert f'href="{reverse("messaging-compose")}?to={first.user_id}"' in body
    page2 = client.get(reverse("directory-search"), {"q": "dupont", "page": 2}).content.decode()
    assert "Person24" in page2 and "Person00" not in page2
    r = client.get(SEARCH, {"q": "dupont", "page_size": 10}, **auth(w.colleague.user)).json()
    assert r["count"] == 25 and r["count_exact"] and len(r["results"]) == 10 and "page=2" in r["next"]
    # a common word is counted up to a point only: counting thousands would cost more than the page
    monkeypatch.setattr("compagnon.directory.search.COUNTED", 20)
    body = client.get(reverse("directory-search"), {"q": "dupont"}).content.decode()
    assert "More than 20 members found" in body and "25 members found" not in body
    capped = client.get(SEARCH, {"q": "dupont", "page_size": 10}, **auth(w.colleague.user)).json()
    assert (capped["count"], capped["count_exact"]) == (20, False) and capped["results"] == r["results"]
    # the last page counts up to its end: the whole list then
    last = client.get(SEARCH, {"q": "dupont", "page_size": 10, "page": 3}, **auth(w.colleague.user)).json()
    assert (last["count"], last["count_exact"], last["next"]) == (25, True, None) and len(last["results"]) == 5
    assert "page=2" in last["previous"]
    names = {x["name"] for x in capped["results"] + last["results"]}
    assert len(names) == 15  # no one twice across the pages
    past = client.get(SEARCH, {"q": "dupont", "page_size": 10, "page": 4}, **auth(w.colleague.user))
    assert past.status_code == 404
    row = r["results"][0]
    assert row["message_url"] == f"{reverse('messaging-compose')}?to={row['user']}"
    assert row["url"] == reverse("directory-member", args=[row["id"]])


def test_the_city_is_listed_only_when_visible(client):
    w = world()
    client.force_login(w.far_colleague.user)
    body = client.get(reverse("directory-search"), {"q": "camille"}).content.decode()
    assert f'data-member="{w.target.pk}"' in body and "Saint-Herblain" not in body
    services.update_profile(actor=w.target.user, member=w.target, place_visibility=Visibility.ENTITY)
    body = client.get(reverse("directory-search"), {"q": "camille"}).content.decode()
    assert "44800 Saint-Herblain" in body


def _queries(client, url, params=None, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}, **extra).status_code == 200
    return len(ctx.captured_queries)


def test_search_costs_the_same_queries_with_more_members(client):
    w = world()
    searches = [{"q": "jardin"}, {"trade": "gardening"}, {"postcode": "44000", "km": "20"}, {}]

    def grow(n):
        for i in range(n):
            m = person(w.office, f"Extra{i}", "Jardin", city="Nantes", postcode="44000", bio="jardin")
            m.trades.set([w.trade])
            ActivityFactory(entity=w.entity, holder=m, name=f"Jardin {i}")
        services.refresh_profiles([m.pk for m in w.office.members.all()])
        for m in w.office.members.all():
            choose(m, Visibility.ENTITY)

    grow(2)
    client.force_login(w.colleague.user)
    url = reverse("directory-search")
    _queries(client, url)
    before = {str(p): _queries(client, url, p) for p in searches}
    h = auth(w.colleague.user)
    _queries(client, SEARCH, **h)  # the token's first use is recorded once
    api_before = {str(p): _queries(client, SEARCH, p, **h) for p in searches}
    grow(8)
    assert {str(p): _queries(client, url, p) for p in searches} == before
    assert {str(p): _queries(client, SEARCH, p, **h) for p in searches} == api_before


def test_hostile_parameters_are_answered_400(client):
    w = world()
    client.force_login(w.colleague.user)
    url = reverse("directory-search")
    assert client.get(url, {"q": "x\x00"}).status_code == 400
    assert client.get(url, {"km": "0"}).status_code == 400
    assert client.get(url, {"km": "abc"}).status_code == 400
    assert client.get(url, {"page": "-1"}).status_code == 400
    r = client.get(url, {"postcode": "Atlantis", "q": "kept words"})
    assert r.status_code == 400 and "kept words" in r.content.decode()
    h = auth(w.colleague.user)
    r = client.get(SEARCH, {"km": "999"}, **h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_parameter"
    assert client.get(f"{SEARCH}99999999999999999999/", **h).status_code == 404


def test_people_outside_the_cooperative_find_nobody_of_it(client):
    w = world()
    choose(w.target, Visibility.PUBLIC)
    assert w.target.pk not in found(client, w.outsider.user)
    assert w.target.pk not in found(client, w.foreign_admin, q="camille")
    assert client.get(SEARCH).status_code in (401, 403)
    client.force_login(w.outsider.user)
    body = client.get(reverse("directory-search"), {"q": "camille"}).content.decode()
    assert f'data-member="{w.target.pk}"' not in body
