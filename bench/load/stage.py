"""One stage of the load bench: N simulated members for a bounded time, through locust's library
API, in this process (gevent: every simulated member is a greenlet of one process, one core at
most). Started by ``bench/load/run.py`` as a subprocess, so that gevent's monkey-patching never
touches the orchestrator; prints nothing but its progress, writes its figures as JSON.

    python -m bench.load.stage --host http://127.0.0.1:PORT --users 50 --rate 5 --seconds 60 --out f.json

1. **ramp**: the users start at ``--rate`` a second; each browser member logs in (PBKDF2: the
   most expensive request of the day) and starts working. Figures kept apart ("ramp").
2. **steady**: the statistics are reset once every user runs, then ``--seconds`` of work. These
   figures are the stage's: the budgets apply to them.
3. **stop**: users finish the action they are in (an issue in progress completes, so that every
   issue request has its answer) for at most ``--stop-timeout`` seconds, then stop. Requests of
   this phase are counted in the steady figures.

``--kill-at S --kill-cmd "..."`` runs a command S seconds into the steady phase (the cluster check
kills a web instance with it) and records when.
"""

from __future__ import annotations

import argparse
import json
import resource
import shlex
import subprocess
import sys
import time

import gevent
from locust import events
from locust.env import Environment

PERCENTILES = (0.5, 0.95, 0.99)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def entries(stats) -> dict:
    out = {}
    for (name, method), e in sorted(stats.entries.items()):
        out[f"{method} {name}"] = _entry(e, name, method)
    return out


def _entry(e, name, method) -> dict:
    n = e.num_requests
    return {
        "name": name, "method": method, "requests": n, "failures": e.num_failures,
        "p50": e.get_response_time_percentile(0.5) if n else None,
        "p95": e.get_response_time_percentile(0.95) if n else None,
        "p99": e.get_response_time_percentile(0.99) if n else None,
        "avg": round(e.avg_response_time, 1) if n else None,
        "max": round(e.max_response_time or 0, 1) if n else None,
        "histogram": {str(k): v for k, v in e.response_times.items()},
    }


def errors(stats) -> list[dict]:
    return [{"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ramp-timeout", type=float, default=90.0)
    parser.add_argument("--stop-timeout", type=float, default=25.0)
    parser.add_argument("--kill-at", type=float, default=None)
    parser.add_argument("--kill-cmd", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    from bench.load import locustfile

    env = Environment(user_classes=[locustfile.Member, locustfile.ApiMember], host=args.host, events=events,
                      stop_timeout=args.stop_timeout)
    runner = env.create_local_runner()
    wall0, cpu0 = time.perf_counter(), _cpu()
    runner.start(args.users, spawn_rate=args.rate)
    deadline = time.perf_counter() + args.ramp_timeout
    while runner.user_count < args.users and time.perf_counter() < deadline:
        gevent.sleep(0.2)
    # every browser member has logged in (or failed to)
    browsers = dict(getattr(runner, "user_classes_count", {}) or {}).get("Member", 0)
    login = env.stats.get("login", "POST")
    while login.num_requests < browsers and time.perf_counter() < deadline:
        gevent.sleep(0.2)
    ramp = {"entries": entries(env.stats), "errors": errors(env.stats), "total": _entry(env.stats.total, "total", ""),
            "seconds": round(time.perf_counter() - wall0, 1), "users": runner.user_count,
            "classes": dict(getattr(runner, "user_classes_count", {}) or {})}
    print(f"  ramp: {runner.user_count} users in {ramp['seconds']:.0f} s, "
          f"{env.stats.total.num_requests} requests", flush=True)
    env.stats.reset_all()
    failures = []  # (seconds into the measure, "METHOD name", error): when each error happened

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        if exception is not None:
            failures.append((round(time.perf_counter() - wall1, 2), f"{request_type} {name}", str(exception)[:160]))

    events.request.add_listener(on_request)
    wall1, cpu1 = time.perf_counter(), _cpu()
    steady_started = time.time()
    killed = None
    end = wall1 + args.seconds
    next_report = wall1 + 15
    while time.perf_counter() < end:
        gevent.sleep(0.25)
        now = time.perf_counter()
        if args.kill_at is not None and killed is None and now - wall1 >= args.kill_at:
            result = subprocess.run(shlex.split(args.kill_cmd), capture_output=True, text=True, check=False)  # noqa: S603
            killed = {"at_seconds": round(now - wall1, 1), "output": (result.stdout + result.stderr).strip()}
            print(f"  killed at {killed['at_seconds']} s: {killed['output']}", flush=True)
        if now >= next_report:
            t = env.stats.total
            print(f"  {now - wall1:4.0f} s: {t.num_requests} requests, {t.num_failures} failures, "
                  f"p95 {t.get_response_time_percentile(0.95) if t.num_requests else 0:.0f} ms", flush=True)
            next_report += 15
    steady_seconds = time.perf_counter() - wall1
    stop0 = time.perf_counter()
    runner.stop()
    runner.quit()
    stop_seconds = time.perf_counter() - stop0
    wall2, cpu2 = time.perf_counter(), _cpu()
    result = {
        "users": args.users, "rate": args.rate, "host": args.host,
        "ramp": ramp,
        "steady": {"entries": entries(env.stats), "errors": errors(env.stats),
                   "total": _entry(env.stats.total, "total", ""), "seconds": round(steady_seconds, 1),
                   "stop_seconds": round(stop_seconds, 1), "started_at": steady_started},
        "locust_cpu": {"ramp_seconds": round(cpu1 - cpu0, 2), "steady_seconds": round(cpu2 - cpu1, 2),
                       "steady_wall": round(wall2 - wall1, 2)},
        "killed": killed,
        "failures": failures,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
