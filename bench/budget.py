"""The activity budget at scale: one activity with 100,000 ledger lines. Not a test.

    python -m bench budget                      # through bench/run.py (part of `make bench`)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_budget \\
        .venv/bin/python -m bench.budget [--lines 100000] [--requests 60]

Works in a scratch database (a PostgreSQL name must contain "bench": dropped and created again; a
file under var/bench/ otherwise). Writes with ``bulk_create`` balanced entries spread over the
year on one activity — invoices (receivable / revenue / VAT), payments (suspense / receivable),
expenses, salaries, internal transfers — plus as many lines on 20 other activities. Then times
``budget.selectors.compute`` (p50, p95, queries), ``GET /api/v1/activities/{id}/budget/``, and, as
the baseline in the same run, the raw SQL ``SELECT SUM(debit), SUM(credit)`` over the activity's
lines. Budget: compute p95 < 50 ms. The lines are written around the posting service, so their month
totals (``ledger.MonthTotal``, decision 0029) are rebuilt once after; the run also times the budget
read from every line (as before 0029) and fails if the two budgets differ.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal

from bench.home import percentile

BUDGET_MS = 50.0
CHUNK = 250  # entries per transaction (the balance trigger costs more per entry in big ones)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.budget", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", "60")))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench.run import OUT, prepare_environment, reset_database

    url = url or f"sqlite:///{OUT / 'budget.sqlite3'}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write_books(n_lines: int, seed: int = 7):
    """An entity, a member holding the measured activity, 20 other activities; ``n_lines`` lines on
    the measured one and as many on the others. Returns (member's user, measured activity)."""
    from django.db import connection, transaction

    from compagnon.accounts.models import User
    from compagnon.budget.models import (
        BudgetPolicy,
        ContributionCharge,
        ContributionRate,
        ReserveRule,
        RevenueKind,
    )
    from compagnon.ledger import services as ledger
    from compagnon.ledger.models import Account, Entry, EntryLine, Journal
    from compagnon.members.models import Activity, ActivityMembership, ActivityRole, Member
    from compagnon.organisation.models import Entity, Office

    rnd = random.Random(seed)
    today = datetime.date.today()
    entity = Entity.objects.create(name="Bench budget", legal_name="Bench budget SCOP", jurisdiction="FR",
                                   company_number="732829320", city="Nantes", postcode="44000", country="FR",
                                   contribution_rate=Decimal("10"))
    office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
    user = User.objects.create_user(email="budget@bench.example", password="bench", language="fr")
    member = Member.objects.create(user=user, entity=entity, office=office, number="B00001")
    activity = Activity.objects.create(entity=entity, name="Measured")
    ActivityMembership.objects.create(activity=activity, member=member, role=ActivityRole.HOLDER)
    others = Activity.objects.bulk_create([Activity(entity=entity, name=f"Other {i}") for i in range(20)])
    ledger.ensure_chart(entity)
    ContributionRate.objects.create(entity=entity, revenue_kind=RevenueKind.SERVICES, rate=Decimal("11"),
                                    valid_from=today.replace(month=1, day=1))
    ContributionRate.objects.create(entity=entity, rate=Decimal("8"), valid_from=today.replace(month=7, day=1)
                                    if today.month > 7 else today.replace(month=1, day=1))
    BudgetPolicy.objects.create(entity=entity, reserve_rule=ReserveRule.SALARY_MONTHS)
    acc = {a.role: a for a in Account.objects.filter(entity=entity).exclude(role="") if a.vat_rate in (None, Decimal("20.00"))}
    jr = {j.role: j for j in Journal.objects.filter(entity=entity)}
    start = today.replace(month=1, day=1)
    span = max((today - start).days, 1)
    kinds = [  # (journal role, [(account role, side)]) — balanced with amounts a, a*0.2
        ("sales", [("receivable", "d", 1.2), ("revenue_services", "c", 1), ("vat_collected", "c", 0.2)]),
        # a payment, and the contribution charged on it (budget/contribution.py posts it as an entry of
        # its own beside a ContributionCharge row; here in the same entry: the same lines to read)
        ("misc", [("suspense", "d", 1.2), ("receivable", "c", 1.2), ("contribution_charge", "d", 0.1)]),
        ("purchases", [("supplies", "d", 1), ("supplier", "c", 1)]),
        ("misc", [("salaries", "d", 1), ("social_charges", "d", 0.4), ("salaries_payable", "c", 1.4)]),
    ]
    counters: dict[int, int] = {}
    entries, specs, charges = [], [], []
    for target, count in [(activity, n_lines)] + [(o, n_lines // 20) for o in others]:
        written = 0
        while written < count:
            journal_role, lines = rnd.choice(kinds)
            journal = jr[journal_role]
            counters[journal.pk] = counters.get(journal.pk, 0) + 1
            base = Decimal(rnd.randint(50, 5000))
            day = start + datetime.timedelta(days=rnd.randrange(span))
            entries.append(Entry(entity=entity, journal=journal, year=today.year, number=counters[journal.pk],
                                 date=day, label="bench"))
            rows = [(role, side, (base * Decimal(str(k))).quantize(Decimal("0.01"))) for role, side, k in lines]
            charge = None
            if any(role == "contribution_charge" for role, _s, _k in lines):  # the cooperative's side
                rows.append(("contribution_income", "c", (base * Decimal("0.1")).quantize(Decimal("0.01"))))
                charge = (target.pk, day, base)
            specs.append([(role, side, amount, None if role == "contribution_income" else target.pk)
                          for role, side, amount in rows])
            charges.append(charge)
            written += sum(1 for role, _s, _a in rows if role != "contribution_income")
    # one transaction per chunk: the books' balance is checked at each commit (PostgreSQL trigger);
    # a new session per chunk: the trigger's per-entry flags are session settings, and PostgreSQL
    # looks them up in a list that grows with every entry the session ever checked
    for i in range(0, len(entries), CHUNK):
        with transaction.atomic():
            chunk = Entry.objects.bulk_create(entries[i:i + CHUNK])
            EntryLine.objects.bulk_create([
                EntryLine(entry=e, date=e.date, journal_id=e.journal_id, account=acc[role], debit=amount if side == "d" else 0,
                          credit=amount if side == "c" else 0, activity_id=activity_id)
                for e, rows in zip(chunk, specs[i:i + CHUNK], strict=True)
                for role, side, amount, activity_id in rows
            ], batch_size=5000)
            ContributionCharge.objects.bulk_create([
                ContributionCharge(cash_entry=e, activity_id=c[0], date=c[1], cash=c[2] * Decimal("1.2"),
                                   goods_base=0, goods_rate=Decimal("10"), services_base=c[2],
                                   services_rate=Decimal("10"), amount=c[2] * Decimal("0.1"), entry=e)
                for e, c in zip(chunk, charges[i:i + CHUNK], strict=True) if c is not None
            ])
        connection.close()
    # the lines went around the posting service: build their month totals once (decision 0029)
    from compagnon.ledger.totals import rebuild

    with transaction.atomic():
        rebuild([entity.pk])
    return user, Activity.objects.select_related("entity").get(pk=activity.pk)


def time_fn(fn, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    samples, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"p50_ms": percentile(samples, 0.5), "p95_ms": percentile(samples, 0.95),
            "cpu_p50_ms": percentile(cpu, 0.5), "queries": len(ctx)}


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection
    from django.test import Client

    from compagnon.budget import selectors, sums
    from compagnon.ledger.models import EntryLine

    started = time.perf_counter()
    user, activity = write_books(args.lines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    n = EntryLine.objects.filter(activity=activity).count()
    total = EntryLine.objects.count()
    print(f"bench.budget: {connection.vendor}, {n:,} lines on the activity ({total:,} in all), "
          f"written in {time.perf_counter() - started:.1f} s")

    table = EntryLine._meta.db_table

    def raw_sum():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT SUM(debit), SUM(credit) FROM {table} WHERE activity_id = %s", [activity.pk])  # noqa: S608
            cursor.fetchone()

    client = Client()
    client.force_login(user)
    url = f"/api/v1/activities/{activity.pk}/budget/"
    results = {
        "raw SQL SUM over the activity's lines": time_fn(raw_sum, args.requests, args.warmup),
        "budget (selectors.compute, year to date)": time_fn(lambda: selectors.compute(activity), args.requests, args.warmup),
        "budget since the start": time_fn(lambda: selectors.compute(activity, None, datetime.date.today()),
                                          args.requests, args.warmup),
        f"GET {url}": time_fn(lambda: client.get(url), args.requests, args.warmup),
    }
    from_totals = selectors.compute(activity).as_dict()
    month_totals_rows = sums.rows
    sums.rows = sums.rows_from_lines  # the budget as it was before decision 0029, for comparison
    try:
        results["budget from every line (before 0029)"] = time_fn(lambda: selectors.compute(activity),
                                                                  args.requests, args.warmup)
        from_lines = selectors.compute(activity).as_dict()
    finally:
        sums.rows = month_totals_rows
    if from_totals != from_lines:
        print(f"bench.budget: FAIL: month totals give {from_totals}, the lines {from_lines}")
        return 1
    b = selectors.compute(activity)
    print(f"available {b.available} (cashed {b.cashed}, contribution {b.contribution}, costs {b.costs}, "
          f"salaries {b.salaries}, reserve {b.reserve})")
    raw = results["raw SQL SUM over the activity's lines"]["p95_ms"]
    print(f"{'what':48} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'queries':>8} {'p95 / raw':>10}")
    for name, r in results.items():
        print(f"{name:48} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['cpu_p50_ms']:8.1f} {r['queries']:8d} "
              f"{r['p95_ms'] / raw:10.2f}")
    p95 = results["budget (selectors.compute, year to date)"]["p95_ms"]
    ok = p95 < BUDGET_MS
    print(f"bench.budget: {'within budget' if ok else 'FAIL'}: p95 {p95:.1f} ms (budget {BUDGET_MS:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
