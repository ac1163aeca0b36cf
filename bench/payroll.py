"""Month-end payroll for 10,000 members. Not a test.

    python -m bench payroll                       # through bench/run.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_payroll \\
        .venv/bin/python -m bench.payroll [--members 10000]

In a scratch database (a PostgreSQL name must contain "bench"; a file under var/bench/ otherwise),
writes with ``bulk_create`` one French entity, its accountant and ``--members`` members, each with
an activity, a CESA, a validated bank account and an approved salary request for the month. Then
times, through the real services, what the accountant does at month-end:

1. the cut-off (``services.freeze_month``),
2. the variables file (``services.export_variables``),
3. the provider's journal imported, checked and posted (``journal.import_journal``: one entry of
   ~6 lines per member, the pay lines, the requests marked posted),
4. the net transfers: a batch, one transfer per member (``transfers.add_net_pay`` through
   ``payouts.services.add_line``, or ``add_lines`` when payouts has it), then its pain.001 file
   (``payouts.services.generate``).

Baseline in the same run: the same writes as plain SQL (one UPDATE, one SELECT written as CSV,
INSERTs of the entry lines, pay lines and transfers), rolled back. Budget: < 60 s on PostgreSQL.
Results in var/bench/payroll-results.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import sys
import time
from decimal import Decimal

BUDGET_S = 60.0
IBAN, BIC = "FR7630006000011234567890189", "AGRIFRPP"
DEBTOR_IBAN, DEBTOR_BIC = "FR7630004000031234567890143", "BNPAFRPP"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.payroll", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_PAYROLL_MEMBERS", "10000")))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> str:
    from bench.run import OUT, prepare_environment, reset_database

    url = url or f"sqlite:///{OUT / 'payroll.sqlite3'}"
    reset_database(url)
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def seed(n: int, month: datetime.date):
    """Returns (entity, accountant, {request id: simulation row})."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.banking.models import BankAccount
    from compagnon.expenses.models import MemberBankAccount
    from compagnon.ledger import services as ledger
    from compagnon.members.models import Activity, ActivityMembership, ActivityRole, Member
    from compagnon.organisation.models import Entity, Office
    from compagnon.payroll import simulation
    from compagnon.payroll.models import (
        Contract,
        ContractKind,
        Employee,
        RequestState,
        SalaryRequest,
    )

    entity = Entity.objects.create(name="Bench payroll", legal_name="Bench payroll SCOP", jurisdiction="FR",
                                   company_number="732829320", city="Nantes", postcode="44000", country="FR")
    office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
    ledger.ensure_chart(entity)
    accountant = User.objects.create_user(email="accountant@payroll.bench", password="bench", language="fr")
    RoleAssignment.objects.create(user=accountant, role=Role.ACCOUNTANT, entity=entity)
    BankAccount.objects.create(entity=entity, name="Current", iban=DEBTOR_IBAN, bic=DEBTOR_BIC)
    password = make_password(None)
    amounts = [Decimal(1500 + 250 * (i % 12)) for i in range(12)]
    sims = {a: simulation.simulate("FR", month.year, employer_cost=a, withholding_rate="4.5") for a in amounts}
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(email=f"m{i:05d}@payroll.bench", first_name=f"First{i:05d}", last_name=f"Last{i:05d}",
                 password=password, language="fr") for i in range(n)], batch_size=2000)
        members = Member.objects.bulk_create([
            Member(user=u, entity=entity, office=office, number=f"P{i:05d}", status="active")
            for i, u in enumerate(users)], batch_size=2000)
        activities = Activity.objects.bulk_create([Activity(entity=entity, name=f"Activity {i:05d}")
                                                   for i in range(n)], batch_size=2000)
        ActivityMembership.objects.bulk_create([
            ActivityMembership(activity=a, member=m, role=ActivityRole.HOLDER)
            for a, m in zip(activities, members, strict=True)], batch_size=2000)
        Contract.objects.bulk_create([
            Contract(entity=entity, member=m, activity=a, kind=ContractKind.CESA, start=month.replace(year=month.year - 1))
            for a, m in zip(activities, members, strict=True)], batch_size=2000)
        Employee.objects.bulk_create([Employee(member=m, entity=entity, employee_id=f"E{i:05d}",
                                               withholding_rate=Decimal("4.5")) for i, m in enumerate(members)],
                                     batch_size=2000)
        MemberBankAccount.objects.bulk_create([
            MemberBankAccount(member=m, holder=f"First{i:05d} Last{i:05d}", iban=IBAN, bic=BIC, validated_at=now)
            for i, m in enumerate(members)], batch_size=2000)
        requests = SalaryRequest.objects.bulk_create([
            SalaryRequest(entity=entity, member=m, activity=a, month=month, state=RequestState.APPROVED,
                          employer_cost=sims[amounts[i % 12]].employer_cost, gross=sims[amounts[i % 12]].gross,
                          net=sims[amounts[i % 12]].net, created_by=m.user, decided_at=now)
            for i, (a, m) in enumerate(zip(activities, members, strict=True))], batch_size=2000)
    rows = {}
    from compagnon.payroll.demo import line_from_simulation

    for i, (r, a) in enumerate(zip(requests, activities, strict=True)):
        rows[r.pk] = line_from_simulation(sims[amounts[i % 12]], month, f"E{i:05d}", a.pk)
    return entity, accountant, rows


