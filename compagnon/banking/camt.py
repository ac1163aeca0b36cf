"""Reading ISO 20022 camt.053 bank-to-customer statements, versions .001.02 to .001.08.

The file is parsed once, with a parser that never goes to the network, loads no DTD and expands
no entity (a file declaring a DOCTYPE is refused). The namespace
``urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN`` says the version:

* **.02, .04, .08** are validated against the official XSDs carried in ``banking/xsd/`` (copied
  from the ISO 20022 message definitions; the app needs nothing outside itself). The first
  failing element is reported with its line and path.
* **.03, .05, .06, .07**: no XSD is at hand (none ships in an installed package either), so these
  get a *structural check of the elements read*: every statement has its ``Id`` and account,
  every booked entry an ``Amt`` with its currency, a ``CdtDbtInd`` of CRDT or DBIT and a booking
  date, and every amount and date read must be one. Anything else in those files is not checked.

What is read, per ``Stmt``: ``Id``, ``Acct/Id/IBAN`` (or ``Othr/Id``), ``FrToDt``, the OPBD
(else PRCD) and CLBD balances. Per booked ``Ntry`` (status BOOK; pending and information-only
entries are skipped): amount signed by ``CdtDbtInd`` (CRDT > 0, DBIT < 0), ``BookgDt``,
``ValDt``, ``AcctSvcrRef``, ``BkTxCd`` (``Domn/Cd-Fmly/Cd-SubFmlyCd``, else ``Prtry/Cd``) and, from
its ``NtryDtls/TxDtls``: the counterparty (the debtor for money in, the creditor for money out —
under ``Pty`` from .08 on — its account's IBAN and its agent's BIC), the joined ``RmtInf/Ustrd``,
the structured reference ``RmtInf/Strd/CdtrRefInf/Ref`` (Belgian structured communication or RF,
compacted; else one typed in the free text), ``Refs/EndToEndId``.

A batch entry (several ``TxDtls``) becomes one transaction per ``TxDtls`` when each gives its
amount and they add up to the entry's; otherwise the entry stays one transaction with the
communications joined.
"""

from __future__ import annotations

import datetime
import io
import re
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from compagnon.einvoice.parse_detect import syntax_sentence

from .models import StatementFormat
from .reading import (
    CENT,
    ReadLine,
    ReadStatement,
    StatementError,
    compact_iban,
    fit,
    normalise_reference,
    reference_in_text,
)

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
VERSIONS = ("02", "03", "04", "05", "06", "07", "08")
WITH_XSD = ("02", "04", "08")
XSD_DIR = Path(__file__).resolve().parent / "xsd"
_OTHER_MESSAGES = {
    "camt.052": "camt.052 (intraday account report)",
    "camt.054": "camt.054 (debit/credit notification)",
    "pain.001": "pain.001 (payment order)",
    "pain.008": "pain.008 (direct debit order)",
}


def parser() -> etree.XMLParser:
    # The file comes from outside: no network, no DTD, no entity expansion, no huge trees.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


_local = threading.local()


def schema(version: str) -> etree.XMLSchema:
    """The XSD of a version, compiled once per thread (lxml validators are not shared)."""
    cache = getattr(_local, "schemas", None)
    if cache is None:
        cache = _local.schemas = {}
    if version not in cache:
        path = XSD_DIR / f"camt.053.001.{version}.xsd"
        cache[version] = etree.XMLSchema(etree.parse(str(path), parser=parser()))
    return cache[version]


def looks_like_xml(data: bytes) -> bool:
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") or data.startswith((b"\xff\xfe<", b"\xfe\xff\x00<"))


def peek_iban(data: bytes) -> str:
    """The IBAN of the first statement's account, read without parsing the whole file (the
    command finds the account with it); "" when the file does not give one before any error."""
    try:
        for _event, el in etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag="{*}IBAN",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            parent = el.getparent()
            grand = parent.getparent() if parent is not None else None
            if grand is not None and etree.QName(grand).localname == "Acct":
                return compact_iban(el.text or "")
    except etree.XMLSyntaxError:
        return ""
    return ""


