"""Measure the import of a generated N-entry camt.053 statement (default 10,000). Not a test.

    .venv/bin/python -m compagnon.banking.bench [N] [--keep]

Works in a throw-away SQLite database (migrated first, in a temporary folder) so nothing of yours
is touched; set ``BENCH_DATABASE_URL`` to measure on PostgreSQL instead (a scratch database: the
tables are created there). The matcher is the placeholder contract (nothing matched
automatically), so this measures the import itself: read + XSD validation, fingerprints and the
known-transactions lookup, bulk inserts, the ledger entry, the audit event.

Prints the time of each step and of the whole import, then of the same file imported again
(everything "already known").

On PostgreSQL the ledger's deferred balance check runs once per entry and transaction (ledger
migration 0003); it used to sum every line of the entry at each inserted line, which made the
20,000-line entry of a 10,000-transaction statement cost about 80 s at COMMIT.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from decimal import Decimal


def build(iban: str, n: int, seed: int = 7) -> bytes:
    """A camt.053.001.08 statement of ``n`` booked entries: client payments with a structured
    communication or an RF reference or free text, supplier payments, batches, charges."""
    from stdnum.be import ogm_vcs

    rng = random.Random(seed)
    names = [
        "Dupont SPRL",
        "Janssens BV",
        "Atelier Lefebvre",
        "Claire Bernard",
        "Peeters & Zn",
        "Mairie de Nantes",
        "Proximus SA",
        "Sofie Claes",
        "Els Vermeulen",
        "Boulangerie Marie",
    ]
    ibans = [
        "BE71096123456769",
        "BE21001234567803",
        "BE80734001122377",
        "BE96068999999905",
        "BE56363123456788",
    ]
    rows, total = [], Decimal("0")
    for i in range(n):
        day = f"2026-03-{1 + i * 28 // n:02d}"
        amount = Decimal(rng.randint(500, 250000)) / 100
        credit = rng.random() < 0.7
        total += amount if credit else -amount
        ind = "CRDT" if credit else "DBIT"
        role, acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        kind = rng.random()
        if credit and kind < 0.5:
            base = f"26{1 + i % 9}{i:07d}"[:10]
            ref = base + ogm_vcs.calc_check_digits(base)
            remittance = (
                "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                f"<Issr>BBA</Issr></Tp><Ref>{ref}</Ref></CdtrRefInf></Strd></RmtInf>"
            )
        else:
            remittance = f"<RmtInf><Ustrd>Facture F-2026-{i:05d} merci</Ustrd></RmtInf>"
        rows.append(
            f'<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{amount:.2f}</Amt>'
            f"<CdtDbtInd>{ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>B{i:09d}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
            "</Domn></BkTxCd><NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>E2E-{i}</EndToEndId></Refs>"
            f'<Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            f"<RltdPties><{role}><Pty><Nm>{rng.choice(names).replace('&', '&amp;')}</Nm></Pty>"
            f"</{role}><{acct}><Id><IBAN>{rng.choice(ibans)}</IBAN></Id></{acct}></RltdPties>"
            f"{remittance}</TxDtls></NtryDtls></Ntry>"
        )
    closing_ind = "CRDT" if total >= 0 else "DBIT"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-31T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>BENCH-2026-03</Id><CreDtTm>2026-03-31T06:00:00</CreDtTm>"
        "<FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm><ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(total):.2f}</Amt>'
        f"<CdtDbtInd>{closing_ind}</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>"
        + "\n".join(rows)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


def main(argv: list[str]) -> int:
    n = int(next((a for a in argv if a.isdigit()), "10000"))
    scratch = tempfile.mkdtemp(prefix="compagnon-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"
    )
    os.environ["MEDIA_ROOT"] = os.path.join(scratch, "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.banking import camt, hooks, services
    from compagnon.banking.models import BankAccount
    from compagnon.organisation.models import Entity

    # The import alone is measured: no matcher (payments measures its matching in its bench).
    hooks.MATCHERS.clear()

    entity = Entity.objects.create(
        name="Bench",
        legal_name="Bench CV",
        jurisdiction="BE",
        company_number="0403170701",
        country="BE",
        iban="BE68539007547034",
        bic="GKCCBEBB",
    )
    user = User.objects.create_user("bench@example.org", "x")
    RoleAssignment.objects.create(user=user, role=Role.ADMIN, entity=entity)
    account = BankAccount.objects.create(entity=entity, name="Bench", iban="BE68539007547034")

    started = time.perf_counter()
    content = build(account.iban, n)
    print(
        f"generated {n} entries, {len(content) / 1048576:.1f} MB, in "
        f"{time.perf_counter() - started:.2f} s"
    )

    started = time.perf_counter()
    read = camt.read(content)
    print(
        f"read + XSD validation: {time.perf_counter() - started:.2f} s ({len(read.lines)} "
        "transactions)"
    )

    started = time.perf_counter()
    statement = services.import_statement(
        actor=user, account=account, data=content, filename="bench.xml"
    )
    first = time.perf_counter() - started
    assert not statement.is_rejected, statement.error
    print(
        f"import: {first:.2f} s — imported {statement.imported}, already known "
        f"{statement.already_known}, left to match {statement.to_match}"
    )

    started = time.perf_counter()
    again = services.import_statement(
        actor=user, account=account, data=content, filename="bench.xml"
    )
    print(
        f"same file again: {time.perf_counter() - started:.2f} s — imported {again.imported}, "
        f"already known {again.already_known}"
    )
    if "--keep" not in argv:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
