"""The offline geocoder: centroids of French and Belgian postcodes and communes, shipped as data
(``data/centroids.csv.gz``; source, licence and how it is built in ``data/README.md``).

Loaded lazily, once per process, into three dictionaries:

* (country, postcode, commune) -> position (a postcode shared by several communes has one row each);
* (country, postcode) -> the mean of its communes' positions;
* (country, commune) -> the mean of that commune's positions (a commune with several postcodes).

Commune names are compared folded: accents, case, hyphens, apostrophes and "Saint"/"St" do not
matter ("St Herblain" finds "Saint-Herblain").
"""

from __future__ import annotations

import csv
import gzip
import re
import threading
import unicodedata
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "centroids.csv.gz"
COUNTRIES = ("FR", "BE")
_PLACES = Decimal("0.000001")

_lock = threading.Lock()
_tables: tuple[dict, dict, dict] | None = None


def fold(name: str) -> str:
    """A commune's name reduced to what identifies it: lowercase ASCII words, "saint" for "st"."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = re.split(r"[^a-z0-9]+", text)
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in words if w]
    return " ".join(words)


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _load() -> tuple[dict, dict, dict]:
    exact: dict[tuple[str, str, str], tuple[float, float]] = {}
    by_postcode: dict[tuple[str, str], list] = {}
    by_commune: dict[tuple[str, str], list] = {}
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            point = (float(row["latitude"]), float(row["longitude"]))
            country, postcode, name = row["country"], row["postcode"], fold(row["commune"])
            exact[(country, postcode, name)] = point
            by_postcode.setdefault((country, postcode), []).append(point)
            by_commune.setdefault((country, name), []).append(point)
    return (
        exact,
        {key: _mean(points) for key, points in by_postcode.items()},
        {key: _mean(points) for key, points in by_commune.items()},
    )


def tables() -> tuple[dict, dict, dict]:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _load()
    return _tables


def _decimal(point: tuple[float, float]) -> tuple[Decimal, Decimal]:
    return (Decimal(repr(point[0])).quantize(_PLACES), Decimal(repr(point[1])).quantize(_PLACES))


def lookup(*, postcode: str, city: str, country: str = "FR") -> tuple[Decimal, Decimal] | None:
    """The centroid of the address: the postcode and commune together, else the postcode, else
    the commune's name; ``None`` when none is known (or the country is neither FR nor BE)."""
    country = (country or "FR").upper()
    if country not in COUNTRIES:
        return None
    exact, by_postcode, by_commune = tables()
    code, name = normalise_postcode(postcode), fold(city)
    for table, key in (
        (exact, (country, code, name)),
        (by_postcode, (country, code)),
        (by_commune, (country, name)),
    ):
        if key[-1] and key in table:
            return _decimal(table[key])
    return None


def communes(country: str, postcode: str) -> list[str]:
    """Folded names of the communes sharing a postcode (for tests and the bench)."""
    exact = tables()[0]
    code = normalise_postcode(postcode)
    return sorted(name for (c, p, name) in exact if c == country and p == code)
