"""Measure the main pages on the demo data, load 100,000 members with seed_scale, measure again;
then the sales side: invoice lists with N invoices, issuing throughput, PDF rendering; and the
e-invoices: generation and validation time per document.

    python -m bench            # everything (members, e-invoices, then sales)
    python -m bench members    # the member pages only
    python -m bench sales      # the sales benchmarks only (members are still seeded: invoices
                               # need activities)
    python -m bench einvoice   # the e-invoice benchmarks only (demo data, no scale seeding)
    python -m bench home       # the member's home and /api/v1/home/ at 50 activities and
                               # 10,000 documents (bench/home.py)
    python -m bench budget     # one activity's budget with 100,000 ledger lines (bench/budget.py)
    python -m bench payroll    # month-end payroll for 10,000 members (bench/payroll.py)
    python -m bench reports    # trial balance over 10 million ledger lines, income statements
                               # (bench/reports.py; BENCH_REPORT_LINES=200000 for a quick run;
                               # not part of the default run)
    python -m bench vatreturns # CA3 and Belgian return over a quarter of 1,000,000 invoices
                               # (bench/vatreturns.py; BENCH_VAT_INVOICES=50000 for a quick run;
                               # not part of the default run)
    python -m bench fec        # the FEC of 10 million ledger lines on PostgreSQL, streamed, vs COPY
                               # (bench/fec.py; BENCH_FEC_LINES=500000 for a quick run;
                               # not part of the default run)
    python -m bench fieldplanning    # a sector's proposed week: 30 members, 400 visits, vs ten times
                                     # the solver's time (bench/fieldplanning.py; no database)
    python -m bench fieldinvoicing   # month-end home-services invoices from 50,000 sheets, vs raw SQL
                                     # (bench/fieldinvoicing.py; BENCH_FIELDINVOICING_QUICK=1)
    python -m bench taxcertificates  # tax certificates of 20,000 clients (bench/taxcertificates.py;
                                     # BENCH_TAXCERTIFICATES_QUICK=1); none of the three by default
    python -m bench governance # an assembly of 10,000 voters: a vote cast, the count
                               # (bench/governance.py; not part of the default run)
    python -m bench jobs       # declaring a job in one request among thousands of members
                               # (bench/jobs.py; not part of the default run)
    python -m bench load       # the load bench: the production server under 50 and 150 members
                               # (not part of the default run; see bench/load/run.py)

Everything happens in a database of its own (var/bench/bench.sqlite3, or BENCH_DATABASE_URL),
recreated at each run: the developer's db.sqlite3 and var/media are never touched.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import math
import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
SEED_BUDGET_S = 60.0
DEFAULT_INVOICES = 200_000
PAGE_TIME_CAP_S = (
    20.0  # stop sampling a page after this long (keeps a slow page from eating the run)
)
MIN_SAMPLES = 5

# (label, url, who). "member"/"advisor" are the demo users in the baseline and scale users at scale;
# "member1"/"advisor (demo)" stay the same demo users in both runs, to isolate the effect of table size.
PAGES = [
    ("member home", "/home/", "member"),
    ("advisor home", "/home/", "advisor"),
    ("member list", "/members/", "admin"),
    ("API members", "/api/v1/members/", "admin"),
    ("admin home", "/home/", "admin"),
    ("member list search", "/members/?q=mar", "admin"),
    ("member home, same user", "/home/", "demo member"),
    ("advisor home, same user", "/home/", "demo advisor"),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Page timings and query counts: demo data vs. a large cooperative.",
    )
    parser.add_argument(
        "suite",
        nargs="?",
        default="all",
        choices=["all", "members", "sales", "einvoice", "collections", "money", "load", "home", "expenses", "budget",
                 "payroll", "reports", "vatreturns", "fec", "services", "know-how", *FIELD, *SERVICES,
                 *KNOW_HOW],
        help="what to measure (default: all; 'load' takes its own options: python -m bench load --help)",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=int(os.environ.get("BENCH_MEMBERS", "100000")),
        help="members added by seed_scale (default 100000, or $BENCH_MEMBERS)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=int(os.environ.get("BENCH_REQUESTS", "30")),
        help="timed requests per page (default 30, or $BENCH_REQUESTS)",
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument(
        "--invoices",
        type=int,
        default=int(os.environ.get("BENCH_INVOICES", str(DEFAULT_INVOICES))),
        help=f"invoices added by seed_scale --invoices (default {DEFAULT_INVOICES}, "
        "or $BENCH_INVOICES)",
    )
    parser.add_argument(
        "--issues",
        type=int,
        default=int(os.environ.get("BENCH_ISSUES", "200")),
        help="invoices issued with the PDF deferred, and copied in raw SQL (default 200)",
    )
    parser.add_argument(
        "--inline-issues",
        type=int,
        default=20,
        help="invoices issued with the PDF rendered inline (default 20)",
    )
    parser.add_argument(
        "--pdf-renders", type=int, default=15, help="timed PDF renders (default 15)"
    )
    parser.add_argument(
        "--einvoices",
        type=int,
        default=int(os.environ.get("BENCH_EINVOICES", "1000")),
        help="varied documents of the e-invoice suite (default 1000, or $BENCH_EINVOICES)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed_scale --seed (default 1)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="database to use and WIPE (default: sqlite var/bench/bench.sqlite3, "
        "or $BENCH_DATABASE_URL); a PostgreSQL database name must contain 'bench'",
    )
    return parser.parse_args(argv)


# --- environment, before Django loads ------------------------------------------------------------


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


def reset_database(url: str) -> None:
    """Start from an empty database. Refuses anything that looks like a real one."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    engine = cfg["ENGINE"]
    if engine.endswith("sqlite3"):
        path = Path(cfg["NAME"]).resolve()
        if path == (ROOT / "db.sqlite3").resolve():
            raise SystemExit("bench: refusing to use the development database db.sqlite3.")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif engine.endswith("postgresql"):
        name = cfg["NAME"]
        if "bench" not in name:
            raise SystemExit(
                f"bench: the database is dropped and recreated at each run; its name must contain "
                f"'bench' (got {name!r})."
            )
        import psycopg
        from psycopg import sql

        params = {
            "host": cfg.get("HOST"),
            "port": cfg.get("PORT"),
            "user": cfg.get("USER"),
            "password": cfg.get("PASSWORD"),
            "dbname": "postgres",
        }
        conninfo = psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v})
        with psycopg.connect(conninfo, autocommit=True) as conn:
            ident = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    else:
        raise SystemExit(f"bench: unsupported database engine {engine}.")


