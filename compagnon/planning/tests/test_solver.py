"""The solver alone (no database): windows, unavailability, skills, weekly hours, travel."""

import datetime

from compagnon.planning.solver import (
    Job,
    Reason,
    Shift,
    Slot,
    Worker,
    cheapest_position,
    free_blocks,
    schedule,
    solve,
)

MONDAY = datetime.date(2027, 3, 1)
NANTES, REZE, ORVAULT = (47.2173, -1.5534), (47.1906, -1.5688), (47.2712, -1.6236)


def _day(worker, day=MONDAY, start=8 * 60, end=18 * 60):
    return Shift(worker=worker, day=day, start=start, end=end)


def test_free_blocks_around_busy_times():
    assert free_blocks(480, 1080, []) == [(480, 1080)]
    assert free_blocks(480, 1080, [(720, 840)]) == [(480, 720), (840, 1080)]
    assert free_blocks(480, 1080, [(0, 1440)]) == []
    assert free_blocks(480, 1080, [(470, 500), (1070, 1200)]) == [(500, 1070)]
    assert free_blocks(480, 1080, [(480, 1060)]) == []  # 20 minutes left: too short


def test_windows_and_skills_are_respected():
    jobs = [
        Job(key=1, position=NANTES, minutes=60, window=(14 * 60, 15 * 60)),
        Job(key=2, position=REZE, minutes=90, trades=frozenset({2})),
        Job(key=3, position=ORVAULT, minutes=60, trades=frozenset({3})),
    ]
    workers = [Worker(key=10, trades=frozenset({1})), Worker(key=20, trades=frozenset({1, 2}))]
    result = solve(jobs, workers, [_day(10), _day(20)], seconds=1)
    stops = {s.job: s for s in result.stops}
    assert 14 * 60 <= stops[1].start <= 15 * 60
    assert stops[2].worker == 20
    assert result.unassigned == {3: Reason.NO_SKILL}


def test_unavailability_and_weekly_hours():
    tuesday = MONDAY + datetime.timedelta(days=1)
    jobs = [Job(key=k, position=NANTES, minutes=120) for k in range(1, 6)]
    # off on Monday morning; 6 hours a week: three visits of two hours, not five
    shifts = [_day(10, start=13 * 60)] + [_day(10, day=tuesday)]
    result = solve(jobs, [Worker(key=10, trades=frozenset(), cap_minutes=360)], shifts, seconds=1)
    assert len(result.stops) == 3
    assert all(s.start >= 13 * 60 for s in result.stops if s.day == MONDAY)
    assert sorted(result.unassigned.values()) == [Reason.NO_ROOM] * 2


def test_a_window_no_block_can_hold_and_an_unknown_place():
    jobs = [
        Job(key=1, position=NANTES, minutes=120, window=(7 * 60, 7 * 60 + 30)),
        Job(key=2, position=None, minutes=60),
    ]
    result = solve(jobs, [Worker(key=10, trades=frozenset())], [_day(10)], seconds=1)
    assert result.unassigned == {1: Reason.NO_TIME, 2: Reason.NO_POSITION}


def test_a_day_is_ordered_to_drive_less():
    # home in Nantes, three clients on a line going east: out and back along the line
    line = [(47.2173, -1.5534 + 0.03 * k) for k in (2, 3, 1)]
    jobs = [Job(key=k, position=p, minutes=30) for k, p in zip((2, 3, 1), line, strict=True)]
    result = solve(jobs, [Worker(key=10, trades=frozenset(), home=NANTES)], [_day(10)], seconds=1)
    order = [s.job for s in sorted(result.stops, key=lambda s: s.order)]
    assert order in ([1, 2, 3], [3, 2, 1])
    legs = sum(s.travel for s in result.stops)
    assert result.travel > legs  # the drive home counts


def test_schedule_and_cheapest_position():
    def travel(a, b):
        return 0 if a == b else 10

    timed, back = schedule(
        [
            Slot(position=NANTES, minutes=60),
            Slot(position=REZE, minutes=30, window=(11 * 60, 12 * 60)),
            Slot(position=REZE, minutes=30, fixed=14 * 60),
        ],
        home=ORVAULT,
        day_start=480,
        travel=travel,
    )
    assert timed == [(490, 10), (660, 10), (840, 0)]
    assert back == 10
    assert cheapest_position([NANTES, REZE], REZE, home=NANTES, travel=travel) in (1, 2)
