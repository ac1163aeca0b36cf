"""The official mileage scales and meal allowances, read from the data files of this app
(``data/<country>/<year>.json``, each citing its source). A date with no data raises
``NoScale``: the member and the staff are told plainly, nothing is guessed.

France — the *barème kilométrique* of the tax administration: for an annual distance d, the
annual amount is d × a + b in the band of d (cars by fiscal power, motorcycles, mopeds; +20 % for
an electric vehicle). One trip is priced as the difference f(km before + trip) − f(km before),
counting the kilometres of the same vehicle since 1 January, so a year of trips adds up to the
scale's annual amount.

Belgium — the per-km allowance of federal civil servants: one rate per km for a period (1 July to
30 June), whatever the vehicle.

Adding a year: copy the last file, change the figures and the ``source`` (title, URL, date of
publication), run the tests.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")


class NoScale(LookupError):
    """No official data for this country, date or vehicle: ``message`` says so in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Price:
    amount: Decimal
    details: dict  # what the claim keeps: source, year, formula, km before


@functools.cache
def _files(country: str) -> dict[int, dict]:
    folder = DATA / country.lower()
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            out[int(data["year"])] = data
    return out


def years(country: str, what: str) -> list[int]:
    """The years with data of this kind ("mileage" or "per_diem")."""
    return sorted(y for y, d in _files(country).items() if what in d)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _no_mileage(country: str, date: datetime.date) -> NoScale:
    known = years(country, "mileage")
    return NoScale(_("There is no official mileage scale for %(country)s in %(year)s in Compagnon yet "
                     "(known years: %(years)s), so this trip cannot be priced. Ask the accountant to add "
                     "it once it is published.")
                   % {"country": country, "year": date.year, "years": ", ".join(map(str, known)) or "—"})


def _band_amount(bands: list[dict], distance: Decimal) -> tuple[Decimal, str]:
    for band in bands:
        if band["km_up_to"] is None or distance <= band["km_up_to"]:
            a, b = Decimal(band["a"]), Decimal(band["b"])
            formula = f"d × {band['a']}" + (f" + {band['b']}" if b else "")
            return distance * a + b, formula
    raise AssertionError("the last band has no upper bound")


def _scale_for(vehicles: dict, vehicle: str, power: int | None) -> list[dict]:
    rows = vehicles.get(vehicle)
    if not rows:
        raise NoScale(_("The official scale has no rate for this vehicle."))
    if vehicle == "car" and not power:
        raise NoScale(_("Give the car's fiscal power (CV, on the registration certificate)."))
    for row in rows:
        if row["power_up_to"] is None or (power or 0) <= row["power_up_to"]:
            return row["bands"]
    return rows[-1]["bands"]


def price_trip(country: str, date: datetime.date, *, distance_km: Decimal, vehicle: str = "car",
               fiscal_power: int | None = None, electric: bool = False,
               km_before: Decimal = Decimal("0")) -> Price:
    """The allowance for one trip of ``distance_km`` on ``date``; ``km_before``: the kilometres
    already claimed this year with the same vehicle (France). Raises ``NoScale``."""
    distance_km = Decimal(distance_km)
    if country == "BE":
        for data in _files(country).values():
            for period in data.get("mileage", {}).get("periods", []):
                if period["from"] <= date.isoformat() <= period["to"]:
                    rate = Decimal(period["rate"])
                    return Price(_money(distance_km * rate), {
                        "country": country, "rate_per_km": period["rate"], "period": [period["from"], period["to"]],
                        "formula": f"{distance_km} km × {period['rate']}", "source": period["source"],
                    })
        raise _no_mileage(country, date)
    data = _files(country).get(date.year, {}).get("mileage")
    if not data:
        raise _no_mileage(country, date)
    bands = _scale_for(data["vehicles"], vehicle, fiscal_power)
    after, formula = _band_amount(bands, km_before + distance_km)
    before, _f = _band_amount(bands, km_before)
    amount = after - before
    increase = Decimal(data.get("electric_increase_percent", "0")) if electric else Decimal("0")
    if increase:
        amount = amount * (100 + increase) / 100
    return Price(_money(amount), {
        "country": country, "year": date.year, "vehicle": vehicle, "fiscal_power": fiscal_power,
        "electric": electric, "km_before": _plain_km(km_before), "formula": formula,
        "electric_increase_percent": str(increase) if increase else "", "source": data["source"],
    })


def per_diem_rates(country: str, date: datetime.date) -> list[dict]:
    """The flat meal allowances of that year ([] when the country or year has none)."""
    data = _files(country).get(date.year, {}).get("per_diem")
    return list(data["rates"]) if data else []


def price_meals(country: str, date: datetime.date, *, rate_key: str, meals: int) -> Price:
    data = _files(country).get(date.year, {}).get("per_diem")
    if not data:
        raise NoScale(_("There is no official meal allowance for %(country)s in %(year)s in Compagnon: claim "
                        "the meal with its receipt instead.") % {"country": country, "year": date.year})
    for rate in data["rates"]:
        if rate["key"] == rate_key:
            return Price(_money(Decimal(rate["amount"]) * meals), {
                "country": country, "year": date.year, "rate": rate["key"], "amount_per_meal": rate["amount"],
                "meals": meals, "source": data["source"],
            })
    raise NoScale(_("Choose one of the meal allowances of %(year)s.") % {"year": date.year})


def _plain_km(km) -> str:
    """Kilometres as stored in the pricing: "4950", "12.5" (the database may answer 4950.0)."""
    text = format(Decimal(km), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