def month_end(entity, accountant, rows, month) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from compagnon.banking.models import BankAccount
    from compagnon.payouts import services as payouts
    from compagnon.payouts.models import BatchState
    from compagnon.payroll import journal, services, transfers
    from compagnon.payroll.demo import journal_csv

    steps = {}
    queries = {}

    def timed(name, fn):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = fn()
            steps[name] = round(time.perf_counter() - started, 3)
        queries[name] = count[0]
        print(f"  {name}: {steps[name]:.2f} s, {queries[name]} queries", flush=True)
        return result

    timed("freeze", lambda: services.freeze_month(actor=accountant, entity=entity, month=month))
    variables = timed("variables", lambda: services.export_variables(actor=accountant, entity=entity, month=month))
    data = journal_csv(list(rows.values()))
    imported = timed("journal", lambda: journal.import_journal(
        actor=accountant, entity=entity, month=month,
        upload=SimpleUploadedFile("journal.csv", data, content_type="text/csv")))
    assert imported.state == "posted", imported.errors[:5]
    account = BankAccount.objects.get(entity=entity)

    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    batch = payouts.create_batch(actor=accountant, account=account, requested_execution_date=tomorrow)
    done, skipped = timed("transfers", lambda: transfers.add_net_pay(actor=accountant, batch=batch, month=month))
    assert not skipped
    count = len(done)
    batch = timed("sepa_file", lambda: payouts.generate(actor=accountant, batch=batch))
    assert batch.state == BatchState.GENERATED
    return {"steps_s": steps, "queries": queries, "variables_lines": variables.count(b"\n") - 1,
            "journal_lines": imported.lines.count(), "transfers": count,
            "differences": len(imported.differences)}


def baseline(entity, rows, month) -> float:
    """The same writes in plain SQL, in one transaction rolled back."""
    from django.db import connection, transaction

    from compagnon.ledger.models import Account, Journal

    roles = {a.role: a.pk for a in Account.objects.filter(entity=entity).exclude(role="")}
    misc = Journal.objects.get(entity=entity, role="misc").pk
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE payroll_salaryrequest SET state = 'frozen' WHERE entity_id = %s AND month = %s",
                      [entity.pk, month])
            c.execute("SELECT r.id, m.number, u.last_name, u.first_name, r.activity_id, a.name, r.employer_cost, "
                      "r.gross FROM payroll_salaryrequest r JOIN members_member m ON m.id = r.member_id "
                      "JOIN accounts_user u ON u.id = m.user_id JOIN members_activity a ON a.id = r.activity_id "
                      "WHERE r.entity_id = %s AND r.month = %s ORDER BY m.number", [entity.pk, month])
            out = io.StringIO()
            csv.writer(out, delimiter=";").writerows(c.fetchall())
            c.execute("INSERT INTO ledger_entry (entity_id, journal_id, year, number, date, label, source_type, "
                      "kind, posted_at) VALUES (%s, %s, %s, 999999, %s, 'baseline', '', 'issue', %s) RETURNING id",
                      [entity.pk, misc, month.year, month, now])
            entry_id = c.fetchone()[0]
            lines, totals = [], {"social_security": 0, "social_other": 0, "withholding_tax": 0}
            for r in rows.values():
                for role, d, cr in (("salaries", r["gross"], 0), ("social_charges", r["employer_contributions"], 0),
                                    ("salaries_payable", 0, r["net"])):
                    if d or cr:
                        lines.append((entry_id, roles[role], d, cr, r["activity_id"], month, misc))
                totals["social_security"] += r["employee_contributions"] + r["employer_contributions"] - r[
                    "other_bodies"]
                totals["social_other"] += r["other_bodies"]
                totals["withholding_tax"] += r["withholding"]
            lines += [(entry_id, roles[role], 0, amount, None, month, misc) for role, amount in totals.items() if amount]
            c.executemany("INSERT INTO ledger_entryline (entry_id, account_id, debit, credit, activity_id, label, "
                          "date, journal_id) VALUES (%s, %s, %s, %s, %s, '', %s, %s)", lines)
            c.executemany("INSERT INTO payouts_payoutline (batch_id, position, purpose, creditor_name, iban, bic, "
                          "amount, remittance_kind, remittance, end_to_end_id, active, state, return_reason, created_at) "
                          "SELECT MIN(id), %s, 'salary', 'x', %s, %s, %s, 'text', 'Net', %s, true, 'pending', '', %s "
                          "FROM payouts_payoutbatch", [(i, IBAN, BIC, r["net"], f"B{i}", now)
                                                        for i, r in enumerate(rows.values())])
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started


class _Rollback(Exception):
    pass


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    url = setup(args.database_url)
    from django.conf import settings
    from django.utils import timezone

    from bench.run import OUT

    month = timezone.localdate().replace(day=1)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"payroll: seeding {args.members:,} members on {engine}…", flush=True)
    started = time.perf_counter()
    entity, accountant, rows = seed(args.members, month)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    result = month_end(entity, accountant, rows, month)
    total = time.perf_counter() - started
    base = baseline(entity, rows, month)
    result.update({"members": args.members, "database": engine, "total_s": round(total, 2),
                   "baseline_sql_s": round(base, 2), "ratio": round(total / base, 1) if base else None,
                   "budget_s": BUDGET_S, "ok": total < BUDGET_S, "database_url": url.split("@")[-1]})
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "payroll-results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"payroll month-end for {args.members:,} members: {total:.1f} s (budget {BUDGET_S:.0f} s) — "
          f"{'OK' if result['ok'] else 'TOO SLOW'}; raw SQL baseline {base:.1f} s, ratio ×{result['ratio']}",
          flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
