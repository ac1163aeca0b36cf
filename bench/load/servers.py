"""The processes the load bench starts (the production web server and the task worker), how it
waits for them, how it stops them, and what CPU they use.

Every process is started in its own session (process group) and remembered; ``stop_all`` sends
TERM to each group, then KILL to what is still there after a grace period. The orchestrator calls
it from ``finally`` and from its SIGINT/SIGTERM handler, so nothing outlives the bench.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
_started: list[tuple[str, subprocess.Popen, object]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name: str, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab")  # noqa: SIM115 - closed in stop_all
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                               start_new_session=True)
    _started.append((name, process, out))
    return process


def web_command() -> list[str]:
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "bench" / "load" / "gunicorn_conf.py"), "compagnon.wsgi"]


def worker_command() -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "0.5"]


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None,
              headers: dict | None = None) -> float:
    """Seconds until ``url`` answers 200; SystemExit on timeout or when the process died."""
    started = time.perf_counter()
    while True:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"bench load: the server exited ({process.returncode}) before answering {url}")
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            pass
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"bench load: {url} did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def settle(processes: list[psutil.Process], *, below: float = 0.25, timeout: float = 60.0) -> float:
    """Wait until the processes (with their children) use less than ``below`` of one core over a
    second: the workers have compiled their rule sets. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        before = cpu_seconds(processes)
        time.sleep(1.0)
        if cpu_seconds(processes) - before < below:
            break
    return time.perf_counter() - started


def tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(processes) -> float:
    total = 0.0
    for p in processes:
        try:
            for q in [p, *p.children(recursive=True)]:
                t = q.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


class CpuMeter:
    """CPU seconds used between ``start()`` and ``stop()`` by groups of processes, per pid (a
    process that appears in between counts from zero; one that exits keeps its last reading)."""

    def __init__(self, groups: dict):
        self.groups = groups  # name -> callable returning the pids of that group now
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}

    def _read(self) -> dict[int, tuple[str, float]]:
        out = {}
        for name, pids in self.groups.items():
            for pid in pids():
                try:
                    t = psutil.Process(pid).cpu_times()
                except psutil.NoSuchProcess:
                    continue
                out[pid] = (name, t.user + t.system)
        return out

    def start(self):
        self.first = {pid: v for pid, (_n, v) in self._read().items()}
        self.last = {}
        self.machine0 = _machine_busy()
        self.sample()

    def sample(self):
        self.last.update(self._read())

    def stop(self) -> dict[str, float]:
        self.sample()
        used: dict[str, float] = {}
        for pid, (name, v) in self.last.items():
            used[name] = used.get(name, 0.0) + max(0.0, v - self.first.get(pid, 0.0))
        used["machine"] = _machine_busy() - self.machine0  # every process of the machine, ours included
        return used


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores, everything but idle and iowait)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def postgres_backends(dbname: str) -> list[int]:
    """PostgreSQL's processes serving connections to ``dbname`` (their title names the database)."""
    pids = []
    for p in psutil.process_iter(["cmdline", "username"]):
        cmd = " ".join(p.info.get("cmdline") or [])
        if cmd.startswith("postgres:") and f" {dbname} " in f"{cmd} ":
            pids.append(p.pid)
    return pids


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def stop_all(grace: float = 15.0) -> None:
    """TERM every process group we started, KILL what remains after ``grace`` seconds."""
    for _name, process, _out in _started:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    for _name, process, _out in _started:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for _name, process, out in _started:
        if process.poll() is None:
            kill_group(process)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        # a group may keep children after its leader exited: kill the group anyway
        kill_group(process)
        out.close()
    _started.clear()
