"""The weekly plan as a vehicle-routing problem, solved with OR-Tools (no database here: the
service builds the problem from the models, the bench from generated data).

* vehicles = free blocks of a member's working days (a day cut by an unavailability or a visit
  kept as is gives two blocks), each starting and ending at the member's home when it is known
  (else at a point at no distance from anything);
* jobs = visits, each with its duration, its time window (minutes of the day) and its trades;
  a job may only ride the blocks of members who have all its trades, on the days it may take;
* time: a block's cumul is the minute of the day, within the block; travel + duration between
  two jobs; waiting allowed;
* weekly hours: per member, the minutes of visits and travel of all their blocks stay within
  what their contract hours leave (a constraint across the member's vehicles);
* objective: the travel minutes; a visit left out costs far more than any detour, so the solver
  first plans as many visits as it can, then shortens the routes (guided local search until the
  time limit).

Visits that cannot be planned are given the first reason that applies: no position, nobody with
the trade, no working block of a skilled member long enough within its window, else no room left.
"""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass, field

import numpy as np

DEFAULT_SECONDS = 6  # the proposal's time limit unless PLANNING_SECONDS says otherwise
DROP_PENALTY = 1_000_000
STATUS = {
    0: "not solved",
    1: "success",
    2: "time limit reached",
    3: "failed",
    4: "timeout",
    5: "invalid",
    6: "infeasible",
    7: "optimal",
}
BIG = 24 * 60


class Reason:
    NO_POSITION = "no_position"
    NO_SKILL = "no_skill"
    NO_TIME = "no_time"
    NO_ROOM = "no_room"


@dataclass(frozen=True)
class Job:
    key: int
    position: tuple[float, float] | None
    minutes: int
    window: tuple[int, int] | None = None  # minutes of the day: start not before, not after
    trades: frozenset = frozenset()
    days: frozenset | None = None  # allowed days; None: any day of the week


@dataclass(frozen=True)
class Worker:
    key: int
    trades: frozenset
    home: tuple[float, float] | None = None
    cap_minutes: int | None = None  # minutes left this week for field work; None: no cap


@dataclass(frozen=True)
class Shift:
    worker: int
    day: datetime.date
    start: int  # minute of the day
    end: int


@dataclass
class Stop:
    job: int
    worker: int
    day: datetime.date
    start: int  # minute of the day
    order: int
    travel: int  # minutes from the previous place (home or previous visit)


@dataclass
class Result:
    stops: list[Stop] = field(default_factory=list)
    unassigned: dict[int, str] = field(default_factory=dict)
    travel: int = 0  # solver's objective: every leg, home legs included
    seconds: float = 0.0
    status: str = ""


def travel_matrix(
    points: list[tuple[float, float] | None], detour: float, speed_kmh: float
) -> np.ndarray:
    """Minutes between every two points (rounded up); a missing point is at no distance."""
    known = np.array([p if p is not None else (0.0, 0.0) for p in points], dtype=float)
    lat, lon = np.radians(known[:, 0]), np.radians(known[:, 1])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    km = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    minutes = np.ceil(np.round(km * detour / speed_kmh * 60, 6)).astype(np.int64)
    missing = np.array([p is None for p in points])
    minutes[missing, :] = 0
    minutes[:, missing] = 0
    return minutes


def _fits(job: Job, shift: Shift) -> bool:
    earliest, latest = shift.start, shift.end - job.minutes
    if job.window:
        earliest, latest = max(earliest, job.window[0]), min(latest, job.window[1])
    return latest >= earliest and (job.days is None or shift.day in job.days)


def _skilled(job: Job, worker: Worker) -> bool:
    return job.trades <= worker.trades


def prefilter(
    jobs: list[Job], workers: list[Worker], shifts: list[Shift]
) -> tuple[list[Job], dict[int, str], dict[int, list[int]]]:
    """Jobs the solver gets, the reasons of those it does not, and each job's allowed shifts."""
    by_key = {w.key: w for w in workers}
    kept, reasons, allowed = [], {}, {}
    for job in jobs:
        if job.position is None:
            reasons[job.key] = Reason.NO_POSITION
            continue
        skilled = {w.key for w in workers if _skilled(job, w)}
        if not skilled:
            reasons[job.key] = Reason.NO_SKILL
            continue
        fitting = [
            i
            for i, s in enumerate(shifts)
            if s.worker in skilled
            and _fits(job, s)
            and (
                by_key[s.worker].cap_minutes is None or by_key[s.worker].cap_minutes >= job.minutes
            )
        ]
        if not fitting:
            reasons[job.key] = Reason.NO_TIME
            continue
        kept.append(job)
        allowed[job.key] = fitting
    return kept, reasons, allowed


