"""Durations typed on a phone become minutes."""

from decimal import Decimal

import pytest

from compagnon.timesheets.duration import format_minutes, hours, parse_duration


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("1h30", 90),
        ("45", 45),
        ("2h", 120),
        ("2 h", 120),
        ("1h05", 65),
        ("1H30", 90),
        ("0h45", 45),
        ("1:15", 75),
        ("45min", 45),
        ("45 min", 45),
        ("90m", 90),
        ("1,5h", 90),
        ("1.5", 90),
        ("2u30", 150),
        ("24h", 1440),
        (" 3h ", 180),
    ],
)
def test_what_people_type_is_understood(typed, minutes):
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "abc", "1h75", "h30", "1h30h", "-20", "1.5.2"])
def test_what_is_not_a_duration_is_refused(typed):
    assert parse_duration(typed) is None


def test_minutes_are_shown_the_way_they_are_typed_and_billed_in_hundredths_of_hours():
    assert [format_minutes(m) for m in (90, 120, 45, 5)] == ["1h30", "2h", "0h45", "0h05"]
    assert hours(20) == Decimal("0.33")
    assert hours(90) == Decimal("1.50")
    assert hours(60) == Decimal("1.00")
