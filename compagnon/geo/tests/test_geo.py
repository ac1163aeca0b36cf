"""Positions from the shipped centroids, the online geocoders (a fake HTTP session), the cache,
and travel times."""

from decimal import Decimal

import pytest
import requests

from compagnon import geo
from compagnon.geo import centroids, geocoders
from compagnon.geo.models import GeocodedAddress

NANTES = (Decimal("47.217300"), Decimal("-1.553400"))


def test_postcode_and_commune_then_postcode_then_commune():
    assert geo.locate(postcode="44000", city="Nantes") == NANTES
    # the commune of a shared postcode, written loosely
    assert geo.locate(postcode="44800", city="st herblain") == (
        Decimal("47.211500"),
        Decimal("-1.651000"),
    )
    assert geo.locate(postcode="44 000", city="Somewhere unknown") == NANTES  # the postcode alone
    assert geo.locate(postcode="99999", city="Rezé") == (
        Decimal("47.190600"),
        Decimal("-1.568800"),
    )  # the name
    assert geo.locate(postcode="1000", city="Bruxelles", country="BE") == (
        Decimal("50.850400"),
        Decimal("4.348800"),
    )
    assert geo.locate(postcode="9000", city="Gent", country="be") is not None


def test_unknown_addresses_have_no_position():
    assert geo.locate(postcode="", city="") is None
    assert geo.locate(postcode="00000", city="Nowhere at all") is None
    assert geo.locate(postcode="10115", city="Berlin", country="DE") is None


def test_folding_of_commune_names():
    assert centroids.fold("Saint-Sébastien-sur-Loire") == centroids.fold("ST SEBASTIEN SUR LOIRE")
    assert centroids.fold("L'Île-d'Yeu") == "l ile d yeu"


def test_travel_minutes_straight_line_detour_and_speed(settings):
    rezé = geo.locate(postcode="44400", city="Rezé")
    km = geo.distance_km(NANTES, rezé)
    assert 3.0 < km < 3.4
    assert geo.travel_minutes(NANTES, rezé) == 9  # 3.19 km × 1.3 at 30 km/h = 8.3 → 9
    assert geo.travel_minutes(NANTES, NANTES) == 0
    settings.GEO_SPEED_KMH = 60
    assert geo.travel_minutes(NANTES, rezé) == 5


class FakeResponse:
    def __init__(self, data, status=200):
        self.data, self.status_code = data, status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(str(self.status_code))

    def json(self):
        return self.data


class FakeSession:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def get(self, url, params=None, timeout=None, headers=None):
        self.calls.append((url, params, timeout))
        if self.error:
            raise self.error
        return self.answer


@pytest.mark.django_db
def test_the_french_api_answers_and_is_asked_once(settings):
    settings.GEOCODER, settings.GEOCODER_TIMEOUT = "online", 3
    session = FakeSession(
        FakeResponse(
            {
                "features": [
                    {"geometry": {"coordinates": [-1.5566, 47.2131]}, "properties": {"score": 0.91}}
                ]
            }
        )
    )
    found = geocoders.online(
        country="FR", street="3 rue Crébillon", postcode="44000", city="Nantes", session=session
    )
    assert found == (Decimal("47.213100"), Decimal("-1.556600"))
    url, params, timeout = session.calls[0]
    assert url == geocoders.FR_URL and params["postcode"] == "44000" and timeout == 3
    again = geocoders.online(
        country="FR", street="3  Rue Crébillon", postcode="44000", city="NANTES", session=session
    )
    assert again == found and len(session.calls) == 1  # from the cache
    assert GeocodedAddress.objects.get().source == "api-fr"


@pytest.mark.django_db
def test_belgium_asks_nominatim():
    session = FakeSession(FakeResponse([{"lat": "51.0543", "lon": "3.7174"}]))
    found = geocoders.online(
        country="BE", street="Korenmarkt 1", postcode="9000", city="Gent", session=session
    )
    assert found == (Decimal("51.054300"), Decimal("3.717400"))
    assert session.calls[0][1]["countrycodes"] == "be"


@pytest.mark.django_db
def test_a_failing_or_unsure_geocoder_falls_back_to_the_centroid(settings, monkeypatch):
    settings.GEOCODER = "online"
    monkeypatch.setattr(
        geocoders.requests, "Session", lambda: FakeSession(error=requests.Timeout())
    )
    assert geo.locate(postcode="44000", city="Nantes", street="3 rue Crébillon") == NANTES
    monkeypatch.setattr(
        geocoders.requests,
        "Session",
        lambda: FakeSession(
            FakeResponse(
                {
                    "features": [
                        {"geometry": {"coordinates": [2.0, 48.0]}, "properties": {"score": 0.2}}
                    ]
                }
            )
        ),
    )
    assert geo.locate(postcode="44000", city="Nantes", street="nowhere street") == NANTES
    monkeypatch.setattr(
        geocoders.requests, "Session", lambda: FakeSession(FakeResponse({}, status=503))
    )
    assert geo.locate(postcode="44000", city="Nantes", street="3 rue Crébillon") == NANTES
    assert not GeocodedAddress.objects.exists()


def test_offline_never_calls_the_network(settings, monkeypatch):
    settings.GEOCODER = "offline"
    monkeypatch.setattr(geocoders, "online", lambda **kw: pytest.fail("no network offline"))
    assert geo.locate(postcode="44000", city="Nantes", street="3 rue Crébillon") == NANTES
