"""Test material: the statement files of tests/data, a builder of small camt.053 files (valid
against the XSDs) and bank accounts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from schwifty import IBAN

from compagnon.banking.models import BankAccount, CsvMapping

DATA = Path(__file__).resolve().parent / "data"
BE_IBAN = "BE68539007547034"  # the account of camt053_v02_belfius.xml and camt053_v08_kbc.xml
FR_IBAN = "FR7630006000011234567890189"  # the account of camt053_v04_credit_agricole.xml

_serial = iter(range(1_000_000, 9_999_999))


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def new_iban() -> str:
    return IBAN.generate("BE", bank_code="363", account_code=f"{next(_serial):07d}").compact


def bank_account(entity, iban: str | None = None, **kw) -> BankAccount:
    return BankAccount.objects.create(
        entity=entity, name=kw.pop("name", "Current account"), iban=iban or new_iban(), **kw
    )


def csv_mapping(account, **kw) -> CsvMapping:
    fields = {
        "delimiter": ";",
        "encoding": "utf-8",
        "date_format": "%d/%m/%Y",
        "decimal_comma": True,
        "booking_date": "Date",
        "value_date": "Valeur",
        "amount": "Montant",
        "counterparty_name": "Contrepartie",
        "counterparty_iban": "Compte",
        "remittance": "Communication",
        "bank_reference": "Référence",
    }
    fields.update(kw)
    return CsvMapping.objects.create(account=account, **fields)


def entry(
    amount, *, day="2026-05-04", ref="", name="", iban="", ustrd="", strd="", e2e="", status="BOOK"
) -> dict:
    """One Ntry: ``amount`` signed (money in > 0)."""
    return {
        "amount": Decimal(str(amount)),
        "day": day,
        "ref": ref,
        "name": name,
        "iban": iban,
        "ustrd": ustrd,
        "strd": strd,
        "e2e": e2e,
        "status": status,
    }


def camt(
    iban: str,
    entries: list[dict],
    *,
    version: str = "08",
    statement_id: str = "S-1",
    start: str = "2026-05-01",
    end: str = "2026-05-31",
    opening="0.00",
    closing=None,
) -> bytes:
    """A camt.053 file of ``version`` ("02" or "08" are valid against their XSD; the other
    versions get the .08 layout under their own namespace)."""
    old = version in ("02", "03")
    rows = []
    for e in entries:
        credit = e["amount"] > 0
        ind = "CRDT" if credit else "DBIT"
        role, acct = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        party = ""
        if e["name"]:
            name = f"<Nm>{escape(e['name'])}</Nm>"
            party += f"<{role}>{name if old else f'<Pty>{name}</Pty>'}</{role}>"
        if e["iban"]:
            party += f"<{acct}><Id><IBAN>{e['iban']}</IBAN></Id></{acct}>"
        remittance = ""
        if e["ustrd"] or e["strd"]:
            remittance = "<RmtInf>"
            if e["ustrd"]:
                remittance += f"<Ustrd>{escape(e['ustrd'])}</Ustrd>"
            if e["strd"]:
                remittance += (
                    "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                    f"<Ref>{escape(e['strd'])}</Ref></CdtrRefInf></Strd>"
                )
            remittance += "</RmtInf>"
        amount = f"{abs(e['amount']):.2f}"
        if old:
            tx_amount = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
        else:
            tx_amount = f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
        refs = f"<Refs><EndToEndId>{escape(e['e2e'])}</EndToEndId></Refs>" if e["e2e"] else ""
        details = ""
        if party or remittance or refs:
            details = (
                f"<NtryDtls><TxDtls>{refs}{tx_amount}"
                f"{f'<RltdPties>{party}</RltdPties>' if party else ''}{remittance}</TxDtls></NtryDtls>"
            )
        status = e["status"] if old else f"<Cd>{e['status']}</Cd>"
        bank_ref = f"<AcctSvcrRef>{escape(e['ref'])}</AcctSvcrRef>" if e["ref"] else ""
        booking = f"<BookgDt><Dt>{e['day']}</Dt></BookgDt>" if e["status"] == "BOOK" else ""
        rows.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>{status}</Sts>'
            f"{booking}<ValDt><Dt>{e['day']}</Dt></ValDt>"
            f"{bank_ref}"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
            f"</Domn></BkTxCd>{details}</Ntry>"
        )
    created = f"{end}T06:00:00"
    opening = Decimal(str(opening))
    if closing is None:  # the balances add up unless a test says otherwise
        closing = opening + sum((e["amount"] for e in entries if e["status"] == "BOOK"), Decimal(0))
    closing = Decimal(str(closing))

    def balance_of(code, value, on):
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">'
            f"{abs(value):.2f}</Amt><CdtDbtInd>{'DBIT' if value < 0 else 'CRDT'}</CdtDbtInd>"
            f"<Dt><Dt>{on}</Dt></Dt></Bal>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">\n'
        f"<BkToCstmrStmt><GrpHdr><MsgId>MSG-{escape(statement_id)}</MsgId>"
        f"<CreDtTm>{created}</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>{escape(statement_id)}</Id><CreDtTm>{created}</CreDtTm>"
        f"<FrToDt><FrDtTm>{start}T00:00:00</FrDtTm><ToDtTm>{end}T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + balance_of("OPBD", opening, start)
        + balance_of("CLBD", closing, end)
        + "\n"
        + "\n".join(rows)
        + "\n</Stmt></BkToCstmrStmt></Document>\n"
    ).encode()


def as_version(content: bytes, version: str) -> bytes:
    """A hand-written file of one version moved under another version's namespace."""
    return content.replace(b"camt.053.001.04", f"camt.053.001.{version}".encode()).replace(
        b"camt.053.001.08", f"camt.053.001.{version}".encode()
    )


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