def prepare_environment(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = "compagnon.settings"
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
    hosts = [h for h in hosts if h]
    if "testserver" not in hosts:
        hosts.append("testserver")
    os.environ["ALLOWED_HOSTS"] = ",".join(hosts)
    # Production-like rendering unless asked otherwise (DEBUG=1 python -m bench).
    os.environ.setdefault("DEBUG", "0")
    static = OUT / "static"
    static.mkdir(parents=True, exist_ok=True)
    os.environ["STATIC_ROOT"] = str(static)  # silences whitenoise's "No directory at" warning
    media = OUT / "media"
    shutil.rmtree(media, ignore_errors=True)
    os.environ["MEDIA_ROOT"] = str(media)  # demo logos stay out of the developer's var/media


def scratch_database(url: str, name: str) -> str:
    """A bench script's own database, recreated and migrated, Django set up on it: ``url``, or
    ``var/bench/<name>.sqlite3`` when empty. Returns the URL used."""
    url = url or f"sqlite:///{OUT / (name + '.sqlite3')}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


# --- measuring -------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


class Measurer:
    def __init__(self, requests: int, warmup: int):
        from django.test import Client

        self.requests = requests
        self.warmup = warmup
        self._client_class = Client
        self._clients = {}
        self._cache = {}

    def client(self, user):
        client = self._clients.get(user.pk)
        if client is None:
            client = self._client_class()
            client.force_login(user)
            self._clients[user.pk] = client
        return client

    def reset(self) -> None:
        self._cache.clear()

    def measure(self, user, url: str) -> dict:
        key = (user.pk, url)
        if key in self._cache:
            return self._cache[key]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.client(user)

        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(
                    f"bench: GET {url} as {user.email} answered {response.status_code}, not 200."
                )
            return response

        for _ in range(self.warmup):
            get()
        with CaptureQueriesContext(connection) as ctx:
            response = get()
        captured = ctx.captured_queries
        gc.collect()  # start each page with a clean heap: less noise from the previous one
        times = []
        started = time.perf_counter()
        for _ in range(self.requests):
            t = time.perf_counter()
            get()
            times.append(time.perf_counter() - t)
            if len(times) >= MIN_SAMPLES and time.perf_counter() - started > PAGE_TIME_CAP_S:
                break
        times.sort()
        slowest = sorted(captured, key=lambda q: float(q["time"] or 0), reverse=True)[:3]
        result = {
            "user": user.email,
            "url": url,
            "samples": len(times),
            "p50_ms": round(percentile(times, 0.50) * 1000, 2),
            "p95_ms": round(percentile(times, 0.95) * 1000, 2),
            "min_ms": round(times[0] * 1000, 2),
            "max_ms": round(times[-1] * 1000, 2),
            "queries": len(captured),
            "query_ms": round(sum(float(q["time"] or 0) for q in captured) * 1000, 2),
            "bytes": len(response.content),
            "slowest_queries": [
                {"ms": round(float(q["time"] or 0) * 1000, 2), "sql": q["sql"][:20000]}
                for q in slowest
            ],
        }
        self._cache[key] = result
        return result


def measure_pages(measurer: Measurer, users: dict, label: str, pages=PAGES) -> dict:
    print(f"\n== {label}")
    out = {}
    for name, url, who in pages:
        result = measurer.measure(users[who], url)
        out[name] = result
        print(
            f"  {name:<26} {result['p50_ms']:>9.1f} ms p50 {result['p95_ms']:>9.1f} ms p95 "
            f"{result['queries']:>3} queries  ({result['user']}, {result['samples']} requests)"
        )
    return out


# --- data ------------------------------------------------------------------------------------------


def demo_users() -> dict:
    from compagnon.accounts.models import User

    member = User.objects.get(email="member1@demo.coop")
    advisor = User.objects.get(email="advisor@demo.coop")
    admin = User.objects.get(email="admin@demo.coop")
    return {
        "member": member,
        "advisor": advisor,
        "admin": admin,
        "demo member": member,
        "demo advisor": advisor,
    }


def scale_users(seed: int) -> tuple[dict, dict]:
    """The advisor of the busiest scale office and a member of it who, like member1, is under
    contract, has a phone and shares a collective. The demo admin is made admin of the scale
    entities so that the same person lists 100,000 more members."""
    from django.db.models import Count

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.members.models import ActivityMembership, Member, MemberStatus
    from compagnon.organisation.models import Office

    base = demo_users()
    scale_admin = User.objects.get(email=f"admin-{seed}@scale.test")
    entity_ids = list(
        RoleAssignment.objects.filter(user=scale_admin, role=Role.ADMIN).values_list(
            "entity_id", flat=True
        )
    )
    for entity_id in entity_ids:
        RoleAssignment.objects.get_or_create(
            user=base["admin"], role=Role.ADMIN, entity_id=entity_id, office=None, service=""
        )
    busiest = (
        Office.objects.filter(entity_id__in=entity_ids)
        .annotate(n=Count("members"))
        .order_by("-n", "id")
        .first()
    )
    advisor = (
        RoleAssignment.objects.filter(role=Role.ADVISOR, office=busiest)
        .select_related("user")
        .order_by("id")
        .first()
        .user
    )
    collective_ids = (
        ActivityMembership.objects.values("activity_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("activity_id")
    )
    candidates = Member.objects.filter(
        office=busiest, status=MemberStatus.CONTRACT, activity_memberships__isnull=False
    ).exclude(user__phone="")
    member = (
        candidates.filter(activity_memberships__activity_id__in=collective_ids)
        .order_by("id")
        .first()
        or candidates.order_by("id").first()
    )
    users = dict(base, member=member.user, advisor=advisor)
    info = {
        "busiest_office": busiest.name,
        "busiest_office_members": busiest.n,
        "advisor": advisor.email,
        "member": member.user.email,
        "member_activities": member.activity_memberships.count(),
    }
    return users, info


def database_description() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version}


# --- report ----------------------------------------------------------------------------------------


def summarize_sql(sql: str, width: int = 220) -> str:
    """One line: the column list elided, the middle cut when too long (the ORDER BY stays)."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", " ".join(sql.split()), count=1)
    sql = sql.replace('"', "")
    if len(sql) > width:
        sql = f"{sql[: width - 80]} … {sql[-75:]}"
    return sql


def compare(baseline: dict, scale: dict, pages=PAGES) -> list[dict]:
    """Print baseline vs scale per page (p50, p95, ratio, queries); flag query-count growth."""
    rows = []
    header = (
        f"{'page':<26} {'base p50':>9} {'base p95':>9} {'scale p50':>10} {'scale p95':>10} "
        f"{'ratio':>7}   {'queries':>9}"
    )
    print("\n" + header)
    print("-" * len(header))
    for name, _url, _who in pages:
        b, s = baseline[name], scale[name]
        ratio = s["p50_ms"] / b["p50_ms"] if b["p50_ms"] else float("nan")
        flag = ""
        if s["queries"] > b["queries"]:
            flag = "QUERY COUNT GREW"
        elif s["queries"] < b["queries"]:
            flag = "query count changed (fewer)"
        rows.append(
            {
                "page": name,
                "baseline": b,
                "scale": s,
                "ratio_p50": round(ratio, 2),
                "ratio_p95": round(s["p95_ms"] / b["p95_ms"], 2) if b["p95_ms"] else None,
                "flag": flag,
            }
        )
        print(
            f"{name:<26} {b['p50_ms']:>7.1f}ms {b['p95_ms']:>7.1f}ms {s['p50_ms']:>8.1f}ms "
            f"{s['p95_ms']:>8.1f}ms {ratio:>6.1f}x   {b['queries']:>3} → {s['queries']:<3} {flag}"
        )
    return rows


def report(baseline: dict, scale: dict, seed_s: float, members: int) -> list[dict]:
    rows = compare(baseline, scale)
    verdict = "within" if seed_s <= SEED_BUDGET_S else "OVER"
    print(
        f"\nseed_scale --members {members:,}: {seed_s:.1f} s ({verdict} the {SEED_BUDGET_S:.0f} s budget)"
    )
    print("\nSlowest query per page at scale (full SQL in results.json):")
    for name, _url, _who in PAGES:
        q = scale[name]["slowest_queries"][:1]
        if q:
            print(f"  {name:<26} {q[0]['ms']:>6.1f} ms  {summarize_sql(q[0]['sql'])}")
    return rows


MONEY_BENCHES = [
    # (label, module, arguments): each works in its own scratch database (name containing
    # "bench" on PostgreSQL, from BENCH_DATABASE_URL with a suffix; a temporary SQLite otherwise)
    ("bank import + matching", "compagnon.payments.bench", ["10000"]),
    ("daily collections run", "compagnon.dunning.bench", []),
]


def run_money(args) -> int:
    """Import of a 10,000-entry camt.053 with matching against the open invoices (budget 30 s),
    and the daily collections run against a raw SQL selection of the same due actions (budget
    5x). Open invoices: as many as bulk_create writes in BENCH_MONEY_SECONDS (default 60),
    at most BENCH_MONEY_INVOICES (default 1,000,000)."""
    import importlib.util
    import subprocess

    failures = 0
    seconds = os.environ.get("BENCH_MONEY_SECONDS", "60")
    invoices = os.environ.get("BENCH_MONEY_INVOICES", "1000000")
    for label, module, extra in MONEY_BENCHES:
        if importlib.util.find_spec(module) is None:
            print(f"\n== {label}: {module} is not installed, skipped")
            continue
        env = dict(os.environ)
        if args.database_url:
            env["BENCH_DATABASE_URL"] = args.database_url + "_" + module.split(".")[1]
        print(f"\n== {label} ({module})", flush=True)
        command = [sys.executable, "-m", module, *extra, "--seconds", seconds, "--invoices", invoices]
        failures += subprocess.run(command, env=env, cwd=ROOT, check=False).returncode != 0
    return failures


def run_home(args) -> int:
    """The member's home and /api/v1/home/ for one member with 50 activities and 10,000
    documents (bench/home.py), in a database of its own; p95 < 100 ms, constant query count."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_home"
    print("\n== home: one member, 50 activities, 10,000 documents (bench/home.py)", flush=True)
    command = [sys.executable, "-m", "bench.home", "--requests", str(args.requests), "--warmup", str(args.warmup)]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


def run_expenses(args) -> int:
    """A 4000 × 3000 receipt stored and read back downscaled in < 2 s (bench/expenses.py)."""
    import subprocess

    print("\n== expenses: a 4000 × 3000 receipt photo (bench/expenses.py)", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.expenses"], cwd=ROOT, check=False).returncode


def run_budget(args) -> int:
    """The budget of one activity with 100,000 ledger lines (bench/budget.py), in a database of
    its own; p95 < 50 ms, with the ratio to the raw SQL sum measured in the same run."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_budget"
    print("\n== budget: one activity, 100,000 ledger lines (bench/budget.py)", flush=True)
    command = [sys.executable, "-m", "bench.budget", "--requests", str(args.requests), "--warmup", str(args.warmup)]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


def run_payroll(args) -> int:
    """Month-end payroll for 10,000 members (bench/payroll.py), in a database of its own; < 60 s
    on PostgreSQL, with the ratio to the same writes in raw SQL measured in the same run."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_payroll"
    print("\n== payroll: month-end for 10,000 members (bench/payroll.py)", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.payroll"], env=env, cwd=ROOT, check=False).returncode


def run_fec(args) -> int:
    """The FEC of a year of 10 million ledger lines (bench/fec.py; BENCH_FEC_LINES for fewer), on
    PostgreSQL in a database of its own: peak RSS < 300 MB, time ≤ 2 × COPY of the same rows."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_fec"
    print("\n== fec: the FEC of 10 million ledger lines (bench/fec.py)", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.fec"], env=env, cwd=ROOT, check=False).returncode


def run_reports(args) -> int:
    """The accountant's reports over 10 million ledger lines (bench/reports.py), in a database of
    its own; trial balance < 2 s, income statement < 100 ms, with the ratios to the raw GROUP BY
    measured in the same run."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_reports"
    print("\n== reports: trial balance and income statement (bench/reports.py)", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.reports"], env=env, cwd=ROOT, check=False).returncode


def run_vatreturns(args) -> int:
    """A quarter of one million invoices per entity (bench/vatreturns.py), in a database of its
    own; the CA3 and the Belgian return < 5 s each, with the ratio to the raw GROUP BY."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_vatreturns"
    print("\n== vatreturns: CA3 and Belgian return over a quarter of invoices (bench/vatreturns.py)", flush=True)
    return subprocess.run([sys.executable, "-m", "bench.vatreturns"], env=env, cwd=ROOT, check=False).returncode


def run_field(args, name: str, title: str) -> int:
    """One of the field-service benches (bench/fieldplanning.py, fieldinvoicing.py,
    taxcertificates.py), each in a database of its own when it needs one."""
    import subprocess

    env = dict(os.environ)
    if args.database_url:
        env["BENCH_DATABASE_URL"] = args.database_url + "_" + name
    print(f"\n== {name}: {title} (bench/{name}.py)", flush=True)
    return subprocess.run([sys.executable, "-m", f"bench.{name}"], env=env, cwd=ROOT, check=False).returncode


FIELD = {  # and the other suites that run as a script of their own
    "governance": "an assembly of 10,000 voters: casting a vote and counting",
    "jobs": "declaring a job in one request, every step it triggers included",
    "fieldplanning": "a sector's proposed week against ten times the solver's time",
    "fieldinvoicing": "month-end home-services invoices against raw SQL",
    "taxcertificates": "the home-services tax certificates of a year",
}

SERVICES = {  # the member services (issue 15), each a script in a database of its own
    "directory": "search and map data among 100,000 members",
    "messaging": "the inbox of a member with 10,000 of 1,000,000 messages",
    "knowledge": "help-centre search over 10,000 articles, the onboarding follow list",
    "support": "a desk's queue and a member's requests among 500,000",
    "advising": "an advisor's 2,000 members sorted by attention",
    "events": "the agenda and a registration among 20,000 events, 1,000,000 registrations",
    "mailings": "a newsletter queued to 50,000 of 100,000 members, batches sent, the news list meanwhile",
}

KNOW_HOW = {  # know-how shared between members (issue 19): the 100 ms search budget over 100,000
    "procedures": "procedure search over 100,000 procedures against the list in force",
    "peerhelp": "question search over 100,000 questions; a question reaching its matching members",
}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # its own options (python -m bench load --help)
        from bench.load.run import main as load_main

        return load_main(argv[1:])
    args = parse_args(argv)
    if args.suite == "money":
        return 1 if run_money(args) else 0
    if args.suite == "home":
        return 1 if run_home(args) else 0
    if args.suite == "budget":
        return 1 if run_budget(args) else 0
    if args.suite == "expenses":
        return 1 if run_expenses(args) else 0
    if args.suite == "payroll":
        return 1 if run_payroll(args) else 0
    if args.suite == "reports":
        return 1 if run_reports(args) else 0
    if args.suite == "vatreturns":
        return 1 if run_vatreturns(args) else 0
    if args.suite == "fec":
        return 1 if run_fec(args) else 0
    if args.suite in FIELD:
        return 1 if run_field(args, args.suite, FIELD[args.suite]) else 0
    if args.suite in SERVICES:
        return 1 if run_field(args, args.suite, SERVICES[args.suite]) else 0
    if args.suite in KNOW_HOW:
        return 1 if run_field(args, args.suite, KNOW_HOW[args.suite]) else 0
    if args.suite == "know-how":
        return 1 if sum(run_field(args, name, title) != 0 for name, title in KNOW_HOW.items()) else 0
    if args.suite == "services":  # all of them, one after the other (about 25 minutes on PostgreSQL)
        return 1 if sum(run_field(args, name, title) != 0 for name, title in SERVICES.items()) else 0
    run_started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / 'bench.sqlite3'}"
    reset_database(url)
    print(f"bench: database {_redact(url)} (recreated)")
    prepare_environment(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    db = database_description()
    print(
        f"bench: {db['vendor']} {db['version']}, DEBUG={settings.DEBUG}, Python {platform.python_version()}"
    )

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"bench: migrate {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"bench: seed_demo {time.perf_counter() - t:.1f} s")

    members_suite = args.suite in ("all", "members")
    sales_suite = args.suite in ("all", "sales")
    measurer = Measurer(args.requests, args.warmup)
    baseline = (
        measure_pages(measurer, demo_users(), "baseline (demo data)") if members_suite else None
    )
    einvoice_state = None
    if args.suite in ("all", "einvoice"):
        # on the demo data, before the sales suite issues invoices of its own
        from bench import einvoice

        einvoice_state = einvoice.run(args)
    sales_state = None
    if sales_suite:
        from bench import sales

        sales_state = sales.before_scale(args, measurer, measure_pages)

    if members_suite or sales_suite:
        print(f"\n== seed_scale --members {args.members} --seed {args.seed}")
        buffer = io.StringIO()
        t = time.perf_counter()
        call_command("seed_scale", members=args.members, seed=args.seed, stdout=buffer)
        seed_s = time.perf_counter() - t
        for line in buffer.getvalue().splitlines():
            print(f"  {line}")

        users, picked = scale_users(args.seed)
        print(
            f"  busiest office {picked['busiest_office']} ({picked['busiest_office_members']:,} members): "
            f"advisor {picked['advisor']}, member {picked['member']}"
        )
    common = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": db,
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "debug": settings.DEBUG,
        "requests_per_page": args.requests,
        "warmup": args.warmup,
    }
    written, grew = [], []
    if members_suite:
        measurer.reset()
        scale = measure_pages(measurer, users, f"at scale (+{args.members:,} members)")
        rows = report(baseline, scale, seed_s, args.members)
        results = {
            **common,
            "members": args.members,
            "seed": args.seed,
            "seed_scale_seconds": round(seed_s, 2),
            "seed_scale_budget_seconds": SEED_BUDGET_S,
            "seed_scale_within_budget": seed_s <= SEED_BUDGET_S,
            "seed_scale_output": buffer.getvalue().splitlines(),
            "scale_users": picked,
            "pages": rows,
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
        path = OUT / "results.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
        grew += [r["page"] for r in rows if r["flag"] == "QUERY COUNT GREW"]
    if sales_suite:
        scaled = sales.at_scale(args, measurer, measure_pages, users)
        sales_results = sales.report(sales_state, scaled, args, compare)
        results = {
            **common,
            "members": args.members,
            "members_seed_seconds": round(seed_s, 2),
            **sales_results,
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
        path = OUT / "sales-results.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
        grew += [r["page"] for r in sales_results["pages"] if r["flag"] == "QUERY COUNT GREW"]
    if einvoice_state is not None:
        einvoice_results = einvoice.report(einvoice_state)
        results = {
            **{k: v for k, v in common.items() if k not in ("requests_per_page", "warmup")},
            **einvoice_results,
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
        path = OUT / "einvoice-results.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    total_s = time.perf_counter() - run_started
    print(
        f"\nbench: {total_s:.0f} s in all; results in "
        f"{', '.join(str(p.relative_to(ROOT)) for p in written)}"
    )
    if grew:
        print(f"bench: query count grew on: {', '.join(grew)}")
    if args.suite in ("all", "collections"):
        # last: it adds 1,000 overdue invoice copies and carries out their reminders
        from compagnon.dunning.bench import execution_bench

        print("\n== collections: carrying out 1,000 reminders")
        result = execution_bench(1000)
        path = OUT / "collections-results.json"
        path.write_text(json.dumps({**common, **result}, indent=2, default=str) + "\n", encoding="utf-8")
    if args.suite == "all":
        run_money(args)
        run_home(args)
        run_budget(args)
        run_expenses(args)
        run_payroll(args)
    return 0
