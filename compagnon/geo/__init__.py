"""Positions of addresses and travel times between them (kernel floor: imports nothing of ours).

Public functions:

* ``locate(*, postcode, city, country="FR", street="")`` -> ``(Decimal lat, Decimal lon)`` or
  ``None``. With ``GEOCODER = "offline"`` (the default, and in tests) the centroid of the
  postcode and commune shipped in ``data/``; with ``GEOCODER = "online"`` the street address
  from the country's online geocoder (``geocoders.py``), cached in the database, the centroid
  when the service cannot say.
* ``distance_km(a, b)``: great-circle distance between two ``(lat, lon)``.
* ``travel_minutes(a, b)``: the straight line × ``GEO_DETOUR_FACTOR`` (default 1.3: roads are
  about 30 % longer than the straight line between two addresses of a town and its suburbs) at
  ``GEO_SPEED_KMH`` (default 30 km/h: an average between home addresses in and around a town,
  stops and parking included), rounded up to the minute; 0 for the same place.
"""

from __future__ import annotations

import math
from decimal import Decimal

DETOUR_FACTOR = 1.3
SPEED_KMH = 30.0
EARTH_RADIUS_KM = 6371.0

Position = tuple[Decimal, Decimal]


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


def locate(*, postcode: str, city: str, country: str = "FR", street: str = "") -> Position | None:
    """The position of an address, or ``None`` when unknown (see the module's docstring)."""
    from . import centroids, geocoders

    country = (country or "FR").upper()
    if _setting("GEOCODER", "offline") == "online":
        found = geocoders.online(
            country=country, street=street or "", postcode=postcode or "", city=city or ""
        )
        if found is not None:
            return found
    return centroids.lookup(postcode=postcode or "", city=city or "", country=country)


def distance_km(a, b) -> float:
    """Great-circle (haversine) distance in kilometres between two ``(lat, lon)``."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a, b) -> int:
    """Minutes to drive from ``a`` to ``b`` (``(lat, lon)`` each): straight line × detour factor
    at the average speed, rounded up."""
    km = distance_km(a, b) * float(_setting("GEO_DETOUR_FACTOR", DETOUR_FACTOR))
    return math.ceil(round(km / float(_setting("GEO_SPEED_KMH", SPEED_KMH)) * 60, 6))
