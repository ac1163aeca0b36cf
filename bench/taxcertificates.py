"""January tax certificates of home services for 20,000 clients. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_taxcertificates \\
        .venv/bin/python -m bench.taxcertificates [--clients 20000] [--processes 2]
    BENCH_TAXCERTIFICATES_QUICK=1 .venv/bin/python -m bench.taxcertificates          # 500 clients

In a scratch database (a PostgreSQL name must contain "bench"; a file under var/bench/ otherwise)
writes with ``bulk_create`` one French entity, 50 gardeners, and per client a home-services
contract, one issued invoice prepared from its sheets (120 € incl. VAT, 4 hours) and its payment
(an allocation dated in the year). Then times:

1. ``certificates.issue_for_year`` — the figures of every client in one grouped query, the
   certificates written in batches with their audit events, one render task enqueued each;
2. the rendering: ``--processes`` worker processes (the task worker's, default 2 = the cores
   here) each run ``certificates.archive`` (the PDF drawn by ReportLab, archived in storage, the client's
   email enqueued) on their share of the certificates.

Baselines in the same run: the certificate rows inserted by plain SQL (rolled back), and the same
PDFs rendered in one process (measured on 1 % of them and extrapolated). Budget: < 120 s in all.
Results in var/bench/taxcertificates-results.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import sys
import time
from decimal import Decimal

BUDGET_S = 120.0
MEMBERS = 50
YEAR = 2025


def parse_args(argv):
    quick = os.environ.get("BENCH_TAXCERTIFICATES_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(
        prog="python -m bench.taxcertificates", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--clients", type=int, default=500 if quick else 20_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> str:
    from bench.run import scratch_database

    return scratch_database(url, "taxcertificates")


def seed(n: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.clients.models import Client, ClientKind
    from compagnon.core.demo import siren_from
    from compagnon.fieldwork.models import Contract, ContractState
    from compagnon.homeservices.models import FieldInvoice, HomeServicesSettings
    from compagnon.members.models import (
        Activity,
        ActivityMembership,
        ActivityRole,
        Member,
        MemberStatus,
    )
    from compagnon.organisation.models import Entity, Office
    from compagnon.payments.models import Allocation
    from compagnon.sales.models import Document, PaymentState, State

    entity = Entity.objects.create(
        name="Bench CAE",
        legal_name="Bench CAE SCOP",
        jurisdiction="FR",
        company_number=siren_from(42000000),
        street="1 rue de Strasbourg",
        postcode="44000",
        city="Nantes",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    HomeServicesSettings.objects.create(
        entity=entity, sap_number="SAP420000000", signatory="La gérance"
    )
    office = Office.objects.create(entity=entity, name="Nantes")
    password = make_password("bench")
    users = User.objects.bulk_create(
        [
            User(
                email=f"g{i}@bench.coop", password=password, first_name="Gardener", last_name=str(i)
            )
            for i in range(MEMBERS)
        ]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                user=u,
                entity=entity,
                office=office,
                number=f"T{i:05d}",
                status=MemberStatus.CONTRACT,
            )
            for i, u in enumerate(users)
        ]
    )
    activities = Activity.objects.bulk_create(
        [Activity(entity=entity, name=f"Jardins {i}") for i in range(MEMBERS)]
    )
    ActivityMembership.objects.bulk_create(
        [
            ActivityMembership(activity=a, member=m, role=ActivityRole.HOLDER)
            for a, m in zip(activities, members, strict=True)
        ]
    )
    clients = Client.objects.bulk_create(
        [
            Client(
                activity=activities[i % MEMBERS],
                kind=ClientKind.INDIVIDUAL,
                name=f"Client {i}",
                street=f"{i} rue Crébillon",
                postcode="44000",
                city="Nantes",
                country="FR",
                email=f"c{i}@example.org",
                language="fr",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                activity=c.activity,
                client=c,
                member=members[i % MEMBERS],
                name=f"Jardin {i}",
                state=ContractState.ACTIVE,
                starts_on=datetime.date(YEAR, 1, 1),
                pricing="hour",
                price=Decimal("25"),
                vat_rate=Decimal("20"),
                invoicing="month",
                home_services=True,
                postcode="44000",
                city="Nantes",
            )
            for i, c in enumerate(clients)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    documents = Document.objects.bulk_create(
        [
            Document(
                entity=entity,
                activity=c.activity,
                client=c,
                kind="invoice",
                state=State.ISSUED,
                series="invoice",
                year=YEAR,
                sequence=i + 1,
                number=f"F{YEAR}-{i + 1:06d}",
                issue_date=datetime.date(YEAR, 6, 1),
                line_total=Decimal("100"),
                tax_exclusive=Decimal("100"),
                tax_total=Decimal("20"),
                tax_inclusive=Decimal("120"),
                payable=Decimal("120"),
                payment_state=PaymentState.PAID,
                paid_amount=Decimal("120"),
                issued_at=now,
            )
            for i, c in enumerate(clients)
        ],
        batch_size=2000,
    )
    FieldInvoice.objects.bulk_create(
        [
            FieldInvoice(
                contract=k,
                activity_id=k.activity_id,
                document=d,
                period_start=datetime.date(YEAR, 5, 1),
                period_end=datetime.date(YEAR, 5, 31),
                state="issued",
                minutes=240,
                eligible_amount=Decimal("120"),
                workers=[f"Gardener {i % MEMBERS}"],
                issued_at=now,
            )
            for i, (k, d) in enumerate(zip(contracts, documents, strict=True))
        ],
        batch_size=2000,
    )
    Allocation.objects.bulk_create(
        [
            Allocation(
                entity=entity,
                document=d,
                client_id=d.client_id,
                activity_id=d.activity_id,
                kind="invoice",
                method="cash",
                amount=Decimal("120"),
                date=datetime.date(YEAR, 6, 20),
                explanation="Cash",
            )
            for d in documents
        ],
        batch_size=2000,
    )
    return entity


def _render(ids: list[int]) -> int:
    from django.db import connections

    from compagnon.homeservices import certificates

    connections.close_all()
    step = certificates.TASK_BATCH  # as the January run's tasks
    for start in range(0, len(ids), step):
        certificates.archive_many(ids[start : start + step])
    connections.close_all()
    return len(ids)


def render_all(processes: int) -> float:
    from django.db import connections

    from compagnon.homeservices.models import Certificate

    ids = list(Certificate.objects.order_by("id").values_list("pk", flat=True))
    chunks = [ids[i : i + 200] for i in range(0, len(ids), 200)]
    connections.close_all()
    started = time.perf_counter()
    from bench.taxcertificates import (
        _render as render,
    )  # by module name: picklable under ``-m`` too

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        done = sum(pool.map(render, chunks))
    elapsed = time.perf_counter() - started
    assert done == len(ids) == Certificate.objects.exclude(pdf="").count()
    return elapsed


def single_process_estimate(sample: int) -> float:
    """Seconds per PDF in one process, on ``sample`` certificates (not stored)."""
    from compagnon.homeservices import certificates
    from compagnon.homeservices.models import Certificate

    contents = list(Certificate.objects.order_by("id").values_list("content", flat=True)[:sample])
    certificates.render_pdf(contents[0])
    started = time.perf_counter()
    for content in contents:
        certificates.render_pdf(content)
    return (time.perf_counter() - started) / len(contents)


def baseline_sql() -> float:
    from django.db import connection, transaction

    from compagnon.homeservices.models import Certificate

    rows = list(
        Certificate.objects.values_list(
            "client_id", "activity_id", "entity_id", "amount_paid", "minutes", "content"
        )
    )
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO homeservices_certificate (client_id, activity_id, entity_id, year, version, amount_paid,"
                " cesu_amount, minutes, workers, content, pdf, pdf_sha256, token, created_at)"
                " VALUES (%s,%s,%s,%s,99,%s,0,%s,'[]',%s,'','',%s,%s)",
                [
                    (c, a, e, YEAR, amount, m, json.dumps(content), f"bench-{i}", now)
                    for i, (c, a, e, amount, m, content) in enumerate(rows)
                ],
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    url = setup(args.database_url)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # no mail server here

    from bench.run import OUT
    from compagnon.homeservices import certificates

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"taxcertificates: seeding {args.clients:,} clients on {engine}…", flush=True)
    started = time.perf_counter()
    seed(args.clients)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    made = certificates.issue_for_year(year=YEAR)["made"]
    issue_s = time.perf_counter() - started
    assert made == args.clients, made
    render_s = render_all(args.processes)
    total = issue_s + render_s
    sql_s = baseline_sql()
    per_pdf = single_process_estimate(max(5, args.clients // 100))
    out = {
        "clients": args.clients,
        "database": engine,
        "processes": args.processes,
        "issue_s": round(issue_s, 2),
        "issue_baseline_sql_s": round(sql_s, 2),
        "issue_ratio": round(issue_s / sql_s, 1) if sql_s else None,
        "render_s": round(render_s, 2),
        "render_one_process_estimate_s": round(per_pdf * args.clients, 1),
        "ms_per_pdf_one_process": round(1000 * per_pdf, 1),
        "total_s": round(total, 2),
        "budget_s": BUDGET_S,
        "ok": total < BUDGET_S,
        "database_url": url.split("@")[-1],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "taxcertificates-results.json").write_text(
        json.dumps(out, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"tax certificates for {args.clients:,} clients: {total:.1f} s (budget {BUDGET_S:.0f} s) — "
        f"{'OK' if out['ok'] else 'TOO SLOW'}; certificates {issue_s:.1f} s (raw SQL {sql_s:.1f} s, ×{out['issue_ratio']}), "
        f"PDFs {render_s:.1f} s on {args.processes} processes (one process: ~{per_pdf * args.clients:.0f} s, "
        f"{1000 * per_pdf:.0f} ms per PDF)",
        flush=True,
    )
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
