"""Trips priced with the official scale of the country and year; no scale, no guess."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from compagnon.expenses import scales, services
from compagnon.expenses.models import ClaimState

from .helpers import cooperative

pytestmark = pytest.mark.django_db


def test_the_french_scale_prices_a_trip_by_band_and_kilometres_already_driven():
    day = datetime.date(2024, 3, 4)
    assert scales.price_trip("FR", day, distance_km=Decimal("100"), fiscal_power=4).amount == Decimal("60.60")
    # across the 5,000 km band: f(5,050) - f(4,950) = (5,050 × 0.340 + 1,330) - 4,950 × 0.606
    price = scales.price_trip("FR", day, distance_km=Decimal("100"), fiscal_power=4, km_before=Decimal("4950"))
    assert price.amount == Decimal("47.30")
    assert "Arrêté du 27 mars 2023" in scales.price_trip("FR", datetime.date(2023, 5, 1), distance_km=Decimal("1"),
                                                          fiscal_power=5).details["source"]["title"]
    electric = scales.price_trip("FR", day, distance_km=Decimal("100"), fiscal_power=4, electric=True)
    assert electric.amount == Decimal("72.72")
    assert scales.price_trip("FR", day, distance_km=Decimal("10"), vehicle="moped").amount == Decimal("3.15")


def test_a_year_without_data_says_so():
    with pytest.raises(scales.NoScale) as exc:
        scales.price_trip("FR", datetime.date(2030, 1, 2), distance_km=Decimal("10"), fiscal_power=4)
    assert "no official mileage scale for FR in 2030" in exc.value.message
    with pytest.raises(scales.NoScale):
        scales.price_trip("BE", datetime.date(2030, 1, 2), distance_km=Decimal("10"))
    assert scales.price_trip("BE", datetime.date(2016, 9, 1), distance_km=Decimal("100")).amount == Decimal("33.63")


def test_a_mileage_claim_counts_the_kilometres_of_the_year(settings):
    coop = cooperative()
    activity, user = coop["yanis_activity"], coop["yanis"].user
    ExpenseSettings = __import__("compagnon.expenses.models", fromlist=["ExpenseSettings"]).ExpenseSettings
    ExpenseSettings.objects.create(entity=coop["entity"], auto_approve_below=Decimal("0"))
    today = datetime.date.today()
    year = max(y for y in scales.years("FR", "mileage"))
    if today.year - year > 2:
        pytest.skip("the newest scale is older than claims may be")
    day = datetime.date(year, 12, 1)
    first = services.save_claim(actor=user, activity=activity, kind="mileage", date=day, origin="Nantes",
                                destination="Angers", distance_km="4950", fiscal_power=4, submit=True)
    second = services.save_claim(actor=user, activity=activity, kind="mileage", date=day, origin="Angers",
                                 destination="Nantes", distance_km="100", fiscal_power=4, submit=True)
    assert first.amount == Decimal("2999.70") and second.amount == Decimal("47.30")
    assert second.state == ClaimState.SUBMITTED and second.pricing["km_before"] == "4950"


def test_a_mileage_claim_without_a_scale_is_refused_plainly():
    coop = cooperative()
    day = datetime.date.today()
    if day.year in scales.years("FR", "mileage"):
        pytest.skip("this year has a scale")
    with pytest.raises(ValidationError) as exc:
        services.save_claim(actor=coop["camille"].user, activity=coop["activity"], kind="mileage", date=day,
                            origin="A", destination="B", distance_km="10", fiscal_power=4)
    assert "no official mileage scale" in exc.value.message_dict["distance_km"][0]


def test_meal_allowances_where_the_country_has_them():
    assert scales.price_meals("FR", datetime.date(2025, 2, 3), rate_key="restaurant", meals=2).amount == Decimal("42.20")
    assert scales.per_diem_rates("BE", datetime.date(2025, 2, 3)) == []
