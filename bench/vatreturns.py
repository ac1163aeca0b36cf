"""VAT returns at scale: a quarter of one million invoices per entity, the CA3 of a French entity
and the periodic return of a Belgian one computed from the ledger. Not a test.

    python -m bench vatreturns                               # through bench/run.py
    BENCH_VAT_INVOICES=50000 python -m bench vatreturns      # a quick run
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_vat \\
        .venv/bin/python -m bench.vatreturns [--invoices 1000000] [--requests 5]

Works in a scratch database (a PostgreSQL name must contain "bench": dropped and created again; a
file under var/bench/ otherwise). Writes, per entity, in SQL (``INSERT … SELECT generate_series``
on PostgreSQL, a recursive CTE on SQLite): N sales entries of three lines (receivable / revenue /
VAT collected at one of the country's rates) and N/5 purchase entries (expense / deductible VAT /
supplier), over one quarter. Then times ``vatreturns.fr.ca3`` and ``vatreturns.be.periodic`` with,
as the baseline in the same run, the raw ``GROUP BY account`` over the same lines. Budget: < 5 s
each. The documents' VAT breakdown (the sales bases) is not generated: its query runs on an empty
table here; the ledger side is what grows with the invoices.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time

from bench.home import percentile

BUDGET_MS = 5000.0
START = datetime.date(2025, 1, 1)
DAYS = 90  # 2025-Q1


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.vatreturns", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--invoices", type=int, default=int(os.environ.get("BENCH_VAT_INVOICES", "1000000"))
    )
    parser.add_argument(
        "--requests", type=int, default=int(os.environ.get("BENCH_VAT_REQUESTS", "5"))
    )
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench.run import OUT, prepare_environment, reset_database

    url = url or f"sqlite:///{OUT / 'vatreturns.sqlite3'}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _case(expr: str, values: list) -> str:
    whens = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values))
    return f"CASE ({expr}) %% {len(values)} {whens} END"


def write_books(jurisdiction: str, n_invoices: int):
    """One entity of ``jurisdiction`` with its quarter of invoices and purchases."""
    from decimal import Decimal

    from django.db import connection, transaction

    from compagnon.core.demo import kbo_from
    from compagnon.ledger import services as ledger
    from compagnon.ledger.models import Account, Journal
    from compagnon.organisation.models import Entity

    be = jurisdiction == "BE"
    entity = Entity.objects.create(
        name=f"Bench VAT {jurisdiction}",
        legal_name=f"Bench VAT {jurisdiction}",
        jurisdiction=jurisdiction,
        company_number=kbo_from(4711) if be else "732829320",
        city="Liège" if be else "Nantes",
        postcode="4000" if be else "44000",
        country=jurisdiction,
        contribution_rate=Decimal("10"),
    )
    ledger.ensure_chart(entity)
    accounts = list(Account.objects.filter(entity=entity))
    by_role = {a.role: a.pk for a in accounts if a.role and a.vat_rate is None}
    vat = [(a.pk, a.vat_rate) for a in accounts if a.role == "vat_collected"]
    journals = {j.role: j.pk for j in Journal.objects.filter(entity=entity)}
    pg = connection.vendor == "postgresql"
    series = "generate_series(1, %s) AS s(g)" if pg else "s"
    recursive = (
        ""
        if pg
        else "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
    )
    day = (
        f"DATE '{START}' + (g %% {DAYS})"
        if pg
        else f"date('{START}', '+' || (g %% {DAYS}) || ' days')"
    )
    net = "(CAST(((e.id * 7919) %% 200000) AS numeric) / 100 + 10)"
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:  # balanced by construction; the trigger would check each entry at commit
            cursor.execute("ALTER TABLE ledger_entryline DISABLE TRIGGER USER")
        for journal, count in (("sales", n_invoices), ("purchases", max(n_invoices // 5, 1))):
            cursor.execute(
                f"{recursive}INSERT INTO ledger_entry (entity_id, journal_id, year, number, date, label, "  # noqa: S608
                f"source_type, kind, posted_at) SELECT {entity.pk}, {journals[journal]}, {START.year}, g, {day}, "
                f"'bench', '', 'issue', CURRENT_TIMESTAMP FROM {series}",
                [count],
            )
        entries = (
            "SELECT id, date, journal_id FROM ledger_entry WHERE entity_id = %s AND journal_id = %s"
        )
        vat_account = _case("e.id", [pk for pk, _rate in vat])
        vat_amount = f"ROUND({net} * {_case('e.id', [rate for _pk, rate in vat])} / 100, 2)"
        sales = [
            (str(by_role["receivable"]), f"{net} + {vat_amount}", "0"),
            (str(by_role["revenue_services"]), "0", net),
            (vat_account, "0", vat_amount),
        ]
        deductible = f"ROUND({net} * {max(r for _p, r in vat)} / 100, 2)"
        purchases = [
            (str(by_role["purchases_services"]), net, "0"),
            (str(by_role["vat_deductible"]), deductible, "0"),
            (str(by_role["supplier"]), "0", f"{net} + {deductible}"),
        ]
        for journal, lines in (("sales", sales), ("purchases", purchases)):
            for account, debit, credit in lines:
                cursor.execute(
                    "INSERT INTO ledger_entryline (entry_id, account_id, debit, credit, label, date, journal_id) "  # noqa: S608
                    f"SELECT e.id, {account}, {debit}, {credit}, '', e.date, e.journal_id FROM ({entries}) e",
                    [entity.pk, journals[journal]],
                )
        if pg:  # the deferred foreign-key checks run now, or the table cannot be altered
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_entryline ENABLE TRIGGER USER")
    return entity


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

    from compagnon.ledger.models import EntryLine
    from compagnon.vatreturns import be, fr, periods

    started = time.perf_counter()
    french = write_books("FR", args.invoices)
    belgian = write_books("BE", args.invoices)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = EntryLine.objects.count()
    print(
        f"bench.vatreturns: {connection.vendor}, {args.invoices:,} invoices per entity, {total:,} lines, "
        f"written in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    quarter = periods.parse(f"{START.year}-Q1")

    def raw(entity):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT l.account_id, SUM(l.debit), SUM(l.credit) FROM ledger_entryline l "
                    "JOIN ledger_account a ON a.id = l.account_id WHERE a.entity_id = %s "
                    "AND l.date >= %s AND l.date <= %s GROUP BY l.account_id",
                    [entity.pk, quarter.start, quarter.end],
                )
                return cursor.fetchall()

        return run

    results = {
        "raw GROUP BY, French entity": time_fn(raw(french), args.requests, args.warmup),
        "CA3 (vatreturns.fr.ca3)": time_fn(
            lambda: fr.ca3(french, quarter), args.requests, args.warmup
        ),
        "raw GROUP BY, Belgian entity": time_fn(raw(belgian), args.requests, args.warmup),
        "periodic return (vatreturns.be.periodic)": time_fn(
            lambda: be.periodic(belgian, quarter), args.requests, args.warmup
        ),
    }
    ca3, periodic = fr.ca3(french, quarter), be.periodic(belgian, quarter)
    print(
        f"CA3: 16 = {ca3.amount('16')}, 20 = {ca3.amount('20')}, 28 = {ca3.amount('28')}; "
        f"BE: 54 = {periodic.amount('54')}, 59 = {periodic.amount('59')}, 71 = {periodic.amount('71')}, "
        f"grid rules broken: {be.grid_rules(periodic) or 'none'}"
    )
    print(f"{'what':44} {'p50 ms':>9} {'max ms':>9} {'queries':>8} {'p50 / raw':>10}")
    for name, r in results.items():
        base = results[
            "raw GROUP BY, French entity"
            if "CA3" in name or "French" in name
            else "raw GROUP BY, Belgian entity"
        ]["p50_ms"]
        print(
            f"{name:44} {r['p50_ms']:9.1f} {r['max_ms']:9.1f} {r['queries']:8d} {r['p50_ms'] / base:10.3f}"
        )
    ca3_ms = results["CA3 (vatreturns.fr.ca3)"]["p50_ms"]
    be_ms = results["periodic return (vatreturns.be.periodic)"]["p50_ms"]
    ok = ca3_ms < BUDGET_MS and be_ms < BUDGET_MS
    print(
        f"bench.vatreturns: {'within budget' if ok else 'FAIL'}: CA3 p50 {ca3_ms:.0f} ms, Belgian return "
        f"p50 {be_ms:.0f} ms (budget {BUDGET_MS:.0f} each)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
