"""The FEC of a year of 10 million ledger lines, on PostgreSQL. Not a test.

    python -m bench fec                                      # through bench/run.py
    BENCH_FEC_LINES=500000 python -m bench fec               # a quick run
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_fec \\
        .venv/bin/python -m bench.fec [--lines 10000000]

In a scratch PostgreSQL database (its name must contain "bench": dropped and created again), writes
one French entity and ``--lines`` entry lines in SQL (``INSERT … SELECT generate_series``:
balanced two-line entries over the year, in four journals, numbered per journal in date order),
then:

1. exports the FEC as an accountant would (``manage.py export_fec --no-check`` in a child process,
   so its peak resident memory is its own): wall time and peak RSS (budget < 300 MB);
2. as the baseline, in the same run, PostgreSQL writes the same rows itself:
   ``COPY (the export's SELECT) TO '<file>'`` (budget: the export ≤ 2 × this time). The two
   alternate, ``BENCH_FEC_ROUNDS`` (2) times each, and the best of each is compared;
3. counts the file's lines and reads its first 200,000 lines back through the FEC checker.

Results in var/bench/fec-results.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

RSS_BUDGET_MB = 300.0
RATIO_BUDGET = 2.0
ROUNDS = int(os.environ.get("BENCH_FEC_ROUNDS", "2"))
YEAR = 2025


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.fec", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--lines", type=int, default=int(os.environ.get("BENCH_FEC_LINES", "10000000"))
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> str:
    from bench.run import prepare_environment, reset_database

    url = url or "postgres://postgres@127.0.0.1:5432/compagnon_bench_fec"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench fec: PostgreSQL only (BENCH_DATABASE_URL=postgres://…bench…).")
    call_command("migrate", verbosity=0)
    return url


def seed(n_lines: int):
    from django.db import connection, transaction

    from compagnon.ledger import services as ledger
    from compagnon.ledger.models import Account, Journal
    from compagnon.organisation.models import Entity

    entity = Entity.objects.create(
        name="Bench FEC",
        legal_name="Bench FEC SCOP",
        jurisdiction="FR",
        company_number="732829320",
        city="Nantes",
        postcode="44000",
        country="FR",
    )
    ledger.ensure_chart(entity)
    acc = {
        a.role: a.pk
        for a in Account.objects.filter(entity=entity).exclude(role="")
        if a.vat_rate is None
    }
    journals = [j.pk for j in Journal.objects.filter(entity=entity).order_by("code")]
    pairs = [
        (acc["receivable"], acc["revenue_services"]),
        (acc["bank"], acc["receivable"]),
        (acc["supplies"], acc["supplier"]),
        (acc["bank_fees"], acc["bank"]),
    ]
    n_entries = max(n_lines // 2, 1)
    k = len(journals)
    journal = "CASE (g - 1) %% {k} {whens} END".format(
        k=k, whens=" ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(journals))
    )
    day = f"DATE '{YEAR}-01-01' + CAST(((g - 1) * 365) / %s AS integer)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE ledger_entryline DISABLE TRIGGER USER"
        )  # balanced by construction
        cursor.execute(
            f"INSERT INTO ledger_entry (entity_id, journal_id, year, number, date, label, source_type, kind, "  # noqa: S608
            f"posted_at) SELECT {entity.pk}, {journal}, {YEAR}, (g - 1) / {k} + 1, {day}, 'Bench entry ' || g, '', "
            f"'issue', ({day}) + interval '1 day' FROM generate_series(1, %s) AS s(g)",
            [n_entries, n_entries, n_entries],
        )
        for side, column in ((0, "debit"), (1, "credit")):
            account = "CASE e.id %% {n} {whens} END".format(
                n=len(pairs),
                whens=" ".join(f"WHEN {i} THEN {p[side]}" for i, p in enumerate(pairs)),
            )
            other = "credit" if column == "debit" else "debit"
            cursor.execute(
                f"INSERT INTO ledger_entryline (entry_id, account_id, {column}, {other}, label, date, journal_id) "  # noqa: S608
                f"SELECT e.id, {account}, CAST(((e.id * 7919) %% 400000) AS numeric) / 100 + 1, 0, '', e.date, "
                f"e.journal_id FROM ledger_entry e WHERE e.entity_id = %s",
                [entity.pk],
            )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_entryline ENABLE TRIGGER USER")
        for table in ("ledger_entry", "ledger_entryline"):
            cursor.execute(f"ANALYZE {table}")
    return entity


def export(entity, out: Path, url: str, year: int = YEAR) -> dict:
    """``manage.py export_fec`` in a child process: wall time and peak RSS."""
    env = dict(os.environ, DATABASE_URL=url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_fec",
            "--entity",
            str(entity.pk),
            "--year",
            str(year),
            "--out",
            str(out),
            "--no-check",
        ],
        env=env,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "rss_mb": max(peak_kb, before) / 1024}


def baseline(entity, path: Path) -> float:
    """PostgreSQL writes the same rows itself: COPY (the export's SELECT) TO a file."""
    from django.db import connection

    from compagnon.exports import fec

    statement = fec.copy_statement(entity, YEAR)
    server_side = statement.replace("TO STDOUT", f"TO '{path}'")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        try:
            cursor.execute(server_side)
        except Exception:  # noqa: BLE001 - not a superuser, or the server is elsewhere: COPY TO STDOUT into a file
            connection.rollback() if not connection.get_autocommit() else None
            with path.open("wb") as out, cursor.cursor.copy(statement) as copy:
                for block in copy:
                    out.write(block)
    return time.perf_counter() - started


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    from bench.run import OUT

    url = setup(args.database_url)
    started = time.perf_counter()
    entity = seed(args.lines)
    seed_s = time.perf_counter() - started
    print(f"seeded {args.lines:,} lines in {seed_s:.1f} s", flush=True)
    out = OUT / "fec"
    out.mkdir(parents=True, exist_ok=True)
    from compagnon.exports import fec, fec_check

    # PostgreSQL's file and the export alternate, ROUNDS times each (the first run reads a cold cache
    # whichever it is): the best time of each is compared, under the same conditions.
    copy_path = Path("/tmp") / f"bench-fec-copy-{os.getpid()}.txt"
    copies, exports = [], []
    result = {}
    for _round in range(ROUNDS):
        copies.append(baseline(entity, copy_path))
        result = export(entity, out, url)
        exports.append(result["seconds"])
        print(
            f"round {_round + 1}: COPY {copies[-1]:.1f} s, export {exports[-1]:.1f} s", flush=True
        )
    startup = export(entity, out / "empty", url, year=YEAR + 1)[
        "seconds"
    ]  # the command on an empty year
    copy_s, export_s = min(copies), min(exports)
    path = out / fec.filename(entity, YEAR)
    lines = 0
    head = []
    with path.open("rb") as f:
        for raw in f:
            lines += 1
            if lines <= 200_001:  # the header and 100,000 whole entries
                head.append(raw)
    problems = fec_check.check(b"".join(head), year=YEAR)
    copy_path.unlink(missing_ok=True)
    ratio = export_s / copy_s if copy_s else float("nan")
    streaming = max(export_s - startup, 0.0)
    report = {
        "lines": args.lines,
        "file_lines": lines - 1,
        "seed_seconds": round(seed_s, 1),
        "export_seconds": round(export_s, 2),
        "export_seconds_each_round": [round(x, 2) for x in exports],
        "copy_seconds_each_round": [round(x, 2) for x in copies],
        "export_rss_mb": round(result["rss_mb"], 1),
        "command_startup_seconds": round(startup, 2),
        "export_seconds_without_startup": round(streaming, 2),
        "ratio_without_startup": round(streaming / copy_s, 2) if copy_s else None,
        "copy_seconds": round(copy_s, 2),
        "ratio_to_copy": round(ratio, 2),
        "rss_within_budget": result["rss_mb"] < RSS_BUDGET_MB,
        "ratio_within_budget": ratio <= RATIO_BUDGET,
        "first_200000_lines_pass_the_checker": not problems,
        "file_bytes": path.stat().st_size,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    (OUT / "fec-results.json").write_text(json.dumps(report, indent=2))
    path.unlink(missing_ok=True)
    print(json.dumps(report, indent=2))
    ok = report["rss_within_budget"] and report["ratio_within_budget"] and lines - 1 == args.lines
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
