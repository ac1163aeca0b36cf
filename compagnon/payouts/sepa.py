"""The pain.001 file of a batch: built with ``sepaxml``, completed with lxml, checked with the XSD.

``sepaxml`` (2.7.0) writes pain.001.001.03 and .09 (also .10 and .11) and ships their XSDs, but it
only writes an *unstructured* remittance (``RmtInf/Ustrd``). A Belgian structured communication
or an RF reference must travel as a structured creditor reference, which is what the
beneficiary's bank matches on::

    <RmtInf><Strd><CdtrRefInf>
      <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>   (ISO for an RF reference)
      <Ref>090933755493</Ref>
    </CdtrRefInf></Strd></RmtInf>

so the XML sepaxml returns is completed here: the structured references replace the unstructured
text, the message id and payment-information id become ours, the creation time is the batch's,
and a debtor account without BIC says ``NOTPROVIDED`` as the EPC guidelines ask. The *final* XML
is then validated against the XSD shipped in sepaxml (lxml/libxml2); any error refuses the file.
"""

from __future__ import annotations

import datetime
import functools
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sepaxml
from lxml import etree

from . import checks
from .models import RemittanceKind, Scheme

SCHEMA_DIR = Path(sepaxml.__file__).parent / "schemas"
ISSUERS = {RemittanceKind.OGM: "BBA", RemittanceKind.RF: "ISO"}  # Belgian Bankers' Association, ISO 11649


class SepaFileError(Exception):
    """The XML could not be built or does not pass the XSD; ``errors`` say where and why."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    amount: Decimal
    end_to_end_id: str
    remittance_kind: str
    remittance: str
    bic: str = ""


def namespace(scheme: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{scheme}"


@functools.cache
def _schema(scheme: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"{scheme}.xsd")))


_schema_lock = threading.Lock()  # libxml2 validators are not meant to be shared between threads


def validate(xml: bytes, scheme: str) -> list[str]:
    """The XSD errors of ``xml`` ("line N: message"), empty when it is valid."""
    if scheme not in Scheme.values:
        return [f"unknown scheme {scheme}"]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    with _schema_lock:
        schema = _schema(scheme)
        if schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_exact())


def build(*, scheme: str, message_id: str, created_at: datetime.datetime, execution_date: datetime.date,
          debtor: Debtor, transfers: list[Transfer]) -> bytes:
    """The pain.001 XML of these transfers, validated; raises ``SepaFileError``.

    Values are expected checked already (``checks``); names and messages are brought into the SEPA
    character set here. ``created_at`` is written as the local time it is given.
    """
    if not transfers:
        raise SepaFileError(["no transfer"])
    if len({t.end_to_end_id for t in transfers}) != len(transfers):
        raise SepaFileError(["two transfers share an end-to-end id"])
    config = {
        "name": checks.sepa_text(debtor.name, checks.NAME_MAX),
        "IBAN": debtor.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    try:
        raw = _sepaxml(scheme, config, execution_date, transfers)
    except Exception as exc:  # sepaxml reports what it refuses with a bare Exception
        raise SepaFileError([str(exc)]) from exc
    xml = _complete(raw, scheme=scheme, message_id=message_id, created_at=created_at, debtor=debtor,
                    transfers=transfers)
    errors = validate(xml, scheme)
    if errors:
        raise SepaFileError(errors)
    return xml


def _sepaxml(scheme: str, config: dict, execution_date: datetime.date, transfers: list[Transfer]) -> bytes:
    transfer = sepaxml.SepaTransfer(config, schema=scheme, clean=True)
    for t in transfers:
        payment = {
            "name": checks.sepa_text(t.name, checks.NAME_MAX),
            "IBAN": t.iban,
            "amount": _cents(t.amount),
            "execution_date": execution_date,
            # a structured reference replaces this below; sepaxml needs some text meanwhile
            "description": (checks.sepa_text(t.remittance, checks.TEXT_MAX) if t.remittance_kind == RemittanceKind.TEXT
                            else t.remittance),
            "endtoend_id": t.end_to_end_id,
        }
        if t.bic:
            payment["BIC"] = t.bic
        transfer.add_payment(payment)
    # validated below, once completed: the final XML is the one that must pass the XSD
    return transfer.export(validate=False)


def _complete(raw: bytes, *, scheme: str, message_id: str, created_at: datetime.datetime, debtor: Debtor,
              transfers: list[Transfer]) -> bytes:
    ns = namespace(scheme)
    q = functools.partial(etree.QName, ns)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(raw, parser)
    nsmap = {"p": ns}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", nsmap)
    header.find("p:MsgId", nsmap).text = message_id
    header.find("p:CreDtTm", nsmap).text = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    for index, info in enumerate(root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf", nsmap), start=1):
        info.find("p:PmtInfId", nsmap).text = f"{message_id}-{index}"
        if not debtor.bic:
            institution = info.find("p:DbtrAgt/p:FinInstnId", nsmap)
            other = etree.SubElement(institution, q("Othr"))
            etree.SubElement(other, q("Id")).text = "NOTPROVIDED"
    by_id = {t.end_to_end_id: t for t in transfers}
    for tx in root.iterfind(".//p:CdtTrfTxInf", nsmap):
        t = by_id[tx.find("p:PmtId/p:EndToEndId", nsmap).text]
        if t.remittance_kind not in ISSUERS:
            continue
        info = tx.find("p:RmtInf", nsmap)
        for child in list(info):
            info.remove(child)
        reference = etree.SubElement(etree.SubElement(info, q("Strd")), q("CdtrRefInf"))
        kind = etree.SubElement(reference, q("Tp"))
        etree.SubElement(etree.SubElement(kind, q("CdOrPrtry")), q("Cd")).text = "SCOR"
        etree.SubElement(kind, q("Issr")).text = ISSUERS[t.remittance_kind]
        etree.SubElement(reference, q("Ref")).text = t.remittance
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
