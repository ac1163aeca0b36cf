"""The accountant's reports at scale: a year's trial balance over N ledger lines (10 million by
default) and one activity's income statement. Not a test.

    python -m bench reports                      # through bench/run.py
    BENCH_REPORT_LINES=200000 python -m bench reports          # a quick run
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_reports \\
        .venv/bin/python -m bench.reports [--lines 10000000] [--requests 10]

Works in a scratch database (a PostgreSQL name must contain "bench": dropped and created again; a
file under var/bench/ otherwise). Writes the lines in SQL — ``INSERT … SELECT generate_series``
on PostgreSQL (a recursive CTE on SQLite): balanced two-line entries spread over two years (the
first gives the opening balances), 200 activities and the cooperative's own lines — then fills
the ledger's month totals the way the posting service keeps them (one GROUP BY). Measures, with
the raw ``GROUP BY`` over the lines in the same run as baseline:

* the trial balance of the year (reports.books.trial_balance): budget < 2 s;
* one activity's income statement of the year (reports.statements.income_statement): < 100 ms;
* a general-ledger page deep in the busiest account (keyset), for the record.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time

from bench.home import percentile

TRIAL_BALANCE_BUDGET_MS = 2000.0
STATEMENT_BUDGET_MS = 100.0
ACTIVITIES = 200
YEAR = 2025
# (journal role, debit role, credit role, on an activity?) — one pair per entry, chosen by id
PAIRS = [
    ("sales", "receivable", "revenue_services", True),
    ("bank", "bank", "receivable", True),
    ("purchases", "supplies", "supplier", True),
    ("misc", "contribution_charge", "member_current", True),
    ("misc", "salaries", "salaries_payable", True),
    ("bank", "bank", "contribution_income", False),
    ("purchases", "purchases_services", "supplier", False),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.reports", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--lines", type=int, default=int(os.environ.get("BENCH_REPORT_LINES", "10000000"))
    )
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_REPORT_REQUESTS", "7"))
    )
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench.run import OUT, prepare_environment, reset_database

    url = url or f"sqlite:///{OUT / 'reports.sqlite3'}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _case(expr: str, values: list[int]) -> str:
    whens = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values))
    return f"CASE ({expr}) %% {len(values)} {whens} END"


def write_books(n_lines: int):
    """An entity, ``ACTIVITIES`` activities, ``n_lines`` lines in two-line entries. Returns
    (entity, one activity)."""
    from decimal import Decimal

    from django.db import connection, transaction

    from compagnon.ledger import services as ledger
    from compagnon.ledger.models import Account, Journal
    from compagnon.members.models import Activity
    from compagnon.organisation.models import Entity

    entity = Entity.objects.create(
        name="Bench reports",
        legal_name="Bench reports SCOP",
        jurisdiction="FR",
        company_number="732829320",
        city="Nantes",
        postcode="44000",
        country="FR",
        contribution_rate=Decimal("10"),
    )
    activities = Activity.objects.bulk_create(
        [Activity(entity=entity, name=f"Activity {i}") for i in range(ACTIVITIES)]
    )
    ledger.ensure_chart(entity)
    acc = {
        a.role: a.pk
        for a in Account.objects.filter(entity=entity).exclude(role="")
        if a.vat_rate is None
    }
    jr = {j.role: j.pk for j in Journal.objects.filter(entity=entity)}
    n_entries = max(n_lines // 2, 1)
    first_activity = min(a.pk for a in activities)
    pg = connection.vendor == "postgresql"
    series = "generate_series(1, %s) AS s(g)" if pg else "s"
    recursive = (
        ""
        if pg
        else "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
    )
    start = datetime.date(YEAR - 1, 1, 1)
    day = f"DATE '{start}' + (g %% 731)" if pg else f"date('{start}', '+' || (g %% 731) || ' days')"
    year = (
        "CAST(EXTRACT(YEAR FROM {d}) AS integer)" if pg else "CAST(strftime('%%Y', {d}) AS integer)"
    )
    journal = _case("g", [jr[p[0]] for p in PAIRS])
    with transaction.atomic(), connection.cursor() as cursor:
        if (
            pg
        ):  # the balance trigger checks each entry at commit: these are balanced by construction
            cursor.execute("ALTER TABLE ledger_entryline DISABLE TRIGGER USER")
        cursor.execute(
            f"{recursive}INSERT INTO ledger_entry (entity_id, journal_id, year, number, date, label, source_type, "  # noqa: S608
            f"kind, posted_at) SELECT {entity.pk}, {journal}, {year.format(d=day)}, g, {day}, 'bench', '', "
            f"'issue', CURRENT_TIMESTAMP FROM {series}",
            [n_entries],
        )
        entry_ids = "SELECT id, date, journal_id FROM ledger_entry WHERE entity_id = %s"
        amount = "CAST(((e.id * 7919) %% 400000) AS numeric) / 100 + 1"
        activity = (
            f"CASE WHEN {_case('e.id', [1 if p[3] else 0 for p in PAIRS])} = 1 "
            f"THEN {first_activity} + (e.id / {len(PAIRS)}) %% {ACTIVITIES} END"
        )
        debit_account = _case("e.id", [acc[p[1]] for p in PAIRS])
        credit_account = _case("e.id", [acc[p[2]] for p in PAIRS])
        for account, debit, credit in ((debit_account, amount, "0"), (credit_account, "0", amount)):
            cursor.execute(
                f"INSERT INTO ledger_entryline (entry_id, account_id, debit, credit, activity_id, label, date, "  # noqa: S608
                f"journal_id) SELECT e.id, {account}, {debit}, {credit}, {activity}, '', e.date, e.journal_id "
                f"FROM ({entry_ids}) e",
                [entity.pk],
            )
        cursor.execute("DELETE FROM ledger_monthtotal WHERE entity_id = %s", [entity.pk])
        parts = (
            (
                "CAST(EXTRACT(YEAR FROM l.date) AS integer)",
                "CAST(EXTRACT(MONTH FROM l.date) AS integer)",
            )
            if pg
            else (
                "CAST(strftime('%%Y', l.date) AS integer)",
                "CAST(strftime('%%m', l.date) AS integer)",
            )
        )
        cursor.execute(
            "INSERT INTO ledger_monthtotal (entity_id, account_id, activity_id, year, month, debit, credit) "  # noqa: S608
            f"SELECT %s, l.account_id, l.activity_id, {parts[0]}, {parts[1]}, SUM(l.debit), SUM(l.credit) "
            "FROM ledger_entryline l JOIN ledger_account a ON a.id = l.account_id WHERE a.entity_id = %s "
            f"GROUP BY l.account_id, l.activity_id, {parts[0]}, {parts[1]}",
            [entity.pk, entity.pk],
        )
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE ledger_entryline ENABLE TRIGGER USER")
    return entity, activities[0]


def time_fn(fn, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": percentile(samples, 0.5), "max_ms": samples[-1], "queries": len(ctx)}


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection

    from compagnon.ledger.models import Account, EntryLine
    from compagnon.reports import books
    from compagnon.reports.periods import Period, year_period
    from compagnon.reports.statements import income_statement

    started = time.perf_counter()
    entity, activity = write_books(args.lines)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = EntryLine.objects.count()
    print(
        f"bench.reports: {connection.vendor}, {total:,} lines ({ACTIVITIES} activities, 2 years), written with "
        f"their month totals in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    period = year_period(YEAR)

    def raw_trial_balance():  # what a trial balance costs when it reads the lines: GROUP BY
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT l.account_id, SUM(CASE WHEN l.date < %s THEN l.debit - l.credit ELSE 0 END), "
                "SUM(CASE WHEN l.date >= %s THEN l.debit ELSE 0 END), "
                "SUM(CASE WHEN l.date >= %s THEN l.credit ELSE 0 END) "
                "FROM ledger_entryline l JOIN ledger_account a ON a.id = l.account_id "
                "WHERE a.entity_id = %s AND l.date <= %s GROUP BY l.account_id",
                [period.date_from, period.date_from, period.date_from, entity.pk, period.date_to],
            )
            return cursor.fetchall()

    def raw_statement():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_entryline WHERE activity_id = %s "
                "AND date >= %s AND date <= %s GROUP BY account_id",
                [activity.pk, period.date_from, period.date_to],
            )
            return cursor.fetchall()

    busiest = Account.objects.get(entity=entity, role="bank")
    middle = books.general_ledger(entity, busiest, period, limit=1)  # opening only
    mid_cursor = ""
    deep = (
        EntryLine.objects.filter(account=busiest, date=datetime.date(YEAR, 7, 1))
        .order_by("entry_id", "id")
        .first()
    )
    if deep:
        mid_cursor = f"{deep.date.isoformat()}.{deep.entry_id}.{deep.pk}"
    partial = Period("custom", datetime.date(YEAR, 1, 15), datetime.date(YEAR, 11, 14), YEAR)
    results = {
        "raw GROUP BY over the lines (trial balance)": time_fn(
            raw_trial_balance, args.requests, args.warmup
        ),
        "trial balance of the year (month totals)": time_fn(
            lambda: books.trial_balance(entity, period), args.requests, args.warmup
        ),
        "trial balance 15 Jan – 14 Nov (edges from lines)": time_fn(
            lambda: books.trial_balance(entity, partial), args.requests, args.warmup
        ),
        "raw GROUP BY over one activity's lines": time_fn(
            raw_statement, args.requests, args.warmup
        ),
        "income statement of one activity (year)": time_fn(
            lambda: income_statement(entity, period, activity=activity.pk),
            args.requests,
            args.warmup,
        ),
        "general ledger page of 100 at 1 July (bank)": time_fn(
            lambda: books.general_ledger(entity, busiest, period, after=mid_cursor, limit=100),
            args.requests,
            args.warmup,
        ),
    }
    tb = books.trial_balance(entity, period)
    raw_rows = {r[0]: r for r in raw_trial_balance()}
    same = (
        all(
            raw_rows[row.account.pk][2] == row.debit and raw_rows[row.account.pk][3] == row.credit
            for row in tb.rows
        )
        and tb.balanced
    )
    print(
        f"trial balance: {len(tb.rows)} accounts, debit {tb.debit} = credit {tb.credit}: "
        f"{'balanced, equal to the raw GROUP BY' if same else 'MISMATCH'}; opening {middle.opening} on the bank"
    )
    base = {
        "trial": results["raw GROUP BY over the lines (trial balance)"]["p50_ms"],
        "statement": results["raw GROUP BY over one activity's lines"]["p50_ms"],
    }
    print(f"{'what':52} {'p50 ms':>9} {'max ms':>9} {'queries':>8} {'p50 / raw':>10}")
    for name, r in results.items():
        raw = base["statement"] if "activity" in name or "ledger page" in name else base["trial"]
        print(
            f"{name:52} {r['p50_ms']:9.1f} {r['max_ms']:9.1f} {r['queries']:8d} {r['p50_ms'] / raw:10.3f}"
        )
    tb_ms = results["trial balance of the year (month totals)"]["p50_ms"]
    st_ms = results["income statement of one activity (year)"]["p50_ms"]
    ok = same and tb_ms < TRIAL_BALANCE_BUDGET_MS and st_ms < STATEMENT_BUDGET_MS
    print(
        f"bench.reports: {'within budget' if ok else 'FAIL'}: trial balance p50 {tb_ms:.1f} ms "
        f"(budget {TRIAL_BALANCE_BUDGET_MS:.0f}), income statement p50 {st_ms:.1f} ms "
        f"(budget {STATEMENT_BUDGET_MS:.0f}), raw GROUP BY {base['trial']:.0f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
