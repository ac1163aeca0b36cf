"""Reading the official open-data files of public notices.

* **BOAMP** (the "boamp" dataset of the DILA's open data, JSON): one record, the export's list of
  records, an API answer (``{"results": [...]}``, or ``{"records": [{"fields": {...}}]}``).
  Fields read: ``idweb`` (the notice's reference), ``objet``, ``nomacheteur``, ``dateparution``,
  ``datelimitereponse``, ``code_departement``, ``descripteur_libelle``, ``type_marche``,
  ``url_avis`` and the ``donnees`` payload (eForms or legacy, JSON or a JSON string) for the CPV
  codes, the place and the estimated value.
* **TED eForms** (UBL 2.3 ``ContractNotice`` or ``PriorInformationNotice``, XML): one notice, or
  several notices inside any root element. Fields read: ``efbc:NoticePublicationID`` (else
  ``cbc:ID`` notice-id), ``cac:ProcurementProject`` (``cbc:Name``, ``cbc:Description``, the CPV
  codes of ``cac:MainCommodityClassification`` / ``cac:AdditionalCommodityClassification``,
  ``cac:RealizedLocation/cac:Address`` NUTS and postcode, ``cac:RequestedTenderTotal``), the
  first ``cac:TenderSubmissionDeadlinePeriod``, the buyer's name from ``efac:Organizations``.

Each record becomes a ``Parsed`` (the notice's fields) or a ``Problem`` naming the record, the
field and why; one bad record never stops the others.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from . import zones
from .models import Kind, Source

MAX_BYTES = 10 * 1024 * 1024
CPV = re.compile(r"^(\d{8})(-\d)?$")


@dataclass
class Parsed:
    number: int  # the record's place in the file, from 1
    source_id: str
    title: str
    kind: str = Kind.TENDER
    buyer: str = ""
    description: str = ""
    cpv_codes: list[str] = field(default_factory=list)
    department: str = ""
    nuts: str = ""
    postcode: str = ""
    published_on: datetime.date | None = None
    deadline: datetime.datetime | None = None
    link: str = ""
    estimated_value: Decimal | None = None

    def fields(self) -> dict:
        return {k: getattr(self, k) for k in ("kind", "title", "buyer", "description", "cpv_codes", "department",
                                              "nuts", "postcode", "published_on", "deadline", "link",
                                              "estimated_value")}


@dataclass
class Problem:
    number: int
    reference: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"record": self.number, "reference": self.reference, "field": self.field, "message": self.message}


class FileError(ValueError):
    """The file as a whole cannot be read (not JSON, not XML, no notice in it)."""


class _Bad(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v not in (None, ""))
    return " ".join(str(value).split())[:limit]


def _date(value, field_name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _Bad(field_name, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": str(value)[:40]}) from None


def _moment(value, field_name: str) -> datetime.datetime | None:
    """An ISO date-time, or a date alone (then the end of that day)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        if len(text) <= 10:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(23, 59))
        else:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(field_name, _("“%(value)s” is not a date and time.") % {"value": text[:40]}) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _amount(value, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise _Bad(field_name, _("“%(value)s” is not an amount.") % {"value": str(value)[:40]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise _Bad(field_name, _("“%(value)s” is not an amount.") % {"value": str(value)[:40]})
    return amount.quantize(Decimal("0.01"))


def _web_link(value: str) -> str:
    """Only web addresses are kept as links (a file could carry ``javascript:`` or worse)."""
    return value if re.match(r"^https?://[^\s/]+", value or "", re.IGNORECASE) else ""


# ---------------------------------------------------------------------------------------- BOAMP

def _walk(node, found: dict) -> None:
    """Collect the CPV codes, postcodes and estimated values of a ``donnees`` payload (its
    structure differs between the eForms and the legacy forms: keys are recognised by name)."""
    if isinstance(node, dict):
        for key, value in node.items():
            name = key.rsplit(":", 1)[-1].upper()
            if isinstance(value, dict | list):
                if name in ("CPV", "ITEMCLASSIFICATIONCODE", "CPV_MAIN", "CPV_ADDITIONAL"):
                    _cpv(value, found)
                _walk(value, found)
            elif value not in (None, ""):
                text = str(value)
                if name in ("CPV", "PRINCIPAL", "ITEMCLASSIFICATIONCODE", "CPV_CODE", "CODE") and CPV.match(text):
                    found.setdefault("cpv", []).append(CPV.match(text).group(1))
                elif name in ("CP", "POSTALZONE", "CODEPOSTAL") and re.fullmatch(r"\d{4,5}", text):
                    found.setdefault("postcode", text)
                elif name in ("ESTIMATEDOVERALLCONTRACTAMOUNT", "VALEUR_ESTIMEE", "VALEUR", "MONTANT"):
                    found.setdefault("value", text)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)


def _cpv(node, found: dict) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _cpv(value, found)
    elif isinstance(node, list):
        for value in node:
            _cpv(value, found)
    elif node not in (None, "") and CPV.match(str(node)):
        found.setdefault("cpv", []).append(CPV.match(str(node)).group(1))


def _boamp_record(number: int, record: dict) -> Parsed:
    if isinstance(record.get("fields"), dict):  # the Opendatasoft v1 shape
        record = record["fields"]
    reference = _text(record.get("idweb") or record.get("id"), 100)
    if not reference:
        raise _Bad("idweb", _("The notice's reference is missing."))
    title = _text(record.get("objet"), 300)
    if not title:
        raise _Bad("objet", _("The notice's title is missing."))
    payload = record.get("donnees")
    if isinstance(payload, str) and payload.strip():
        try:
            payload = json.loads(payload)
        except ValueError:
            raise _Bad("donnees", _("This payload is not JSON.")) from None
    found: dict = {}
    _walk(payload or {}, found)
    departments = record.get("code_departement") or record.get("code_departement_prestation") or []
    if isinstance(departments, str):
        departments = [departments]
    department = next((d for d in (zones.clean_department(str(x)) for x in departments) if d), "")
    descriptors = _text(record.get("descripteur_libelle"), 500)
    nature = _text(record.get("type_marche") or record.get("type_marche_facette"), 100)
    description = " · ".join(p for p in (nature, descriptors) if p)
    return Parsed(
        number=number, source_id=reference, title=title, buyer=_text(record.get("nomacheteur"), 300),
        description=description, cpv_codes=list(dict.fromkeys(found.get("cpv", []))), department=department,
        postcode=found.get("postcode", "") if not department or
        zones.department_of(found.get("postcode", "")) == department else "",
        published_on=_date(record.get("dateparution"), "dateparution"),
        deadline=_moment(record.get("datelimitereponse"), "datelimitereponse"),
        link=_web_link(_text(record.get("url_avis"), 500)) or f"https://www.boamp.fr/pages/avis/?q=idweb:{reference}",
        estimated_value=_amount(found.get("value"), "donnees"),
    )


def read_boamp(data: bytes) -> list[Parsed | Problem]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FileError(_("This file is not JSON: %(detail)s") % {"detail": str(exc)[:200]}) from None
    if isinstance(document, dict):
        for key in ("results", "records"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
        else:
            document = [document]
    if not isinstance(document, list) or not document:
        raise FileError(_("This file holds no BOAMP notice."))
    out: list[Parsed | Problem] = []
    for number, record in enumerate(document, start=1):
        if not isinstance(record, dict):
            out.append(Problem(number, "", "", _("This record is not a JSON object.")))
            continue
        try:
            out.append(_boamp_record(number, record))
        except _Bad as bad:
            inner = record.get("fields") if isinstance(record.get("fields"), dict) else record
            out.append(Problem(number, _text(inner.get("idweb"), 100), bad.field, bad.message))
    return out


# ------------------------------------------------------------------------------------ TED eForms

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
NOTICE_ROOTS = ("ContractNotice", "PriorInformationNotice")
COUNTRIES = {"FRA": "FR", "BEL": "BE"}


def _parser():
    # no network, no DTD, no entity expansion, no huge trees: the file comes from outside
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def _first(node, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    return " ".join(str(found[0].text or "").split()) if found else ""


def _ted_date(day: str, time: str, field_name: str) -> datetime.datetime | None:
    if not day:
        return None
    moment = re.sub(r"(Z|[+-]\d\d:\d\d)$", "", day)
    offset = re.search(r"(Z|[+-]\d\d:\d\d)$", time or day)
    clock = re.sub(r"(Z|[+-]\d\d:\d\d)$", "", time) if time else "23:59:00"
    return _moment(f"{moment}T{clock}{offset.group(1) if offset else ''}", field_name)


def _ted_notice(number: int, notice) -> Parsed:
    reference = _first(notice, ".//efbc:NoticePublicationID") or _first(notice, "cbc:ID")
    if not reference:
        raise _Bad("cbc:ID", _("The notice's identifier is missing."))
    project = notice.xpath("cac:ProcurementProject", namespaces=NS)
    project = project[0] if project else None
    title = _first(project, "cbc:Name") if project is not None else ""
    if not title:
        title = _first(notice, ".//cac:ProcurementProject/cbc:Name")
    if not title:
        raise _Bad("cac:ProcurementProject/cbc:Name", _("The notice's title is missing."))
    codes = []
    for code in notice.xpath(".//cac:ProcurementProject//cbc:ItemClassificationCode", namespaces=NS):
        if (code.get("listName") or "cpv") == "cpv" and CPV.match((code.text or "").strip()):
            codes.append(CPV.match(code.text.strip()).group(1))
    address = notice.xpath(".//cac:ProcurementProject/cac:RealizedLocation/cac:Address", namespaces=NS)
    nuts = postcode = country = ""
    if address:
        nuts = _first(address[0], "cbc:CountrySubentityCode").upper()[:5]
        postcode = _first(address[0], "cbc:PostalZone")[:16]
        country = COUNTRIES.get(_first(address[0], "cac:Country/cbc:IdentificationCode"), "")
    if nuts and not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", nuts):
        raise _Bad("cbc:CountrySubentityCode", _("“%(value)s” is not a NUTS code.") % {"value": nuts})
    department = zones.NUTS3_DEPARTMENT.get(nuts, "")
    if not department and country == "FR" and postcode:
        department = zones.department_of(postcode)
    deadline = notice.xpath(".//cac:TenderSubmissionDeadlinePeriod", namespaces=NS)
    buyer = ""
    party = _first(notice, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    for org in notice.xpath(".//efac:Organizations/efac:Organization/efac:Company", namespaces=NS):
        if _first(org, "cac:PartyIdentification/cbc:ID") == party:
            buyer = _first(org, "cac:PartyName/cbc:Name")
            break
    value = notice.xpath("cac:ProcurementProject/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount",
                         namespaces=NS)
    amount = None
    if value and (value[0].get("currencyID") or "EUR") == "EUR":
        amount = _amount(value[0].text, "cbc:EstimatedOverallContractAmount")
    published = _first(notice, ".//efbc:PublicationDate") or _first(notice, "cbc:IssueDate")
    is_pub_id = bool(_first(notice, ".//efbc:NoticePublicationID"))
    return Parsed(
        number=number, source_id=reference[:100], title=title[:300], buyer=buyer[:300],
        description=(_first(project, "cbc:Description") if project is not None else "")[:20000],
        cpv_codes=list(dict.fromkeys(codes)), department=department, nuts=nuts, postcode=postcode,
        published_on=_date(re.sub(r"(Z|[+-]\d\d:\d\d)$", "", published), "cbc:IssueDate"),
        deadline=_ted_date(_first(deadline[0], "cbc:EndDate"), _first(deadline[0], "cbc:EndTime"),
                           "cac:TenderSubmissionDeadlinePeriod") if deadline else None,
        link=f"https://ted.europa.eu/en/notice/-/detail/{reference}" if is_pub_id else "",
        estimated_value=amount,
    )


def read_ted(data: bytes) -> list[Parsed | Problem]:
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise FileError(_("This file is not readable XML: %(detail)s") % {"detail": str(exc)[:200]}) from None
    if etree.QName(root).localname in NOTICE_ROOTS:
        notices = [root]
    else:
        notices = [n for n in root if isinstance(n.tag, str) and etree.QName(n).localname in NOTICE_ROOTS]
    if not notices:
        raise FileError(_("This file holds no TED eForms notice (ContractNotice or PriorInformationNotice)."))
    out: list[Parsed | Problem] = []
    for number, notice in enumerate(notices, start=1):
        try:
            out.append(_ted_notice(number, notice))
        except _Bad as bad:
            out.append(Problem(number, _first(notice, "cbc:ID")[:100], bad.field, bad.message))
    return out


def read(source: str, data: bytes) -> list[Parsed | Problem]:
    if len(data) > MAX_BYTES:
        raise FileError(_("This file is larger than %(max)s MB.") % {"max": MAX_BYTES // 1048576})
    if not data.strip():
        raise FileError(_("This file is empty."))
    if source == Source.BOAMP:
        return read_boamp(data)
    if source == Source.TED:
        return read_ted(data)
    raise FileError(_("Choose the file's format: BOAMP (JSON) or TED (XML)."))
