"""The load bench: the production server under 50, then 150 simulated members, and what they left.

    .venv/bin/python -m bench load                      # ~7 minutes, everything on 127.0.0.1
    .venv/bin/python -m bench load --stages 50 --seconds 30 --reuse   # again on the same data (~2 min)
    .venv/bin/python -m bench load --cluster DIR        # through bench/cluster.sh's balancer
    .venv/bin/python -m bench load --cluster DIR --smoke

1. A database of its own (``BENCH_LOAD_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/compagnon_bench_load; the name must contain "bench"),
   dropped and recreated; migrate; ``seed_demo``; ``seed_scale`` for the simulated members
   (``bench/load/prepare.py``: their accounts, drafts and tokens).
2. The **production server**: gunicorn with deploy/gunicorn.conf.py (through
   bench/load/gunicorn_conf.py, which only adds the per-request CPU log), ``DJANGO_ENV=production``,
   a random SECRET_KEY, static files collected, Redis as the cache when it answers; and the task
   worker (``manage.py db_worker``, at nice 10 by default, as a server would run it beside the web
   processes). Files in var/bench/load/. The bench waits until the workers have compiled their rule
   sets and the seeding's PDFs are archived.
3. Stages (``bench/load/stage.py``): 50 members for 60 s, then 150 members for 60 s, one fifth on
   the API; each stage ramps at 3 users/s first (logins), then its figures are reset and measured.
4. After each stage: the worker's queue drained (bounded), then ``bench/load/integrity.py``.
5. Tables, budgets, CPU per process group and per request, written to var/bench/load/results.json.

Everything started is stopped at the end, on an error, and on Ctrl-C (process groups, TERM then
KILL). The bench reports; it exits 0 even when a budget fails (1 only if it could not run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench" / "load"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/compagnon_bench_load"
REDIS_DB = 14  # the load bench's own Redis database (flushed at start); the cluster check uses 15
STAGES = [(50, 150.0), (150, 300.0)]  # (members, p95 budget in ms)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--stages", default=",".join(str(u) for u, _ in STAGES),
                   help="members per stage, comma-separated (default 50,150)")
    p.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", "60")),
                   help="measured seconds per stage (default 60)")
    p.add_argument("--rate", type=float, default=3.0, help="users started per second (default 3)")
    p.add_argument("--api-share", type=float, default=0.2, help="share of API users (default 0.2)")
    p.add_argument("--scale-members", type=int, default=400)
    p.add_argument("--scale-invoices", type=int, default=4000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--worker-nice", type=int, default=10, help="nice level of the task worker (default 10)")
    p.add_argument("--drain-timeout", type=float, default=150.0,
                   help="seconds to wait for the worker's PDFs after a stage (default 150)")
    p.add_argument("--web-env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment of the web processes, e.g. GUNICORN_THREADS=1 WEB_CONCURRENCY=10 "
                   "(repeatable; for experiments)")
    p.add_argument("--cluster", default="", help="a directory prepared by bench/cluster.sh: run through it")
    p.add_argument("--smoke", action="store_true", help="with --cluster: start, one request, one login, stop")
    p.add_argument("--reuse", action="store_true",
                   help="keep the database and the accounts of the previous run (no reset, no seeding: "
                   "minutes saved between two measurements of the server; the integrity checks still "
                   "cover what each stage adds)")
    p.add_argument("--kill-at", type=float, default=30.0,
                   help="with --cluster: seconds into the last stage's measure when web1 is killed (default 30)")
    return p.parse_args(argv)


# --- environment ---------------------------------------------------------------------------------


def read_env_file(path: Path) -> dict:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = shlex.split(v)[0] if v.strip() else ""
    return out


def redis_url(db: int) -> str | None:
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=2)
        client.flushdb()
        return f"redis://127.0.0.1:6379/{db}"
    except Exception:  # noqa: BLE001 - no Redis: the database cache
        return None


def base_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "PYTEST", "DEBUG", "BENCH_REQUEST_LOG"))}
    env["DJANGO_SETTINGS_MODULE"] = "compagnon.settings"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def app_env(common: dict, *, production: bool) -> dict:
    env = base_env()
    env.update(common)
    env["DJANGO_ENV"] = "production" if production else "development"
    env["DEBUG"] = "0"
    return env


# --- sampling ------------------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Every second: the CPU meter (catches processes before they exit) and PostgreSQL's
    connections to the bench database (all, and those running a query)."""

    def __init__(self, meter, admin_url: str, dbname: str, pgbouncer_url: str = ""):
        super().__init__(daemon=True)
        self.meter, self.admin_url, self.dbname, self.pgbouncer_url = meter, admin_url, dbname, pgbouncer_url
        self.running = threading.Event()
        self.stopped = threading.Event()
        self.samples: list[tuple[int, int]] = []
        self.pools: list[tuple[int, int, int, int]] = []  # PgBouncer: cl_active, cl_waiting, sv_active, maxwait

    def run(self):
        import psycopg

        conn = None
        while not self.stopped.is_set():
            if self.running.is_set():
                self.meter.sample()
                try:
                    if conn is None:
                        conn = psycopg.connect(self.admin_url, autocommit=True)
                    row = conn.execute(
                        "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (self.dbname,)).fetchone()
                    self.samples.append((row[0], row[1]))
                except Exception:  # noqa: BLE001 - a missed sample
                    conn = None
                if self.pgbouncer_url:
                    self._pool(psycopg)
            time.sleep(1.0)
        if conn is not None:
            conn.close()

    def _pool(self, psycopg):
        try:
            with psycopg.connect(self.pgbouncer_url, autocommit=True, prepare_threshold=None) as c:
                cur = c.cursor()
                cur.execute("SHOW POOLS")
                names = [d.name for d in cur.description]
                for values in cur.fetchall():
                    row = dict(zip(names, values, strict=False))
                    if row.get("database") == self.dbname:
                        self.pools.append((row["cl_active"], row["cl_waiting"], row["sv_active"],
                                           int(row.get("maxwait", 0)) * 1000 + int(row.get("maxwait_us", 0)) // 1000))
        except Exception:  # noqa: BLE001 - a missed sample
            pass

    def take(self) -> dict:
        samples, self.samples = self.samples, []
        pools, self.pools = self.pools, []
        if not samples:
            return {}
        out = {"connections_max": max(s[0] for s in samples), "active_max": max(s[1] for s in samples),
               "active_mean": round(sum(s[1] for s in samples) / len(samples), 2), "samples": len(samples)}
        if pools:
            out["pgbouncer"] = {"clients_active_max": max(p[0] for p in pools),
                                "clients_waiting_max": max(p[1] for p in pools),
                                "servers_active_max": max(p[2] for p in pools),
                                "maxwait_ms_max": max(p[3] for p in pools)}
        return out


# --- the run -------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    from bench.load import servers

    try:
        return _run(args)
    except KeyboardInterrupt:
        print("\nbench load: interrupted; stopping what it started", flush=True)
        return 130
    finally:
        servers.stop_all()


def _run(args) -> int:
    import dj_database_url

    from bench.load import servers
    from bench.run import _redact, reset_database

    t_run = time.perf_counter()
    cluster = read_env_file(Path(args.cluster) / "cluster.env") if args.cluster else None
    out = Path(cluster["CLUSTER_DIR"]) / "bench" if cluster else OUT
    out.mkdir(parents=True, exist_ok=True)
    request_log = out / "requests"
    request_log.mkdir(exist_ok=True)
    for f in request_log.glob("*.tsv"):
        f.unlink()

    admin_url = cluster["ADMIN_DATABASE_URL"] if cluster else args.database_url
    app_url = cluster["APP_DATABASE_URL"] if cluster else admin_url
    dbname = dj_database_url.parse(admin_url)["NAME"]
    cache = cluster["CACHE_URL"] if cluster else redis_url(REDIS_DB)
    common = {
        "DATABASE_URL": admin_url,
        "MEDIA_ROOT": str(out / "media"),
        # collected once and kept (collectstatic only does what changed): shared by every run
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "static-prod"),
        "EINVOICE_OUTBOX_DIR": str(out / "peppol-outbox"),
        "EMAIL_URL": "dummy://",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    if cache:
        common["CACHE_URL"] = cache
    if cluster:
        for key in ("STORAGE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
            if cluster.get(key):
                common[key] = cluster[key]
    print(f"bench load: database {_redact(admin_url)} ({'kept' if args.reuse else 'recreated'})"
          + (f", app through {_redact(app_url)}" if app_url != admin_url else "")
          + f", cache {cache or 'database'}" + (f", files {cluster.get('STORAGE_URL')}" if cluster else ""), flush=True)
    users_file = out / "users.json"
    reuse = args.reuse and users_file.exists() and not args.smoke
    if not reuse:
        reset_database(admin_url)
    if not harfbuzz_subset():
        print("  WARNING: libharfbuzz-subset0 is missing (docs/production.md): WeasyPrint subsets fonts with "
              "fontTools, every PDF costs about four times the CPU (Debian/Ubuntu: apt-get install "
              "libharfbuzz-subset0)", flush=True)

    # --- prepare, with development settings in this process ---------------------------------------
    os.environ.update(app_env(common, production=False))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not cache:
        call_command("createcachetable", verbosity=0)
    print(f"  migrate {time.perf_counter() - t:.1f} s", flush=True)
    stages = [int(x) for x in args.stages.split(",") if x.strip()]
    biggest = max(stages) if stages else 1
    from bench.load import prepare

    if args.smoke:
        accounts = smoke_account(out)
    elif reuse:
        accounts = json.loads(users_file.read_text())
        if len(accounts["members"]) + len(accounts["api"]) < biggest:
            raise SystemExit(f"bench load --reuse: {users_file} has accounts for fewer than {biggest} members")
        print(f"  reusing the database and {users_file.relative_to(ROOT)} of the previous run", flush=True)
    else:
        prepare.seed(members=args.scale_members, invoices=args.scale_invoices, seed=args.seed,
                     log=lambda s: print(s, flush=True))
        api = round(biggest * args.api_share)
        t = time.perf_counter()
        accounts = prepare.accounts(members=biggest - api, api=api, seed=args.seed, out=out / "users.json")
        print(f"  {accounts['members']} browser members + {accounts['api']} API members ready "
              f"({time.perf_counter() - t:.1f} s)", flush=True)
    if cluster:
        print(f"  files: {probe_storage()}", flush=True)
    from django.db import connections

    connections.close_all()

    # --- the production server ------------------------------------------------------------------------
    secret = secrets.token_urlsafe(48)
    prod = app_env(common, production=True)
    prod.update(SECRET_KEY=secret, DATABASE_URL=app_url, BENCH_REQUEST_LOG=str(request_log),
                TRUSTED_PROXY_COUNT="2" if cluster else "1")
    if cluster:  # what PgBouncer in transaction mode needs of the app (bench/cluster.sh decides)
        for key in ("DATABASE_PREPARE_THRESHOLD", "DISABLE_SERVER_SIDE_CURSORS"):
            if cluster.get(f"APP_{key}"):
                prod[key] = cluster[f"APP_{key}"]
    if args.smoke:  # nothing is issued: the processes skip compiling the rule sets (~3 s of CPU each)
        prod["COMPAGNON_PREPARE_RULES"] = "0"
    t = time.perf_counter()
    if collect_static(prod):
        print(f"  collectstatic {time.perf_counter() - t:.1f} s", flush=True)

    webs, workers = [], []
    ports = [int(cluster["WEB1_PORT"]), int(cluster["WEB2_PORT"])] if cluster else [servers.free_port()]
    for i, port in enumerate(ports, start=1):
        env = dict(prod, BIND=f"127.0.0.1:{port}", PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
        if cluster and cluster.get("WEB_CONCURRENCY"):
            env["WEB_CONCURRENCY"] = cluster["WEB_CONCURRENCY"]
        # Idle keep-alive: the side nearer the app must wait longer than the side that reuses the
        # connection, or a request sent just as the server closes it is lost (deploy/gunicorn.conf.py
        # says the same of the proxy). The simulated members stay idle up to 5 s between two actions
        # and, unlike a browser, do not resend on such a race: gunicorn keeps idle connections 10 s
        # (15 s behind HAProxy, which keeps the members' 10 s).
        env["GUNICORN_KEEPALIVE"] = "15" if cluster else "10"
        env.update(dict(kv.split("=", 1) for kv in args.web_env))
        webs.append(servers.start(f"web{i}", servers.web_command(), env, out / f"web{i}.log"))
    n_workers = 2 if cluster else 1
    nice = ["nice", "-n", str(args.worker_nice)] if args.worker_nice else []
    for i in range(1, n_workers + 1):
        workers.append(servers.start(f"worker{i}", nice + servers.worker_command(), prod, out / f"worker{i}.log"))
    t = time.perf_counter()
    for port, web in zip(ports, webs, strict=True):
        servers.wait_http(f"http://127.0.0.1:{port}/healthz", 300, web)  # each worker compiles its rule sets (minutes on a busy machine)
    host = f"http://127.0.0.1:{cluster['HAPROXY_PORT']}" if cluster else f"http://127.0.0.1:{ports[0]}"
    if cluster:
        servers.wait_http(f"{host}/healthz", 30)
    print(f"  {len(webs)} web instance(s) answering in {time.perf_counter() - t:.1f} s "
          f"({', '.join(args.web_env) or 'deploy/gunicorn.conf.py defaults'}); {n_workers} task worker(s); {host}",
          flush=True)

    if args.smoke:
        return smoke(host, accounts, t_run)

    meter = servers.CpuMeter({
        "web": lambda: [p.pid for w in webs for p in servers.tree(w.pid)],
        "worker": lambda: [p.pid for w in workers for p in servers.tree(w.pid)],
        "postgres": lambda: servers.postgres_backends(dbname),
        **({name: (lambda n=name: pids_of(cluster, n)) for name in ("haproxy", "pgbouncer", "moto")} if cluster else {}),
    })
    all_procs = [servers.tree(w.pid)[0] for w in webs + workers if servers.tree(w.pid)]
    settled = servers.settle(all_procs, below=0.3, timeout=60)
    from bench.load import integrity

    pre = integrity.drain({"at": integrity.snapshot()["at"].replace(year=2000), "issued": 0},
                          args.drain_timeout, log=lambda s: print(s, flush=True))
    print(f"  warm: rule sets compiled ({settled:.0f} s), the seeding's PDFs archived ({pre['seconds']:.0f} s)",
          flush=True)
    sampler = Sampler(meter, admin_url, dbname, cluster.get("PGBOUNCER_ADMIN_URL", "") if cluster else "")
    sampler.start()

    from bench.load import report

    uptime = os.getloadavg()
    results = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cores": os.cpu_count(), "host": host,
               "cluster": bool(cluster), "load_before": uptime, "stages": []}
    drafts = {a["draft"] for pool in ("members", "api") for a in json.loads((out / "users.json").read_text())[pool]}
    for index, users in enumerate(stages):
        budget = dict(STAGES).get(users, 300.0 if users > 50 else 150.0)
        print(f"\n== {users} members ({users - round(users * args.api_share)} in the browser, "
              f"{round(users * args.api_share)} on the API), {args.seconds:.0f} s measured; "
              f"load average before {os.getloadavg()[0]:.2f}", flush=True)
        since = integrity.snapshot()
        stage_out = out / f"stage-{users}.json"
        command = [sys.executable, "-m", "bench.load.stage", "--host", host, "--users", str(users),
                   "--rate", str(args.rate), "--seconds", str(args.seconds), "--out", str(stage_out)]
        last = index == len(stages) - 1
        if cluster and last:
            command += ["--kill-at", str(args.kill_at), "--kill-cmd",
                        f"{sys.executable} -m bench.load.kill {shlex.quote(args.cluster)} web1 {webs[0].pid}"]
        env = dict(base_env(), BENCH_LOAD_USERS=str(out / "users.json"), PYTHONPATH=str(ROOT))
        returncode, used, connections_seen = run_stage(command, env, meter, sampler, timeout=args.seconds + 200)
        if returncode != 0 or not stage_out.exists():
            print(f"bench load: the stage failed (exit {returncode})")
            return 1
        result = json.loads(stage_out.read_text())
        steady = result["steady"]
        start = steady["started_at"]
        server = report.server_requests(request_log, start, start + steady["seconds"] + steady["stop_seconds"], drafts,
                                        new_after=since["max_id"])
        report.ramp_line(result)
        rows = report.endpoint_table(result, server, f"{users} members: per endpoint (ms; CPU = web process CPU "
                                     f"per request, server side)")
        verdict = report.budget_line(result, budget)
        cpu = report.cpu_lines(used, result, server, os.cpu_count() or 1)
        classes = report.class_table(server)
        if connections_seen:
            print(f"  PostgreSQL connections to the bench database: at most {connections_seen['connections_max']} open, "
                  f"{connections_seen['active_max']} running a query at once (mean {connections_seen['active_mean']})")
            pool = connections_seen.get("pgbouncer")
            if pool:
                print(f"  PgBouncer: {pool['clients_active_max']} client connections at most, "
                      f"{pool['clients_waiting_max']} waiting for a server connection at most (longest wait "
                      f"{pool['maxwait_ms_max']} ms), {pool['servers_active_max']} server connections in a "
                      f"transaction at most")
        if result.get("killed"):
            killed = result["killed"]
            print(f"  killed web1 at {killed['at_seconds']} s: {killed['output']}")
            held = re.search(r"held (\d+) requests", killed["output"])
            if held:
                killed["held"] = int(held.group(1))
                report.kill_lines(result, killed)
        ok, unknown = report.issue_counts(result)
        check = integrity.run(since, issued_ok=ok, issue_unknown=unknown, drain_timeout=args.drain_timeout,
                              log=lambda s: print(s, flush=True))
        report.integrity_lines(check)
        results["stages"].append({"users": users, "budget": verdict, "endpoints": rows, "cpu": cpu,
                                  "classes": classes, "connections": connections_seen, "integrity": check,
                                  "ramp": result["ramp"]["total"], "killed": result.get("killed"),
                                  "locust": result["locust_cpu"], "errors": result["steady"]["errors"],
                                  "users_by_class": result["ramp"].get("classes")})
    sampler.stopped.set()
    results["load_after"] = os.getloadavg()
    results["total_seconds"] = round(time.perf_counter() - t_run, 1)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"\nbench load: {results['total_seconds']:.0f} s in all; load average {results['load_before'][0]:.2f} "
          f"before, {results['load_after'][0]:.2f} after; results in {(out / 'results.json').relative_to(ROOT)}")
    for s in results["stages"]:
        print(f"  {s['users']} members: {s['budget']['verdict']} (p95 {s['budget']['p95']:.0f} ms, "
              f"{s['budget']['errors']} errors), integrity {'PASS' if s['integrity']['ok'] else 'FAIL'}")
    return 0


def run_stage(command, env, meter, sampler, *, timeout: float):
    """Run one stage; the CPU meter and the connection sampler cover its measured part only (from
    the stage's "ramp:" line, when it resets its statistics, to its end)."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("  ramp:"):
                meter.start()
                sampler.take()
                sampler.running.set()
        process.wait()
    finally:
        watchdog.cancel()
        sampler.running.clear()
        if process.poll() is None:  # interrupted: the stage (and its simulated members) stop too
            process.kill()
            process.wait()
    return process.returncode, meter.stop(), sampler.take()


def collect_static(prod_env: dict) -> bool:
    """``collectstatic`` with the production storage (hashed, compressed names), skipped when no
    static source changed since the last run (it post-processes every file each time: ~30 s)."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            st = os.stat(storage.path(path))
            digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    root = Path(prod_env["STATIC_ROOT"])
    stamp = root / ".bench-sources"
    if stamp.exists() and stamp.read_text() == digest.hexdigest() and (root / "staticfiles.json").exists():
        return False
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=prod_env,
                   check=True)
    stamp.write_text(digest.hexdigest())
    return True


def harfbuzz_subset() -> bool:
    """Whether WeasyPrint finds HarfBuzz's subsetter (else fontTools, ~4x slower per PDF)."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset as library
    except Exception:  # noqa: BLE001 - WeasyPrint cannot load at all: the run says so later
        return True
    return library is not None


def pids_of(cluster: dict, name: str) -> list[int]:
    import psutil

    pidfile = Path(cluster["CLUSTER_DIR"]) / f"{name}.pid"
    try:
        pid = int(pidfile.read_text().split()[0])
        return [p.pid for p in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]]
    except (OSError, ValueError, psutil.NoSuchProcess):
        return []


def probe_storage() -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("bench/probe.txt", ContentFile(b"compagnon"))
    with default_storage.open(name, "rb") as f:
        ok = f.read() == b"compagnon"
    default_storage.delete(name)
    return f"{type(default_storage._wrapped).__name__}: write, read, delete {'ok' if ok else 'FAILED'}"


def smoke_account(out: Path) -> dict:
    """One ordinary member account (no demo data: production refuses to serve with demo accounts)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from compagnon.accounts.models import User

    password = secrets.token_urlsafe(12)
    user = User.objects.create(email="smoke@bench.test", first_name="Smoke", last_name="Test",
                               password=make_password(password))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return {"email": user.email, "password": password}


def smoke(host: str, account: dict, t_run: float) -> int:
    """GET /healthz through the balancer, then a real login (CSRF, session cookie) and the home page."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    origin = "https://" + host.split("://", 1)[1]
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.78.0.1", "Origin": origin}

    def call(method, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(host + path, data=body, method=method, headers=headers)
        try:
            with opener.open(request, timeout=20) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    steps = []
    status, _h, body = call("GET", "/healthz")
    steps.append(("GET /healthz", status, status == 200, body.decode()[:80]))
    status, _h, _b = call("GET", "/accounts/login/")
    steps.append(("GET /accounts/login/", status, status == 200, ""))
    token = next((c.value for c in jar if c.name == "csrftoken"), "")
    status, h, _b = call("POST", "/accounts/login/", {"login": account["email"], "password": account["password"],
                                                       "csrfmiddlewaretoken": token})
    steps.append(("POST /accounts/login/", status, status == 302 and "/login" not in (h.get("Location") or ""),
                  f"→ {h.get('Location')}"))
    status, _h, _b = call("GET", "/home/")
    steps.append(("GET /home/ (logged in)", status, status == 200, ""))
    ok = all(s[2] for s in steps)
    print("\ncluster smoke, through the balancer:")
    for name, status, good, note in steps:
        print(f"  {name:<24} {status}  {'ok' if good else 'FAILED'} {note}")
    print(f"cluster smoke: {'PASS' if ok else 'FAIL'} in {time.perf_counter() - t_run:.1f} s (bench part)")
    return 0 if ok else 1
