"""Measure automatic matching at scale. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_payments \\
        .venv/bin/python -m compagnon.payments.bench [N_TRANSACTIONS] [--seconds S] [--invoices MAX]

Works in a scratch database (its name must contain "bench"; dropped and created again on
PostgreSQL; a temporary SQLite file otherwise): migrates, creates one Belgian entity with an
activity and 1,000 clients, then as many open invoices as ``bulk_create`` writes in ``--seconds``
(default 60, at most ``--invoices``, default 1,000,000). Then imports a camt.053 statement of
N entries (default 10,000) through the bank import, which books it and calls the matcher:
half pay one invoice by structured communication (some in part, some too much), a fifth name
one or two invoice numbers in the free text, a tenth say nothing useful, the rest go out (bank
charges, refunds-to-be, suppliers). Prints the time of each step, then the staff queue's
suggestions and an activity's money summary on that data.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import tempfile
import time
from decimal import Decimal


def _database(scratch: str) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        if "bench" not in name:
            raise SystemExit("BENCH_DATABASE_URL must name a scratch database containing 'bench'")
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def build(iban: str, invoices: list[tuple[int, str, str, Decimal]], n: int, seed: int = 11) -> bytes:
    """camt.053.001.08 of ``n`` entries about ``invoices`` ((sequence, number, reference, payable))."""
    rng = random.Random(seed)
    rows, total = [], Decimal("0")
    invoices = list(invoices)
    rng.shuffle(invoices)
    for i in range(n):
        kind = rng.random()
        seq, number, reference, payable = invoices.pop() if len(invoices) > 1 else invoices[0]
        code = ("PMNT", "RCDT", "ESCT")
        name, credit = f"Client {seq % 1000} SRL", True
        if kind < 0.5:
            amount = payable if rng.random() < 0.8 else (payable / 2).quantize(Decimal("0.01")) + rng.choice([0, 25])
            remittance = (f"<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
                          f"<Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>")
        elif kind < 0.7:
            other = rng.choice(invoices)
            if rng.random() < 0.5:
                amount, text = payable, f"Facture {number} merci"
            else:
                amount, text = payable + other[3], f"Factures {number} et {other[1]}"
            remittance = f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
        elif kind < 0.8:
            amount, remittance = Decimal(rng.randint(1000, 90000)) / 100, "<RmtInf><Ustrd>merci</Ustrd></RmtInf>"
        elif kind < 0.85:
            amount, credit, code = Decimal(rng.randint(100, 900)) / 100, False, ("ACMT", "MDOP", "CHRG")
            remittance, name = "<RmtInf><Ustrd>Frais</Ustrd></RmtInf>", "Banque"
        else:
            amount, credit = Decimal(rng.randint(1000, 200000)) / 100, False
            remittance, name = "<RmtInf><Ustrd>Fournisseur</Ustrd></RmtInf>", "Fournisseur SA"
        total += amount if credit else -amount
        ind = "CRDT" if credit else "DBIT"
        role, acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        day = f"2026-03-{1 + i * 28 // n:02d}"
        rows.append(
            f'<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>P{i:09d}</AcctSvcrRef><BkTxCd><Domn><Cd>{code[0]}</Cd><Fmly><Cd>{code[1]}</Cd>"
            f"<SubFmlyCd>{code[2]}</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>E2E-{i}</EndToEndId></Refs><Amt Ccy=\"EUR\">{amount:.2f}</Amt>"
            f"<CdtDbtInd>{ind}</CdtDbtInd><RltdPties><{role}><Pty><Nm>{name}</Nm></Pty></{role}>"
            f"<{acct}><Id><IBAN>BE71096123456769</IBAN></Id></{acct}></RltdPties>{remittance}</TxDtls></NtryDtls></Ntry>")
    closing = "CRDT" if total >= 0 else "DBIT"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>PAYBENCH</MsgId><CreDtTm>2026-03-31T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>PAYBENCH-2026-03</Id><CreDtTm>2026-03-31T06:00:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm><ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(total):.2f}</Amt>'
        f"<CdtDbtInd>{closing}</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>"
        + "\n".join(rows) + "</Stmt></BkToCstmrStmt></Document>\n").encode()


def main(argv: list[str]) -> int:
    n = int(next((a for a in argv if a.isdigit()), "10000"))
    seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 60.0
    most = int(argv[argv.index("--invoices") + 1]) if "--invoices" in argv else 1_000_000
    scratch = tempfile.mkdtemp(prefix="compagnon-paybench-")
    os.environ["DATABASE_URL"] = _database(scratch)
    os.environ["MEDIA_ROOT"] = os.path.join(scratch, "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.banking import services as banking
    from compagnon.banking.models import BankAccount, TransactionState
    from compagnon.clients.models import Client
    from compagnon.members.models import Activity
    from compagnon.organisation.models import Entity
    from compagnon.payments import matching, selectors
    from compagnon.payments.models import Allocation
    from compagnon.sales.models import Document, Kind, PaymentState, State
    from compagnon.sales.payment import structured_communication

    print(f"database: {connection.vendor}")
    entity = Entity.objects.create(name="Bench", legal_name="Bench CV", jurisdiction="BE", company_number="0403170701",
                                   country="BE", iban="BE68539007547034", bic="GKCCBEBB")
    user = User.objects.create_user("bench@example.org", "x")
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, entity=entity)
    account = BankAccount.objects.create(entity=entity, name="Bench", iban="BE68539007547034")
    activity = Activity.objects.create(entity=entity, name="Bench activity")
    clients = Client.objects.bulk_create([Client(activity=activity, name=f"Client {i} SRL", country="BE")
                                          for i in range(1000)])
    rng = random.Random(3)
    today = timezone.localdate()
    started, seq, sample = time.perf_counter(), 0, []
    while seq < most and time.perf_counter() - started < seconds:
        batch = []
        for _ in range(min(20_000, most - seq)):
            seq += 1
            payable = Decimal(rng.randint(5000, 500000)) / 100
            reference = structured_communication(2025, seq)
            number = f"F2025-{seq:07d}"
            batch.append(Document(
                entity=entity, activity=activity, client=clients[seq % 1000], kind=Kind.INVOICE, state=State.ISSUED,
                series="invoice", year=2025, sequence=seq, number=number, issue_date=today,
                due_date=today - datetime.timedelta(days=seq % 90), payment_reference=reference,
                tax_exclusive=payable, tax_inclusive=payable, payable=payable, payment_state=PaymentState.AWAITING))
            if seq % 5 == 0:
                sample.append((seq, number, reference, payable))
        Document.objects.bulk_create(batch, batch_size=5000)
    created = time.perf_counter() - started
    print(f"open invoices: {seq:,} written in {created:.1f} s ({seq / created:,.0f}/s)")

    # Two pending collection steps (a reminder, a formal notice) on every invoice the statement may
    # pay: matching cancels those of what it pays in full, in its own transaction.
    from django.db.models.functions import Mod

    from compagnon.dunning.models import (
        ActionState,
        AutomatedAction,
        CollectionPlan,
        PlanStep,
        StepKind,
    )

    plan = CollectionPlan.objects.create(entity=entity, name="Bench plan")
    steps = [PlanStep.objects.create(plan=plan, order=1, kind=StepKind.REMINDER, delay_days=3),
             PlanStep.objects.create(plan=plan, order=2, kind=StepKind.FORMAL_NOTICE, delay_days=30,
                                     requires_approval=True)]
    t0 = time.perf_counter()
    pending = [AutomatedAction(document_id=pk, step=step, entity=entity, activity=activity, client_id=client_id,
                               kind=step.kind, order=step.order, channel=step.channel, due_on=today,
                               announce_on=today, state=ActionState.SCHEDULED, blocked=step.order > 1)
               for pk, client_id in Document.objects.annotate(r=Mod("sequence", 5)).filter(r=0)  # the sample
               .values_list("pk", "client_id").iterator(chunk_size=20_000)
               for step in steps]
    AutomatedAction.objects.bulk_create(pending, batch_size=5000)
    print(f"pending collection actions: {len(pending):,} on {len(pending) // 2:,} invoices "
          f"({time.perf_counter() - t0:.1f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    content = build(account.iban, sample, n)
    timings = {}
    real = matching.match_transactions

    def timed(transactions, *, actor=None):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            if "--profile" in argv:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                result = profile.runcall(real, transactions, actor=actor)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            else:
                result = real(transactions, actor=actor)
        timings["matching"], timings["queries"] = time.perf_counter() - t0, len(ctx)
        return result

    matching.match_transactions = timed
    started = time.perf_counter()
    statement = banking.import_statement(actor=user, account=account, data=content, filename="paybench.xml")
    total = time.perf_counter() - started
    assert not statement.is_rejected, statement.error
    print(f"import of {n:,} entries with matching: {total:.2f} s — matching {timings['matching']:.2f} s in "
          f"{timings['queries']} queries; {statement.matched:,} matched automatically, {statement.to_match:,} left")
    print(f"collection actions cancelled with the payments: "
          f"{AutomatedAction.objects.filter(state=ActionState.CANCELLED, reason='paid').count():,}")
    print(f"allocations: {Allocation.objects.count():,}; invoices paid {Document.objects.filter(payment_state=PaymentState.PAID).count():,}, "
          f"partly paid {Document.objects.filter(payment_state=PaymentState.PARTIAL).count():,}")

    left = list(selectors.queue(entity)[:25])
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.suggestions(entity, left)
    print(f"queue suggestions for 25 transactions: {time.perf_counter() - t0:.2f} s, {len(ctx)} queries, "
          f"{sum(len(v) for v in found.values())} suggestions")
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        selectors.money_summary(user, activity)
    print(f"money summary of the activity ({seq:,} invoices): {time.perf_counter() - t0:.2f} s, {len(ctx)} queries")
    print(f"transactions left to match: {account.transactions.filter(state=TransactionState.UNMATCHED).count():,}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
