"""Month-end automatic invoicing of 50,000 validated intervention sheets. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_fieldinvoicing \\
        .venv/bin/python -m bench.fieldinvoicing [--sheets 50000]
    BENCH_FIELDINVOICING_QUICK=1 .venv/bin/python -m bench.fieldinvoicing     # 2,000 sheets

In a scratch database (a PostgreSQL name must contain "bench"; a file under var/bench/ otherwise)
writes with ``bulk_create`` one French entity, 50 gardeners each with an activity, and for
``--sheets`` sheets: one client and one monthly contract per 4 sheets (priced per hour), one
visit per sheet in May, the sheet validated with two tasks and, every third, a priced supply.
Then times the daily run of 1 June (``homeservices.invoicing.prepare``): every validated sheet
goes onto its contract's draft for May (``bulk.catch_up``: documents, lines, VAT breakdown,
totals by sales' EN 16931 calculation, prepared invoices, sheets linked, audit events), and the
drafts become ready. Baseline in the same run: the same rows written by plain SQL
(``executemany`` INSERTs of documents, lines, VAT rows, prepared invoices, one UPDATE of the
sheets), rolled back. Budget: < 60 s on PostgreSQL. Results in var/bench/fieldinvoicing-results.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from decimal import Decimal

BUDGET_S = 60.0
MEMBERS = 50
SHEETS_PER_CONTRACT = 4


def parse_args(argv):
    quick = os.environ.get("BENCH_FIELDINVOICING_QUICK", "") not in ("", "0")
    parser = argparse.ArgumentParser(
        prog="python -m bench.fieldinvoicing", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sheets", type=int, default=2000 if quick else 50_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> str:
    from bench.run import scratch_database

    return scratch_database(url, "fieldinvoicing")


def seed(n_sheets: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.clients.models import Client, ClientKind
    from compagnon.core.demo import siren_from
    from compagnon.fieldwork.models import Contract, ContractState, Visit, VisitState
    from compagnon.interventions.models import Sheet, SheetState, SheetSupply, SheetTask
    from compagnon.members.models import (
        Activity,
        ActivityMembership,
        ActivityRole,
        Member,
        MemberStatus,
    )
    from compagnon.organisation.models import Entity, Office

    entity = Entity.objects.create(
        name="Bench CAE",
        legal_name="Bench CAE SCOP",
        jurisdiction="FR",
        company_number=siren_from(41000000),
        street="1 rue de Strasbourg",
        postcode="44000",
        city="Nantes",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    office = Office.objects.create(entity=entity, name="Nantes")
    password = make_password("bench")
    users = User.objects.bulk_create(
        [
            User(email=f"g{i}@bench.coop", password=password, first_name="G", last_name=str(i))
            for i in range(MEMBERS)
        ]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                user=u,
                entity=entity,
                office=office,
                number=f"B{i:05d}",
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
    n_contracts = max(1, n_sheets // SHEETS_PER_CONTRACT)
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
            for i in range(n_contracts)
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
                starts_on=datetime.date(2026, 1, 1),
                pricing="hour",
                price=Decimal("30"),
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
    visits = Visit.objects.bulk_create(
        [
            Visit(
                activity=contracts[i // SHEETS_PER_CONTRACT].activity,
                client=contracts[i // SHEETS_PER_CONTRACT].client,
                contract=contracts[i // SHEETS_PER_CONTRACT],
                member=contracts[i // SHEETS_PER_CONTRACT].member,
                state=VisitState.DONE,
                day=datetime.date(2026, 5, 4 + 7 * (i % SHEETS_PER_CONTRACT)),
                minutes=120,
                postcode="44000",
                city="Nantes",
            )
            for i in range(n_sheets)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    sheets = Sheet.objects.bulk_create(
        [
            Sheet(
                visit=v,
                state=SheetState.VALIDATED,
                minutes=90 + 15 * (i % 3),
                member_validated_at=now,
                validated_at=now,
            )
            for i, v in enumerate(visits)
        ],
        batch_size=2000,
    )
    SheetTask.objects.bulk_create(
        [
            SheetTask(sheet=s, name=name, position=p)
            for s in sheets
            for p, name in enumerate(("Tonte", "Taille de haie"))
        ],
        batch_size=5000,
    )
    SheetSupply.objects.bulk_create(
        [
            SheetSupply(
                sheet=s, name="Terreau 40 L", quantity=Decimal("1"), unit_price=Decimal("12.50")
            )
            for s in sheets[::3]
        ],
        batch_size=5000,
    )
    return entity, len(contracts)


def baseline(entity) -> float:
    """The same rows as plain SQL: one INSERT per table through executemany, the sheets pointed at
    their new documents; values read from the documents just made (rolled back)."""
    from django.db import connection, transaction

    from compagnon.homeservices.models import FieldInvoice
    from compagnon.sales.models import Document, DocumentLine, VatBreakdown

    docs = list(
        Document.objects.filter(entity=entity)
        .order_by("id")
        .values_list(
            "id",
            "activity_id",
            "client_id",
            "created_by_id",
            "language",
            "title",
            "line_total",
            "tax_exclusive",
            "tax_total",
            "tax_inclusive",
            "payable",
        )
    )
    lines = list(
        DocumentLine.objects.filter(document__entity=entity).values_list(
            "document_id",
            "position",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "vat_rate",
            "net_amount",
        )
    )
    vat = list(
        VatBreakdown.objects.filter(document__entity=entity).values_list(
            "document_id", "rate", "taxable_amount", "tax_amount"
        )
    )
    fis = list(
        FieldInvoice.objects.filter(activity__entity=entity).values_list(
            "document_id",
            "contract_id",
            "activity_id",
            "period_start",
            "period_end",
            "minutes",
            "eligible_amount",
        )
    )
    last = max(d[0] for d in docs)
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO sales_document (entity_id, activity_id, client_id, created_by_id, kind, state, series,"
                " number, language, title, intro, closing, terms, buyer_reference, order_reference, exemption_code,"
                " discount_percent, discount_amount, charge_amount, charge_reason, payment_reference, currency,"
                " rounding_rule, line_total, allowance_total, charge_total, tax_exclusive, tax_total, tax_inclusive,"
                " prepaid, payable, payment_state, paid_amount, frozen, pdf, pdf_sha256, created_at, updated_at)"
                " VALUES (%s,%s,%s,%s,'invoice','draft','invoice','',%s,%s,'','','','','','',0,0,0,'','','EUR',"
                "'EN16931',%s,0,0,%s,%s,%s,0,%s,'none',0,'{}','','',%s,%s)",
                [(entity.pk, *row[1:], now, now) for row in docs],
            )
            cur.execute("SELECT id FROM sales_document WHERE id > %s ORDER BY id", [last])
            new = dict(zip((d[0] for d in docs), (row[0] for row in cur.fetchall()), strict=True))
            cur.executemany(
                "INSERT INTO sales_documentline (document_id, position, kind, description, quantity, unit, unit_price,"
                " discount_percent, vat_category, vat_rate, net_amount) VALUES (%s,%s,'item',%s,%s,%s,%s,0,'S',%s,%s)",
                [(new[d], *rest) for d, *rest in lines],
            )
            cur.executemany(
                "INSERT INTO sales_vatbreakdown (document_id, category, rate, taxable_amount, tax_amount,"
                " allowance_amount, charge_amount) VALUES (%s,'S',%s,%s,%s,0,0)",
                [(new[d], *rest) for d, *rest in vat],
            )
            cur.executemany(
                "INSERT INTO homeservices_fieldinvoice (document_id, contract_id, activity_id, period_start, period_end,"
                " state, minutes, eligible_amount, workers, deposits, send_error, created_at, updated_at)"
                " VALUES (%s,%s,%s,%s,%s,'issued',%s,%s,'[]',0,'',%s,%s)",
                [(new[d], *rest, now, now) for d, *rest in fis],
            )
            cur.executemany(
                "UPDATE interventions_sheet SET document_id = %s WHERE document_id = %s",
                [(n, o) for o, n in new.items()],
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    url = setup(args.database_url)
    from django.conf import settings

    from bench.run import OUT
    from compagnon.homeservices import invoicing
    from compagnon.homeservices.models import FieldInvoice
    from compagnon.interventions.models import Sheet

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"fieldinvoicing: seeding {args.sheets:,} validated sheets on {engine}…", flush=True)
    started = time.perf_counter()
    entity, contracts = seed(args.sheets)
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    result = invoicing.prepare(datetime.date(2026, 6, 1))
    total = time.perf_counter() - started
    placed = Sheet.objects.filter(document__isnull=False).count()
    ready = FieldInvoice.objects.filter(state="ready").count()
    assert placed == args.sheets and ready == contracts == result.ready, (placed, ready, contracts)
    base = baseline(entity)
    out = {
        "sheets": args.sheets,
        "invoices": ready,
        "database": engine,
        "total_s": round(total, 2),
        "per_sheet_ms": round(1000 * total / args.sheets, 2),
        "baseline_sql_s": round(base, 2),
        "ratio": round(total / base, 1) if base else None,
        "budget_s": BUDGET_S,
        "ok": total < BUDGET_S,
        "database_url": url.split("@")[-1],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fieldinvoicing-results.json").write_text(
        json.dumps(out, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"month-end invoicing of {args.sheets:,} sheets into {ready:,} invoices: {total:.1f} s (budget {BUDGET_S:.0f} s) — "
        f"{'OK' if out['ok'] else 'TOO SLOW'}; raw SQL baseline {base:.1f} s, ratio ×{out['ratio']}",
        flush=True,
    )
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
