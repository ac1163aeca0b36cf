"""The member's home at scale: one member with 50 activities and 10,000 documents. Not a test.

    python -m bench home                       # through bench/run.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_home \\
        .venv/bin/python -m bench.home [--activities 50] [--documents 10000] [--requests 60]

Works in a scratch database (a PostgreSQL name must contain "bench": dropped and created again; a
file under var/bench/ otherwise). Writes with ``bulk_create`` what the services leave behind:
issued invoices (open, overdue, paid this month, never sent), drafts, quotes sent (some ending
within a week), accepted quotes, statements awaiting the client, one sales entry per invoice in
the books (and their month totals), payments received this month, formal notices waiting for the member's OK, client
commitments due. Then times ``/home/`` and ``/api/v1/home/`` (p50, p95) with their query counts,
first for a member with one activity and a few documents, then for the large one: the counts must
be equal. The baseline, measured in the same run, is the login page (a page that reads nothing)
and ``SELECT 1``. Budget: p95 < 100 ms for both at scale.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.home", description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=50)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", "60")))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench.run import OUT, prepare_environment, reset_database

    url = url or f"sqlite:///{OUT / 'home.sqlite3'}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- data ------------------------------------------------------------------------------------


def member_with(n_activities: int, n_documents: int, seed: int):
    """A member of a fresh entity holding ``n_activities`` activities, and ``n_documents`` documents
    spread over them (written in bulk)."""
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.banking.models import BankAccount, BankStatement, BankTransaction
    from compagnon.clients.models import Client, EntryKind, RelationshipEntry
    from compagnon.dunning.models import (
        ActionState,
        AutomatedAction,
        CollectionPlan,
        PlanStep,
        StepKind,
    )
    from compagnon.ledger import services as ledger
    from compagnon.ledger.models import Account, Entry, EntryLine
    from compagnon.members.models import Activity, ActivityMembership, ActivityRole, Member, Trade
    from compagnon.organisation.models import Entity, Office
    from compagnon.payments.models import Allocation, AllocationKind, Method
    from compagnon.sales.models import Document, Kind, PaymentState, State

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    entity = Entity.objects.create(name=f"Coopérative {seed}", legal_name=f"Coopérative {seed} SCOP",
                                   jurisdiction="FR", company_number=_siren(seed), city="Nantes")
    office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
    user = User.objects.create_user(email=f"member{seed}@bench.example", password="bench", first_name="Camille",
                                    last_name="Martin", phone="+33 6 12 34 56 78", language="fr")
    member = Member.objects.create(user=user, entity=entity, office=office, number=f"B{seed:05d}",
                                   status="contract", city="Nantes")
    trade, _ = Trade.objects.get_or_create(code="gardening", defaults={"name_fr": "Jardinage", "name_nl": "Tuinieren",
                                                                       "name_en": "Gardening"})
    member.trades.add(trade)
    activities = Activity.objects.bulk_create([
        Activity(entity=entity, name=f"Activité {i:02d}", logo="logos/leaf.png", letterhead="En-tête")
        for i in range(n_activities)])
    ActivityMembership.objects.bulk_create([
        ActivityMembership(activity=a, member=member, role=ActivityRole.HOLDER) for a in activities])
    clients = Client.objects.bulk_create([
        Client(activity=a, name=f"Client {a.pk}-{j}", street="1 rue de la Paix", postcode="44000", city="Nantes",
               country="FR", email=f"client{a.pk}-{j}@example.org") for a in activities for j in range(5)])
    by_activity = {}
    for c in clients:
        by_activity.setdefault(c.activity_id, []).append(c)

    # documents: what a year of work leaves behind
    docs, seq = [], 0
    for i in range(n_documents):
        a = activities[i % len(activities)]
        c = rng.choice(by_activity[a.pk])
        r = rng.random()
        amount = Decimal(rng.randint(5000, 300000)) / 100
        fields = {"entity": entity, "activity": a, "client": c, "tax_exclusive": amount,
                  "tax_inclusive": amount, "payable": amount, "created_by": user}
        if r < 0.55:  # issued invoices: paid, open, overdue, some never sent
            seq += 1
            state = rng.random()
            paid = amount if state < 0.6 else Decimal("0")
            fields.update(kind=Kind.INVOICE, state=State.ISSUED, number=f"F{today.year}-{seq:06d}", series="invoice",
                          year=today.year, sequence=seq, issue_date=today - datetime.timedelta(days=rng.randint(0, 300)),
                          due_date=today + datetime.timedelta(days=rng.randint(-60, 30)), paid_amount=paid,
                          payment_state=PaymentState.PAID if paid else PaymentState.AWAITING,
                          sent_at=None if rng.random() < 0.02 else now)
        elif r < 0.65:
            fields.update(kind=rng.choice([Kind.INVOICE, Kind.QUOTE]), state=State.DRAFT)
        elif r < 0.85:
            seq += 1
            fields.update(kind=Kind.QUOTE, state=State.SENT, number=f"D{today.year}-{seq:06d}", series="quote",
                          year=today.year, sequence=seq, sent_at=now,
                          valid_until=today + datetime.timedelta(days=rng.randint(-10, 60)))
        elif r < 0.93:
            seq += 1
            fields.update(kind=Kind.QUOTE, state=rng.choice([State.ACCEPTED, State.INVOICED, State.REFUSED]),
                          number=f"D{today.year}-{seq:06d}", series="quote", year=today.year, sequence=seq,
                          sent_at=now, decided_at=now)
        else:
            seq += 1
            fields.update(kind=Kind.STATEMENT, state=rng.choice([State.SENT, State.INVOICED]),
                          number=f"R{today.year}-{seq:06d}", series="statement", year=today.year, sequence=seq,
                          sent_at=now)
        docs.append(Document(**fields))
    docs = Document.objects.bulk_create(docs, batch_size=2000)
    invoices = [d for d in docs if d.kind == Kind.INVOICE and d.state == State.ISSUED]

    # the books: one sales entry per issued invoice (receivable / revenue), dated this year
    ledger.ensure_chart(entity)
    journal = ledger._resolve_journal(entity, "sales")
    accounts = {a.role: a for a in Account.objects.filter(entity=entity, role__in=["receivable", "revenue_services"])}
    entries = Entry.objects.bulk_create([
        Entry(entity=entity, journal=journal, year=today.year, number=n + 1,
              date=max(datetime.date(today.year, 1, 1), d.issue_date), label=f"Facture {d.number}",
              source_type="sales.document", source_id=d.pk, kind="issue")
        for n, d in enumerate(invoices)], batch_size=2000)
    EntryLine.objects.bulk_create([
        line for e, d in zip(entries, invoices, strict=True) for line in (
            EntryLine(entry=e, date=e.date, journal=journal, account=accounts["receivable"], debit=d.payable,
                      activity_id=d.activity_id, client_id=d.client_id, label=e.label),
            EntryLine(entry=e, date=e.date, journal=journal, account=accounts["revenue_services"], credit=d.payable,
                      activity_id=d.activity_id, label=e.label))], batch_size=4000)
    from compagnon.ledger.totals import rebuild

    rebuild([entity.pk])  # the month totals of these lines, as posting would have kept them (decision 0029)

    # payments received this month on the paid ones
    bank = BankAccount.objects.create(entity=entity, name="Compte courant", iban=_iban(seed))
    statement = BankStatement.objects.create(account=bank, format="camt053", file="statements/bench.xml",
                                             filename="bench.xml", sha256=f"{seed:064d}")
    paid = [d for d in invoices if d.payment_state == PaymentState.PAID][:2000]
    day = today.replace(day=1)
    transactions = BankTransaction.objects.bulk_create([
        BankTransaction(account=bank, statement=statement, fingerprint=f"bench-{seed}-{d.pk}", amount=d.payable,
                        allocated=d.payable, state="matched", booking_date=day, counterparty_name=d.client.name)
        for d in paid], batch_size=2000)
    Allocation.objects.bulk_create([
        Allocation(entity=entity, transaction=t, document=d, client_id=d.client_id, activity_id=d.activity_id,
                   kind=AllocationKind.INVOICE, method=Method.OGM, amount=d.payable, date=day,
                   explanation="Matched by structured communication %(reference)s")
        for t, d in zip(transactions, paid, strict=True)], batch_size=2000)

    # formal notices waiting for the member's OK, and client commitments
    plan = CollectionPlan.objects.create(entity=entity, name="Plan")
    step = PlanStep.objects.create(plan=plan, order=2, kind=StepKind.FORMAL_NOTICE, label="Mise en demeure",
                                   delay_days=30, requires_approval=True)
    overdue = [d for d in invoices if d.payment_state != PaymentState.PAID and d.due_date < today][:200]
    AutomatedAction.objects.bulk_create([
        AutomatedAction(document=d, step=step, entity=entity, activity_id=d.activity_id, client_id=d.client_id,
                        kind=step.kind, order=step.order, channel=step.channel,
                        due_on=today + datetime.timedelta(days=3), announce_on=today,
                        state=ActionState.SCHEDULED, needs_approval=True) for d in overdue])
    RelationshipEntry.objects.bulk_create([
        RelationshipEntry(client=c, kind=EntryKind.OUR_COMMITMENT, title="Envoyer le plan",
                          due_on=today + datetime.timedelta(days=rng.randint(-10, 30))) for c in clients])
    return user


def _siren(seed: int) -> str:
    from compagnon.core.demo import siren_from

    return siren_from(73000000 + seed)


def _iban(seed: int) -> str:
    import schwifty

    return str(schwifty.IBAN.generate("BE", bank_code="539", account_code=f"{seed:07d}"))


# --- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1] if ordered else float("nan")


def time_get(client, url: str, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"bench.home: GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx)  # now: the next request empties the connection's log
    samples, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)  # this process only: not PostgreSQL's
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(samples, 0.5), "p95_ms": percentile(samples, 0.95), "queries": queries,
            "cpu_ms": percentile(cpu, 0.5)}


def time_select_one(requests: int) -> dict:
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(requests + 5):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            samples.append((time.perf_counter() - started) * 1000)
    samples = samples[5:]
    return {"p50_ms": percentile(samples, 0.5), "p95_ms": percentile(samples, 0.95), "queries": 1, "cpu_ms": 0.0}


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection, transaction
    from django.test import Client

    started = time.perf_counter()
    with transaction.atomic():  # the books' balance is checked at commit (PostgreSQL trigger)
        small = member_with(1, 30, seed=1)
        large = member_with(args.activities, args.documents, seed=2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"bench.home: {connection.vendor}, data written in {time.perf_counter() - started:.1f} s "
          f"(1 activity / 30 documents, then {args.activities} activities / {args.documents:,} documents)")

    anonymous = Client()
    baseline = time_get(anonymous, "/accounts/login/", args.requests, args.warmup)
    select_one = time_select_one(args.requests)
    results, failures = {}, 0
    for label, user in (("small", small), ("large", large)):
        client = Client()
        client.force_login(user)
        for url in ("/home/", "/api/v1/home/"):
            results[(label, url)] = time_get(client, url, args.requests, args.warmup)

    # CPU ms: the median CPU time of this process per request (Python and the client side of the
    # driver), which a shared machine disturbs far less than the wall clock
    print(f"{'what':42} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8} {'p95 / login':>12}")
    print(f"{'login page (baseline)':42} {baseline['p50_ms']:8.1f} {baseline['p95_ms']:8.1f} "
          f"{baseline['cpu_ms']:8.1f} {baseline['queries']:8d} {1:12.2f}")
    print(f"{'SELECT 1 (baseline)':42} {select_one['p50_ms']:8.2f} {select_one['p95_ms']:8.2f} {'':8} {1:8d} "
          f"{select_one['p95_ms'] / baseline['p95_ms']:12.2f}")
    for (label, url), r in results.items():
        name = f"{url} ({'1 activity, 30 documents' if label == 'small' else f'{args.activities} activities, {args.documents:,} documents'})"
        print(f"{name:42} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['cpu_ms']:8.1f} {r['queries']:8d} "
              f"{r['p95_ms'] / baseline['p95_ms']:12.2f}")
    for url in ("/home/", "/api/v1/home/"):
        small_r, large_r = results[("small", url)], results[("large", url)]
        if small_r["queries"] != large_r["queries"]:
            failures += 1
            print(f"FAIL {url}: {small_r['queries']} queries with little data, {large_r['queries']} at scale")
        if large_r["p95_ms"] >= BUDGET_MS:
            failures += 1
            print(f"FAIL {url}: p95 {large_r['p95_ms']:.1f} ms at scale, budget {BUDGET_MS:.0f} ms")
    print("bench.home: " + ("within budget, queries constant" if not failures else f"{failures} failure(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