def solve(
    jobs: list[Job],
    workers: list[Worker],
    shifts: list[Shift],
    *,
    seconds: float,
    detour: float = 1.3,
    speed_kmh: float = 30.0,
) -> Result:
    """Assign and order the jobs; ``seconds`` bounds the search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    began = time.monotonic()
    result = Result()
    planned, result.unassigned, allowed = prefilter(jobs, workers, shifts)
    if not planned:
        result.status = "empty"
        result.seconds = time.monotonic() - began
        return result

    # nodes: the jobs (0..n-1), then the depots: one home per worker who has one and works this
    # week, and a "nowhere" point (no distance to anything) for the others
    working = {s.worker for s in shifts}
    points: list = [j.position for j in planned]
    homes: dict[int, int] = {}
    for worker in workers:
        if worker.key in working and worker.home is not None:
            homes[worker.key] = len(points)
            points.append(worker.home)
    if any(s.worker not in homes for s in shifts):
        nowhere = len(points)
        points.append(None)
    travel = travel_matrix(points, detour, speed_kmh)
    service = np.zeros(len(points), dtype=np.int64)
    service[: len(planned)] = [j.minutes for j in planned]
    busy = travel + service[:, None]

    depot_of = [homes[s.worker] if s.worker in homes else nowhere for s in shifts]
    manager = pywrapcp.RoutingIndexManager(len(points), len(shifts), depot_of, depot_of)
    routing = pywrapcp.RoutingModel(manager)
    travel_cb = routing.RegisterTransitMatrix(travel.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(travel_cb)
    busy_cb = routing.RegisterTransitMatrix(busy.tolist())

    routing.AddDimension(busy_cb, BIG, BIG, False, "time")
    clock = routing.GetDimensionOrDie("time")
    # minutes of visits and travel of each block; a member's blocks together stay within the
    # minutes their weekly hours leave
    routing.AddDimensionWithVehicleCapacity(
        busy_cb, 0, [s.end - s.start for s in shifts], True, "work"
    )
    work = routing.GetDimensionOrDie("work")
    solver = routing.solver()
    for worker in workers:
        ends = [
            work.CumulVar(routing.End(v)) for v, s in enumerate(shifts) if s.worker == worker.key
        ]
        if worker.cap_minutes is not None and ends:
            solver.Add(solver.Sum(ends) <= max(0, worker.cap_minutes))
    for v, shift in enumerate(shifts):
        clock.CumulVar(routing.Start(v)).SetRange(shift.start, shift.end)
        clock.CumulVar(routing.End(v)).SetRange(shift.start, shift.end)
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(v)))
    for n, job in enumerate(planned):
        index = manager.NodeToIndex(n)
        low, high = job.window if job.window else (0, BIG)
        clock.CumulVar(index).SetRange(max(0, low), max(0, min(high, BIG - job.minutes)))
        routing.VehicleVar(index).SetValues([-1, *allowed[job.key]])  # -1: left out
        routing.AddDisjunction([index], DROP_PENALTY)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(100, int((seconds - (time.monotonic() - began)) * 1000)))
    solution = routing.SolveWithParameters(params)
    result.status = STATUS.get(routing.status(), str(routing.status()))
    if solution is None:
        for job in planned:
            result.unassigned[job.key] = Reason.NO_ROOM
        result.seconds = time.monotonic() - began
        return result

    for v, shift in enumerate(shifts):
        index, order, previous = routing.Start(v), 0, manager.IndexToNode(routing.Start(v))
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            order += 1
            result.stops.append(
                Stop(
                    job=planned[node].key,
                    worker=shift.worker,
                    day=shift.day,
                    start=solution.Min(clock.CumulVar(index)),
                    order=order,
                    travel=int(travel[previous][node]),
                )
            )
            result.travel += int(travel[previous][node])
            previous = node
            index = solution.Value(routing.NextVar(index))
        if order:
            result.travel += int(travel[previous][manager.IndexToNode(index)])
    served = {s.job for s in result.stops}
    for job in planned:
        if job.key not in served:
            result.unassigned[job.key] = Reason.NO_ROOM
    result.seconds = time.monotonic() - began
    return result


def free_blocks(
    day_start: int, day_end: int, busy: list[tuple[int, int]], minimum: int = 30
) -> list[tuple[int, int]]:
    """The parts of [day_start, day_end] outside the busy intervals (minutes of the day), each at
    least ``minimum`` long."""
    blocks, cursor = [], day_start
    for start, end in sorted(busy):
        if start > cursor:
            blocks.append((cursor, min(start, day_end)))
        cursor = max(cursor, end)
        if cursor >= day_end:
            break
    if cursor < day_end:
        blocks.append((cursor, day_end))
    return [(a, b) for a, b in blocks if b - a >= minimum]


def minutes_of(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def clock_time(minutes: int) -> datetime.time:
    minutes = max(0, min(BIG - 1, int(math.floor(minutes))))
    return datetime.time(minutes // 60, minutes % 60)


@dataclass
class Slot:
    """One visit of a member's day, for ``schedule``: its place, duration, start window and, for
    a visit kept as it is, its fixed start."""

    position: tuple[float, float] | None
    minutes: int
    window: tuple[int, int] | None = None
    fixed: int | None = None


def schedule(
    slots: list[Slot], *, home, day_start: int, travel
) -> tuple[list[tuple[int, int]], int]:
    """Start minute and travel minutes of each visit done in this order, leaving home at
    ``day_start`` (a fixed visit starts when it is fixed), and the drive back home."""
    out, clock, here = [], day_start, home
    for slot in slots:
        leg = travel(here, slot.position) if here is not None and slot.position is not None else 0
        if slot.fixed is not None:
            start = slot.fixed
        else:
            start = clock + leg
            if slot.window:
                start = max(start, slot.window[0])
        out.append((start, leg))
        clock, here = start + slot.minutes, slot.position if slot.position is not None else here
    back = travel(here, home) if here is not None and home is not None and slots else 0
    return out, back


def cheapest_position(positions: list, new, *, home, travel) -> int:
    """Where to insert ``new`` in a day's ordered positions to add the least travel."""
    if new is None:
        return len(positions)
    stops = [home, *positions, home]
    best, where = None, len(positions)
    for i in range(len(positions) + 1):
        before, after = stops[i], stops[i + 1]
        added = (
            (travel(before, new) if before is not None else 0)
            + (travel(new, after) if after is not None else 0)
            - (travel(before, after) if before is not None and after is not None else 0)
        )
        if best is None or added < best:
            best, where = added, i
    return where