def path_of(el) -> str:
    """A readable path of an element: /Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt."""
    parts = []
    while el is not None:
        name = etree.QName(el).localname
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == el.tag]
            if len(same) > 1:
                name += f"[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def _error_at(message: str, el) -> StatementError:
    return StatementError(message, line=el.sourceline, place=path_of(el))


def _syntax_error(exc: etree.XMLSyntaxError) -> StatementError:
    # The parser's English is kept as the technical detail after a sentence in plain words.
    message, line = syntax_sentence(exc)
    return StatementError(message, line=line)


def read(data: bytes) -> ReadStatement:
    """Parse, validate and read a camt.053 file. Raises StatementError naming the problem."""
    try:
        root = etree.fromstring(data, parser=parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise StatementError(
            _(
                "The XML declares a document type (DOCTYPE); bank statements never do, and such "
                "files are refused for safety."
            ),
            line=1,
        )
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    version = namespace[len(NAMESPACE) :] if namespace.startswith(NAMESPACE) else ""
    if qname.localname != "Document" or version not in VERSIONS:
        raise _not_camt053(root, namespace)
    if version in WITH_XSD:
        _validate(root, version)
    return _Reader(root, namespace, version).read()


def _not_camt053(root, namespace: str) -> StatementError:
    for key, label in _OTHER_MESSAGES.items():
        if key in namespace:
            return StatementError(
                _(
                    "This is a %(kind)s, not a camt.053 bank statement. Download the account "
                    "statement (camt.053) from your bank."
                )
                % {"kind": label},
                line=root.sourceline,
                place=path_of(root),
            )
    if namespace.startswith(NAMESPACE):
        return StatementError(
            _(
                "camt.053 version %(version)s is not supported; the supported versions are "
                ".001.02 to .001.08."
            )
            % {"version": namespace.rsplit(":", 1)[-1]},
            line=root.sourceline,
            place=path_of(root),
        )
    return StatementError(
        _(
            "This XML is not a camt.053 bank statement: its root element is %(root)s "
            "(namespace: %(namespace)s). Expected a Document in the namespace "
            "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to .08."
        )
        % {"root": etree.QName(root).localname, "namespace": namespace or _("none")},
        line=root.sourceline,
        place=path_of(root),
    )


def _validate(root, version: str) -> None:
    xsd = schema(version)
    if xsd.validate(root):
        return
    errors = sorted(xsd.error_log, key=lambda e: e.line)
    first = errors[0]
    place = ""
    try:
        found = root.getroottree().xpath(first.path) if first.path else []
    except etree.XPathError:
        found = []
    if found and isinstance(found[0], etree._Element):
        place = path_of(found[0])
    detail = re.sub(r"\{(?:urn|https?):[^}]*\}", "", first.message or "").strip()
    message = _(
        "The file does not follow the camt.053.001.%(version)s schema at line %(line)s, "
        "element %(element)s: %(error)s"
    ) % {"version": version, "line": first.line, "element": place or "?", "error": detail}
    if len(errors) > 1:
        more = len(errors) - 1
        message += " " + ngettext(
            "(%(n)s more problem after this one.)", "(%(n)s more problems after this one.)", more
        ) % {"n": more}
    raise StatementError(message, line=first.line, place=place)


class _What:
    """Names the statement or entry a message is about; translated only when a message is."""

    __slots__ = ("entry", "n")

    def __init__(self, n: int, *, entry: bool):
        self.n, self.entry = n, entry

    def __str__(self):
        if self.entry:
            return _("Entry %(n)s") % {"n": self.n}
        return _("Statement %(n)s") % {"n": self.n}


class _Index(dict):
    """The descendants of an element by their path of local names ("RltdPties/Dbtr/Nm"), in
    document order: one walk of the subtree instead of a search per element read."""

    def el(self, path: str):
        found = self.get(path)
        return found[0] if found else None

    def text(self, path: str) -> str:
        found = self.get(path)
        return (found[0].text or "").strip() if found else ""

    def first(self, *paths: str) -> str:
        for path in paths:
            found = self.get(path)
            if found:
                value = (found[0].text or "").strip()
                if value:
                    return value
        return ""

    def texts(self, path: str) -> list[str]:
        return [(e.text or "").strip() for e in self.get(path, ()) if (e.text or "").strip()]


class _Reader:
    def __init__(self, root, namespace: str, version: str):
        self.root = root
        self.ns = namespace
        self.prefix = f"{{{namespace}}}"
        self.cut = len(self.prefix)
        self.version = version
        self._paths: dict[str, str] = {}

    # --- small helpers -----------------------------------------------------------------------

    def p(self, path: str) -> str:
        q = self._paths.get(path)
        if q is None:
            q = self._paths[path] = "/".join(f"{self.prefix}{part}" for part in path.split("/"))
        return q

    def text(self, el, path: str) -> str:
        return (el.findtext(self.p(path)) or "").strip()

    def index_entry(self, ntry) -> tuple[_Index, list[tuple]]:
        """Index an entry in one pass over its subtree (C-level iteration): the entry's own
        elements, and each ``NtryDtls/TxDtls`` apart — [(TxDtls element, its index)]."""
        prefix, cut = self.prefix, self.cut
        main = _Index()
        details: list[tuple] = []
        where = {ntry: (main, "")}
        get = where.get
        for el in ntry.iterdescendants():
            tag = el.tag
            if type(tag) is not str or not tag.startswith(prefix):
                continue  # comments, processing instructions, other namespaces
            parent = get(el.getparent())
            if parent is None:
                continue  # inside an element of another namespace
            idx, base = parent
            path = base + tag[cut:]
            found = idx.get(path)
            if found is None:
                idx[path] = [el]
            else:
                found.append(el)
            if idx is main and path == "NtryDtls/TxDtls":
                own = _Index()
                details.append((el, own))
                where[el] = (own, "")
            else:
                where[el] = (idx, path + "/")
        return main, details

    def date(self, idx: _Index, el, path: str, what, *, required: bool = False):
        holder = idx.el(path)
        if holder is None:
            if required:
                raise _error_at(
                    _("%(what)s: the element %(element)s is missing.")
                    % {"what": what, "element": path},
                    el,
                )
            return None
        node = idx.el(path + "/Dt")
        if node is None:
            node = idx.el(path + "/DtTm")
        if node is None or not (node.text or "").strip():
            raise _error_at(
                _("%(what)s: %(element)s gives neither Dt nor DtTm.")
                % {"what": what, "element": path},
                holder,
            )
        return self.parse_date(node, what)

    def parse_date(self, node, what) -> datetime.date:
        raw = (node.text or "").strip()
        try:
            return datetime.date.fromisoformat(raw[:10])
        except ValueError:
            raise _error_at(
                _("%(what)s: “%(value)s” is not a date (YYYY-MM-DD).")
                % {"what": what, "value": raw},
                node,
            ) from None

    def amount(self, node, what) -> Decimal:
        raw = (node.text or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise _error_at(
                _("%(what)s: “%(value)s” is not an amount.") % {"what": what, "value": raw}, node
            ) from None
        if not value.is_finite() or value < 0:
            raise _error_at(
                _("%(what)s: “%(value)s” is not an amount (positive, the sign is in CdtDbtInd).")
                % {"what": what, "value": raw},
                node,
            )
        rounded = value.quantize(CENT)
        if rounded != value:
            raise _error_at(
                _("%(what)s: “%(value)s” has more than two decimals.")
                % {"what": what, "value": raw},
                node,
            )
        return rounded

    def sign(self, node, el, what, *, default: int | None = None) -> int:
        """+1 or -1 from the ``CdtDbtInd`` element ``node`` (of ``el``)."""
        if node is None and default is not None:
            return default
        value = (node.text or "").strip() if node is not None else ""
        if value == "CRDT":
            return 1
        if value == "DBIT":
            return -1
        raise _error_at(
            _("%(what)s: CdtDbtInd must be CRDT (money in) or DBIT (money out), not “%(value)s”.")
            % {"what": what, "value": value},
            node if node is not None else el,
        )

    @staticmethod
    def bank_code(idx: _Index) -> str:
        domain = idx.text("BkTxCd/Domn/Cd")
        if domain:
            parts = [
                domain,
                idx.text("BkTxCd/Domn/Fmly/Cd"),
                idx.text("BkTxCd/Domn/Fmly/SubFmlyCd"),
            ]
            return fit("-".join(p for p in parts if p), 40)
        return fit(idx.text("BkTxCd/Prtry/Cd"), 40)

    # --- the document ------------------------------------------------------------------------

    def read(self) -> ReadStatement:
        out = ReadStatement(format=StatementFormat.CAMT053, version=f"camt.053.001.{self.version}")
        body = self.root.find(self.p("BkToCstmrStmt"))
        statements = body.findall(self.p("Stmt")) if body is not None else []
        if not statements:
            raise _error_at(
                _("The file holds no statement (BkToCstmrStmt/Stmt)."),
                body if body is not None else self.root,
            )
        ids, starts, ends = [], [], []
        for number, stmt in enumerate(statements, start=1):
            what = _What(number, entry=False)
            stmt_id = self.text(stmt, "Id")
            if not stmt_id:
                raise _error_at(_("%(what)s has no Id.") % {"what": what}, stmt)
            ids.append(stmt_id)
            self._account(stmt, out, what)
            start = stmt.find(self.p("FrToDt/FrDtTm"))
            end = stmt.find(self.p("FrToDt/ToDtTm"))
            if start is not None:
                starts.append(self.parse_date(start, what))
            if end is not None:
                ends.append(self.parse_date(end, what))
            self._balances(stmt, out, what, first=number == 1)
            for index, ntry in enumerate(stmt.iterfind(self.p("Ntry")), start=1):
                self._entry(ntry, out, _What(index, entry=True))
        out.statement_id = fit(", ".join(dict.fromkeys(ids)), 100)
        dates = [line.booking_date for line in out.lines]
        out.period_start = min(starts) if starts else min(dates, default=None)
        out.period_end = max(ends) if ends else max(dates, default=None)
        return out

    def _account(self, stmt, out: ReadStatement, what) -> None:
        node = stmt.find(self.p("Acct/Id/IBAN"))
        if node is None:
            node = stmt.find(self.p("Acct/Id/Othr/Id"))
        iban = compact_iban(node.text if node is not None else "")
        if not iban:
            raise _error_at(
                _("%(what)s does not say its account (Acct/Id/IBAN).") % {"what": what}, stmt
            )
        if out.iban and iban != out.iban:
            raise _error_at(
                _(
                    "The file holds statements of several accounts (%(first)s, %(other)s): "
                    "import one account per file."
                )
                % {"first": out.iban, "other": iban},
                node,
            )
        if not out.iban:
            out.iban, out.iban_line, out.iban_place = iban, node.sourceline, path_of(node)
        out.currency = out.currency or self.text(stmt, "Acct/Ccy")

    def _balances(self, stmt, out: ReadStatement, what, *, first: bool) -> None:
        found = {}
        for bal in stmt.iterfind(self.p("Bal")):
            code = self.text(bal, "Tp/CdOrPrtry/Cd")
            node = bal.find(self.p("Amt"))
            if code not in ("OPBD", "PRCD", "CLBD") or node is None:
                continue
            sign = self.sign(bal.find(self.p("CdtDbtInd")), bal, what)
            found.setdefault(code, self.amount(node, what) * sign)
        opening = found.get("OPBD", found.get("PRCD"))
        if first and opening is not None:
            out.opening_balance = opening
        if "CLBD" in found:
            out.closing_balance = found["CLBD"]

    def _entry(self, ntry, out: ReadStatement, what) -> None:
        idx, details = self.index_entry(ntry)
        status = idx.first("Sts/Cd", "Sts")
        if status and status != "BOOK":
            out.skipped += 1
            return
        amount_node = idx.el("Amt")
        if amount_node is None:
            raise _error_at(_("%(what)s has no amount (Amt).") % {"what": what}, ntry)
        sign = self.sign(idx.el("CdtDbtInd"), ntry, what)
        amount = self.amount(amount_node, what) * sign
        currency = (amount_node.get("Ccy") or "").strip()
        if not currency:
            raise _error_at(
                _("%(what)s: the amount does not say its currency (Ccy).") % {"what": what},
                amount_node,
            )
        booking = self.date(idx, ntry, "BookgDt", what, required=True)
        value = self.date(idx, ntry, "ValDt", what)
        reference = fit(idx.text("AcctSvcrRef"), 100)
        code = self.bank_code(idx)
        note = idx.text("AddtlNtryInf")

        def line(**kw) -> ReadLine:
            return ReadLine(
                booking_date=booking,
                value_date=value,
                currency=currency,
                bank_reference=kw.pop("bank_reference", reference),
                bank_code=kw.pop("bank_code", "") or code,
                line=ntry.sourceline,
                **kw,
            )

        parts = self._split(details, amount, currency, sign, what) if len(details) > 1 else None
        if parts:
            for number, (tx_idx, part_amount) in enumerate(parts, start=1):
                facts = self._details(tx_idx, credit=part_amount > 0, note=note)
                own_reference = facts.pop("own_reference")
                out.lines.append(
                    line(
                        amount=part_amount,
                        bank_reference=own_reference or reference,
                        part="" if own_reference else f"#{number}",
                        **facts,
                    )
                )
            return
        if details:
            all_facts = [
                self._details(tx_idx, credit=sign > 0, note=note) for _tx, tx_idx in details
            ]
            facts = all_facts[0]
            facts.pop("own_reference")
            if len(all_facts) > 1:
                facts["remittance"] = fit(
                    " / ".join(f["remittance"] for f in all_facts if f["remittance"]), 2000
                )
                names = {f["counterparty_name"] for f in all_facts}
                if len(names) > 1:
                    facts.update(counterparty_name="", counterparty_iban="", counterparty_bic="")
            out.lines.append(line(amount=amount, **facts))
            return
        out.lines.append(
            line(
                amount=amount,
                remittance=fit(note, 2000),
                structured_reference=reference_in_text(note),
            )
        )

    def _split(self, details, amount: Decimal, currency: str, sign: int, what):
        """[(index of a TxDtls, signed amount)] when every part gives its amount and they add
        up to the entry's."""
        parts = []
        for tx, tx_idx in details:
            node = tx_idx.el("Amt")
            if node is None:
                node = tx_idx.el("AmtDtls/TxAmt/Amt")
            if node is None or (node.get("Ccy") or currency) != currency:
                return None
            part_sign = self.sign(tx_idx.el("CdtDbtInd"), tx, what, default=sign)
            parts.append((tx_idx, self.amount(node, what) * part_sign))
        if sum((a for _idx, a in parts), Decimal("0")) != amount:
            return None
        return parts

    def _details(self, idx: _Index, *, credit: bool, note: str) -> dict:
        sides = (("Dbtr", "DbtrAcct", "DbtrAgt"), ("Cdtr", "CdtrAcct", "CdtrAgt"))
        mine, other = sides if credit else sides[::-1]

        def side(party, account, agent):
            return (
                idx.first(
                    f"RltdPties/{party}/Nm",
                    f"RltdPties/{party}/Pty/Nm",
                    f"RltdPties/Ultmt{party}/Nm",
                    f"RltdPties/Ultmt{party}/Pty/Nm",
                ),
                idx.first(f"RltdPties/{account}/Id/IBAN", f"RltdPties/{account}/Id/Othr/Id"),
                idx.first(f"RltdAgts/{agent}/FinInstnId/BIC", f"RltdAgts/{agent}/FinInstnId/BICFI"),
            )

        name, iban, bic = side(*mine)
        if not name and not iban:  # e.g. a returned payment: the other side is named
            name, iban, bic = side(*other)
        remittance = " ".join(idx.texts("RmtInf/Ustrd")) or idx.text("AddtlTxInf") or note
        structured = ""
        ref = idx.first("RmtInf/Strd/CdtrRefInf/Ref")
        if ref:
            structured = normalise_reference(ref)
        else:
            structured = reference_in_text(remittance)
        end_to_end = idx.text("Refs/EndToEndId")
        if end_to_end.upper() == "NOTPROVIDED":
            end_to_end = ""
        return {
            "counterparty_name": fit(name, 200),
            "counterparty_iban": fit(compact_iban(iban), 34),
            "counterparty_bic": fit(bic.upper(), 11),
            "remittance": fit(remittance, 2000),
            "structured_reference": fit(structured, 35),
            "end_to_end_id": fit(end_to_end, 100),
            "bank_code": self.bank_code(idx),
            "own_reference": fit(idx.text("Refs/AcctSvcrRef"), 100),
        }
