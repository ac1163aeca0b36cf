"""Weekly plan of a sector: 30 members, 400 visits around Nantes. Not a test.

    .venv/bin/python -m bench.fieldplanning                  # 6 s proposal, 60 s reference
    BENCH_PLANNING_QUICK=1 .venv/bin/python -m bench.fieldplanning   # 6 s and a 3x reference (18 s)

Runs the solver of ``compagnon.planning.solver`` directly, without the database: the same
function the proposal task calls once it has read the sector's visits, members and
unavailability (reading them is a handful of queries, not what this measures). The data is
generated with a fixed seed from the shipped centroids (``compagnon.geo``): visits at the
centroids of the communes within 15 km of Nantes, moved by up to ~1.5 km (a street of the
commune); 30 members living in those communes; two trades (gardening, all members; pruning of
tall trees, 8 members, asked by 15 % of visits); 60 to 180 minute visits, a third of them to
start between 08:00 and 11:00, a fifth between 13:30 and 16:00; working days Monday to Friday 08:00-18:00; weekly
contract hours 35 h (24 h for a third of the members); 6 members off on Wednesday, 4 away on
Friday afternoon.

It solves the same problem with the proposal's time limit (budget: the whole proposal < 10 s),
then with ten times that limit, and reports both travel totals and their ratio (budget: within
10 %). Exits 1 when a budget is missed.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time

SEED = 13
MEMBERS = 30
VISITS = 400
RADIUS_KM = 15.0
NANTES = (47.2173, -1.5534)
MONDAY = datetime.date(2027, 3, 1)


def build(seed: int = SEED):
    from compagnon import geo
    from compagnon.geo import centroids
    from compagnon.planning.solver import Job, Shift, Worker, free_blocks

    rng = random.Random(seed)
    exact = centroids.tables()[0]
    places = sorted(
        {
            (lat, lon)
            for (country, postcode, _), (lat, lon) in exact.items()
            if country == "FR"
            and postcode.startswith("44")
            and geo.distance_km(NANTES, (lat, lon)) <= RADIUS_KM
        }
    )

    def near(point):
        return (point[0] + rng.uniform(-0.0135, 0.0135), point[1] + rng.uniform(-0.02, 0.02))

    garden, pruning = 1, 2
    workers, shifts = [], []
    days = [MONDAY + datetime.timedelta(days=d) for d in range(5)]
    for m in range(MEMBERS):
        trades = frozenset({garden, pruning}) if m < 8 else frozenset({garden})
        cap = 24 * 60 if m % 3 == 2 else 35 * 60
        workers.append(Worker(key=m, trades=trades, home=near(rng.choice(places)), cap_minutes=cap))
        for day in days:
            busy = []
            if m % 5 == 0 and day.weekday() == 2:
                busy.append((0, 24 * 60))
            if m % 7 == 1 and day.weekday() == 4:
                busy.append((13 * 60, 24 * 60))
            for start, end in free_blocks(8 * 60, 18 * 60, busy):
                shifts.append(Shift(worker=m, day=day, start=start, end=end))
    jobs = []
    for v in range(VISITS):
        roll = rng.random()
        window = (
            (8 * 60, 11 * 60) if roll < 0.33 else (13 * 60 + 30, 16 * 60) if roll < 0.53 else None
        )
        jobs.append(
            Job(
                key=v,
                position=near(rng.choice(places)),
                minutes=rng.choice((60, 60, 90, 120, 120, 180)),
                window=window,
                trades=frozenset({pruning}) if rng.random() < 0.15 else frozenset({garden}),
            )
        )
    return jobs, workers, shifts, len(places)


def main() -> int:
    from compagnon.planning.solver import DEFAULT_SECONDS, solve

    quick = os.environ.get("BENCH_PLANNING_QUICK", "") not in ("", "0")
    limit = float(os.environ.get("BENCH_PLANNING_SECONDS", str(DEFAULT_SECONDS)))
    factor = 3 if quick else 10
    t = time.perf_counter()
    jobs, workers, shifts, places = build()
    built = time.perf_counter() - t
    print(
        f"fieldplanning: {len(workers)} members, {len(jobs)} visits in {places} places around Nantes, "
        f"{len(shifts)} working blocks (built in {built:.2f} s)"
    )
    runs = []
    for seconds in (limit, limit * factor):
        t = time.perf_counter()
        result = solve(jobs, workers, shifts, seconds=seconds)
        elapsed = time.perf_counter() - t
        runs.append((seconds, elapsed, result))
        print(
            f"  limit {seconds:5.1f} s: solved in {elapsed:5.2f} s, {len(result.stops)} visits planned, "
            f"{len(result.unassigned)} left out, travel {result.travel} min ({result.travel / 60:.1f} h), {result.status}"
        )
    (_, quick_s, first), (_, _, best) = runs
    ratio = first.travel / best.travel if best.travel else 1.0
    failed = False
    total = built + quick_s
    print(f"  proposal: {total:.2f} s (budget 10 s) {'OK' if total < 10 else 'MISSED'}")
    if len(first.stops) < len(best.stops):
        print(
            f"  the proposal plans {len(best.stops) - len(first.stops)} visits fewer than the reference"
        )
    print(
        f"  travel ratio proposal / reference ({factor}x the time): {ratio:.3f} (budget 1.10) "
        f"{'OK' if ratio <= 1.10 else 'MISSED'}"
    )
    failed = total >= 10 or ratio > 1.10 or len(first.stops) < len(best.stops)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
