"""Geocoders: the offline centroids, and the online adapters used when ``GEOCODER = "online"``.

* France: the national address base through the government's geocoding API (Géoplateforme,
  formerly api-adresse.data.gouv.fr; ``GEOCODER_FR_URL``, default
  ``https://data.geopf.fr/geocodage/search``). Free, no key; answers GeoJSON.
* Belgium: there is no single public federal address API (each region runs its own), so the
  Belgian adapter asks a Nominatim server (OpenStreetMap data; ``GEOCODER_BE_URL``, default the
  OpenStreetMap Foundation's public instance, whose usage policy asks for at most one request a
  second and an identifying User-Agent: ``GEOCODER_USER_AGENT``; a self-hosted Nominatim is the
  choice for volume). Answers JSON.

Every answer is cached in the database (``GeocodedAddress``). A call waits at most
``GEOCODER_TIMEOUT`` seconds (default 5). When the service fails, finds nothing or is not sure
(French score below 0.4), the offline centroid answers instead.
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal

import requests
from django.conf import settings

from . import centroids

logger = logging.getLogger(__name__)

FR_URL = "https://data.geopf.fr/geocodage/search"
BE_URL = "https://nominatim.openstreetmap.org/search"
MIN_SCORE = 0.4
_PLACES = Decimal("0.000001")


class GeocoderError(Exception):
    """The online geocoder did not answer usefully."""


def _timeout() -> float:
    return float(getattr(settings, "GEOCODER_TIMEOUT", 5))


def _position(lat, lon) -> tuple[Decimal, Decimal]:
    return (Decimal(str(lat)).quantize(_PLACES), Decimal(str(lon)).quantize(_PLACES))


def _get(session, url: str, params: dict) -> object:
    agent = getattr(settings, "GEOCODER_USER_AGENT", "Compagnon (cooperative platform)")
    try:
        answer = session.get(url, params=params, timeout=_timeout(), headers={"User-Agent": agent})
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise GeocoderError(exc.__class__.__name__) from exc


def ask_france(session, *, street: str, postcode: str, city: str):
    """The national address base: the best address match, when sure enough."""
    url = getattr(settings, "GEOCODER_FR_URL", FR_URL)
    params = {"q": f"{street} {postcode} {city}".strip(), "limit": 1, "index": "address"}
    if postcode:
        params["postcode"] = centroids.normalise_postcode(postcode)
    data = _get(session, url, params)
    features = data.get("features") if isinstance(data, dict) else None
    if not features:
        return None
    best = features[0]
    if float(best.get("properties", {}).get("score") or 0) < MIN_SCORE:
        return None
    lon, lat = best["geometry"]["coordinates"][:2]
    return _position(lat, lon)


def ask_belgium(session, *, street: str, postcode: str, city: str):
    """Nominatim, restricted to Belgium, structured query."""
    url = getattr(settings, "GEOCODER_BE_URL", BE_URL)
    params = {
        "street": street,
        "postalcode": postcode,
        "city": city,
        "countrycodes": "be",
        "format": "jsonv2",
        "limit": 1,
    }
    data = _get(session, url, {k: v for k, v in params.items() if v})
    if not isinstance(data, list) or not data:
        return None
    return _position(data[0]["lat"], data[0]["lon"])


ONLINE = {"FR": ("api-fr", ask_france), "BE": ("nominatim-be", ask_belgium)}


def cache_key(country: str, street: str, postcode: str, city: str) -> tuple[str, str]:
    query = " ".join(
        part
        for part in (
            street.strip().lower(),
            centroids.normalise_postcode(postcode),
            centroids.fold(city),
        )
        if part
    )
    query = f"{country}|{' '.join(query.split())}"
    return hashlib.sha256(query.encode()).hexdigest(), query[:400]


def online(*, country: str, street: str, postcode: str, city: str, session=None):
    """The online answer for an address, from the cache or the service (cached when found);
    ``None`` when the service cannot say."""
    from .models import GeocodedAddress

    if country not in ONLINE or not street.strip():
        return None
    key, query = cache_key(country, street, postcode, city)
    cached = GeocodedAddress.objects.filter(key=key).values_list("latitude", "longitude").first()
    if cached:
        return cached
    source, ask = ONLINE[country]
    try:
        found = ask(session or requests.Session(), street=street, postcode=postcode, city=city)
    except GeocoderError as exc:
        logger.warning("geocoder %s failed: %s", source, exc)
        return None
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        logger.warning("geocoder %s answered something unexpected: %s", source, exc)
        return None
    if found is None:
        return None
    GeocodedAddress.objects.get_or_create(
        key=key,
        defaults={
            "country": country,
            "query": query,
            "latitude": found[0],
            "longitude": found[1],
            "source": source,
        },
    )
    return found
