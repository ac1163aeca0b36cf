"""What the text of a receipt or an invoice says: totals, VAT per rate, date, supplier and its
identifiers, invoice number, IBAN. French, Dutch and English wording; amounts written
``1 234,50``, ``1.234,50`` or ``1,234.50``; dates ``dd/mm/yyyy``, ``dd-mm-jjjj``, ``dd.mm.yy``,
``yyyy-mm-dd`` or in words (``14 novembre 2026``, ``3 mei 2026``, ``May 3, 2026``).

The text may come from OCR, which drops spaces (``TOTALTTC``), accents and the euro sign, or
from a PDF's text layer. Everything found is a *suggestion*: nothing is invented (a total is
computed only from figures that were read), and the member confirms.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren, siret

from .reading import Reading

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000")

# --- normalising ----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFC, spaces of every kind as one space per gap (line breaks kept), typographic quotes
    and dashes made plain."""
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub(r"[\u00a0\u202f\u2007\u2009\t]", " ", text)
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").replace("\r", "\n")
    return "\n".join(re.sub(r" {2,}", "  ", line).strip() for line in text.split("\n"))


def _plain(line: str) -> str:
    """Upper case without accents: keyword matching only (amounts are read from the line itself)."""
    decomposed = unicodedata.normalize("NFKD", line)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


# --- amounts --------------------------------------------------------------------------------

# A number with two decimals, thousands grouped by space, dot, comma or apostrophe.
_AMOUNT = re.compile(
    r"(?<![\d.,/:])(-?)(\d{1,3}(?:[ .,'](?:\d{3}))+|\d+)\s?([.,])\s?(\d{2})(?![\d%]|\s?%|[.,]\d|/)"
)
_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def parse_amount(text: str) -> Decimal | None:
    """The first amount with two decimals in ``text`` ("1 234,50 €", "EUR 1,234.50", "12.50")."""
    found = amounts(text)
    return found[0] if found else None


def amounts(line: str) -> list[Decimal]:
    """Every amount with two decimals in a line, left to right (percentages and dates left out)."""
    line = _PERCENT.sub(" ", re.sub(r"[\u00a0\u202f\u2007\u2009]", " ", line))
    line = re.sub(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", " ", line)  # dates
    line = re.sub(r"\b\d{1,2}:\d{2}(?::\d{2})?\b", " ", line)  # times
    out = []
    for sign, whole, _sep, cents in _AMOUNT.findall(line):
        digits = re.sub(r"[ .,']", "", whole)
        try:
            value = Decimal(f"{sign}{digits}.{cents}")
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            continue
        if abs(value) < MAX_AMOUNT:
            out.append(value)
    return out


def _rate(text: str) -> Decimal | None:
    match = _PERCENT.search(text)
    if not match:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    return value if Decimal("0") <= value <= Decimal("30") else None


# --- keywords -------------------------------------------------------------------------------

_VAT_WORD = r"(?:T\.?V\.?A|B\.?T\.?W|V\.?A\.?T|TAX|MWST|IVA)"
# rank: lower is stronger
_TOTAL_INCL = [
    (0, re.compile(r"TOTAL\s*T\.?T\.?C|MONTANT\s*T\.?T\.?C|TOTAL\s*\(?TTC|NET\s*A\s*PAYER|TOTAAL\s*(?:INCL|INCLUSIEF|TE\s*BETALEN|BEDRAG\s*INCL)|"
                   r"TE\s*BETALEN|TOTAL\s*(?:INCL|INCLUDING)\.?\s*(?:VAT|TAX)|AMOUNT\s*DUE|BALANCE\s*DUE|GRAND\s*TOTAL|"
                   r"TOTAL\s*A\s*PAYER|A\s*PAYER|TOTAL\s*DUE|INCL\.?\s*BTW|T\.?T\.?C\.?\s*$|TOTAAL\s*EUR")),
    (1, re.compile(r"\bTOTA(?:L|AL)\b|\bTOTA(?:L|AL)(?=[\s:]*(?:EUR|€|\d))|^\s*TOTA(?:L|AL)|\bSOMME\b|\bBEDRAG\b")),
    (2, re.compile(r"\bCB\b|CARTE\s*BANCAIRE|\bCARTE\b|ESPECES|BANCONTACT|\bVISA\b|MASTERCARD|\bCASH\b|CONTANT|\bPAYE\b|BETAALD|\bPAID\b")),
]
_TOTAL_EXCL = re.compile(
    r"TOTAL\s*H\.?T|MONTANT\s*H\.?T|\bH\.?T\.?\b|HORS\s*TAXES?|EXCL\.?\s*(?:BTW|VAT|TVA|TAX)|EXCLUSIEF|"
    r"MAATSTAF|BASE\s*HT|NET\s*AMOUNT|SUB\s*-?\s*TOTAL|SOUS\s*-?\s*TOTAL|TOTAL\s*NET\b|ZONDER\s*BTW|BEFORE\s*TAX")
_NOT_TOTAL = re.compile(r"RENDU|RENDU\s*MONNAIE|WISSELGELD|CHANGE\b|REMISE|KORTING|DISCOUNT|ECONOMIE|POINTS|FIDELITE|"
                        r"TOTAL\s*(?:ARTICLES?|ITEMS?|QTE|QUANTITE)|NB\s*ARTICLES|AANTAL|ARTIKELEN|ITEMS\b")


def _is_vat_line(plain: str) -> bool:
    return bool(re.search(_VAT_WORD, plain)) and not _TOTAL_INCL[0][1].search(plain) and not re.search(
        r"(?:N|NR|NO|NUM|NUMMER|NUMBER|INTRA|IDENT|ID)\W{0,3}" + _VAT_WORD + r"|" + _VAT_WORD + r"\W{0,3}(?:N\W|NR|NO\b|NUM|NUMMER|NUMBER|INTRA|ID\b|:?\s*[A-Z]{2}\s?\d{2})",
        plain)


# --- dates ----------------------------------------------------------------------------------

MONTHS = {
    # French
    "JANVIER": 1, "JANV": 1, "FEVRIER": 2, "FEVR": 2, "FEV": 2, "MARS": 3, "AVRIL": 4, "AVR": 4, "MAI": 5,
    "JUIN": 6, "JUILLET": 7, "JUIL": 7, "AOUT": 8, "SEPTEMBRE": 9, "OCTOBRE": 10, "NOVEMBRE": 11,
    "DECEMBRE": 12,
    # Dutch
    "JANUARI": 1, "FEBRUARI": 2, "MAART": 3, "MEI": 5, "JUNI": 6, "JULI": 7, "AUGUSTUS": 8,
    "OKTOBER": 10, "OKT": 10,
    # English
    "JANUARY": 1, "JAN": 1, "FEBRUARY": 2, "FEB": 2, "MARCH": 3, "MAR": 3, "APRIL": 4, "APR": 4, "MAY": 5,
    "JUNE": 6, "JUN": 6, "JULY": 7, "JUL": 7, "AUGUST": 8, "AUG": 8, "SEPTEMBER": 9, "SEPT": 9, "SEP": 9,
    "OCTOBER": 10, "OCT": 10, "NOVEMBER": 11, "NOV": 11, "DECEMBER": 12, "DEC": 12,
}
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMERIC_DATE = re.compile(r"(?<![\d.,])(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})(?![\d,]|\.\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})(?:ER|E)?\.?\s+(" + _MONTH_WORD + r")\.?\s+(\d{4})(?!\d)")
_EN_WORD_DATE = re.compile(r"\b(" + _MONTH_WORD + r")\.?\s+(\d{1,2})(?:ST|ND|RD|TH)?,?\s+(\d{4})(?!\d)")
_DATE_KEY = re.compile(r"\bDATE\b|\bDATUM\b|FACTUURDATUM|DATE\s*DE\s*FACTURE|INVOICE\s*DATE|\bLE\b|\bDU\b|\bDD\b|EMISSION|UITGIFTE")
_NOT_ISSUE_DATE = re.compile(r"ECHEANCE|VERVAL|DUE\b|PAYABLE\s*AVANT|TE\s*BETALEN\s*VOOR|BEFORE|LIMITE|VALID|GELDIG|"
                             r"LIVRAISON|LEVERING|DELIVERY|PERIODE|PERIOD|NAISSANCE|EXPIR")


def _make_date(year: int, month: int, day: int, today: datetime.date) -> datetime.date | None:
    if year < 100:
        year += 2000
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return None
    if not datetime.date(2000, 1, 1) <= value <= today + datetime.timedelta(days=366):
        return None
    return value


def dates_in(plain: str, today: datetime.date) -> list[datetime.date]:
    found: list[tuple[int, datetime.date]] = []
    for m in _ISO_DATE.finditer(plain):
        value = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), today)
        if value:
            found.append((m.start(), value))
    for m in _NUMERIC_DATE.finditer(plain):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2 and "/" not in m.group(0) and "." not in m.group(0) and "-" not in m.group(0):
            continue
        # day first (FR, BE, NL, UK); month first only when the day-first reading is impossible
        value = _make_date(year, second, first, today) or (_make_date(year, first, second, today) if first <= 12 < second
                                                         else None)
        if value:
            found.append((m.start(), value))
    for m in _WORD_DATE.finditer(plain):
        value = _make_date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)), today)
        if value:
            found.append((m.start(), value))
    for m in _EN_WORD_DATE.finditer(plain):
        value = _make_date(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)), today)
        if value:
            found.append((m.start(), value))
    return [v for _pos, v in sorted(found, key=lambda item: item[0])]


# --- identifiers ----------------------------------------------------------------------------

_SIRET = re.compile(r"(?<!\d)(\d{3}\s?\d{3}\s?\d{3}\s?\d{5})(?!\d)")
_SIREN = re.compile(r"(?<!\d)(\d{3}\s?\d{3}\s?\d{3})(?![\d])")
_VAT_NUMBER = re.compile(r"\b(FR\s?[0-9A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}|BE\s?[01]?\d{3}[.\s]?\d{3}[.\s]?\d{3}|"
                         r"(?:NL\s?\d{9}\s?B\d{2}|LU\s?\d{8}|DE\s?\d{9}))\b")
_KBO = re.compile(r"(?<![\d.])([01]\d{3}[.\s]?\d{3}[.\s]?\d{3})(?![\d.])")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)\b")
_INVOICE_NO = re.compile(
    r"(?:FACTURE|FACT\.|INVOICE|FACTUUR|TICKET|BON|RECU|REÇU|RECEIPT|KASTICKET|NOTE)\s*(?:N\s?[O°º]?\.?|NR\.?|NO\.?|NUM(?:ERO|BER|MER)?\.?|#)?\s*[:.]?\s*"
    r"([A-Z]{0,5}[-/]?\d[A-Z0-9/-]{1,24})"
    r"|(?:N\s?[O°º]\.?|NR\.?|NO\.?|NUMERO|NUMBER|NUMMER)\s*(?:DE\s*)?(?:FACTURE|INVOICE|FACTUUR|TICKET)\s*[:.]?\s*"
    r"([A-Z]{0,5}[-/]?\d[A-Z0-9/-]{1,24})"
    r"|(?:FACTUURNUMMER|FACTUURNR\.?|INVOICE\s*NUMBER)\s*[:.]?\s*([A-Z]{0,5}[-/]?\d[A-Z0-9/-]{1,24})")


def _identifiers(text: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for raw_line in text.split("\n"):
        line = _plain(raw_line)
        if "SIRET" in line or "SIRET" not in ids:
            for m in _SIRET.finditer(line):
                number = re.sub(r"\s", "", m.group(1))
                if siret.is_valid(number):
                    ids.setdefault("siret", number)
                    ids.setdefault("siren", number[:9])
        if re.search(r"SIREN|R\.?C\.?S", line):
            for m in _SIREN.finditer(line):
                number = re.sub(r"\s", "", m.group(1))
                if siren.is_valid(number):
                    ids.setdefault("siren", number)
        for m in _VAT_NUMBER.finditer(line.replace("TVAFR", "TVA FR").replace("BTWBE", "BTW BE")):
            number = re.sub(r"[\s.]", "", m.group(1))
            if eu_vat.is_valid(number):
                ids.setdefault("vat", eu_vat.compact(number))
        if re.search(r"\bKBO\b|\bBCE\b|ONDERNEMINGS|N\W*D'?\s?ENTREPRISE|ENTREPRISE\s*N|ENTERPRISE", line):
            for m in _KBO.finditer(line):
                number = re.sub(r"[\s.]", "", m.group(1)).zfill(10)
                if be_vat.is_valid("BE" + number):
                    ids.setdefault("kbo", number)
    if "kbo" not in ids and ids.get("vat", "").startswith("BE"):
        ids["kbo"] = ids["vat"][2:].zfill(10)
    return ids


def _iban(text: str) -> str:
    for raw_line in text.split("\n"):
        line = _plain(raw_line)
        for m in _IBAN.finditer(line):
            candidate = re.sub(r"\s", "", m.group(1))
            # the match may run into the next word (BIC…): try the longest valid prefix
            for end in range(len(candidate), 14, -1):
                try:
                    return IBAN(candidate[:end]).compact
                except (SchwiftyException, ValueError):
                    continue
    return ""


def _invoice_number(lines: list[str]) -> str:
    for raw in lines:
        plain = _plain(raw)
        m = _INVOICE_NO.search(plain)
        if m:
            value = next(g for g in m.groups() if g)
            # keep the member's spelling (case) from the original line when it is there
            start = plain.find(value)
            original = raw[start:start + len(value)] if start >= 0 and len(raw) == len(plain) else value
            return original.strip("-/")
    return ""


# --- supplier -------------------------------------------------------------------------------

_NOT_A_NAME = re.compile(
    r"^(?:TICKET|FACTURE|FACTUUR|INVOICE|RECU|RECEIPT|KASTICKET|BON|NOTE|DUPLICATA|COPIE|KOPIE|COPY|BIENVENUE|WELKOM|"
    r"WELCOME|MERCI|BEDANKT|THANK|DATE|DATUM|TEL|TEL\.|PHONE|FAX|WWW|HTTP|EMAIL|E-MAIL|CAISSE|KASSA|CLIENT|KLANT|"
    r"CUSTOMER|PAGE|BLAD)\b")
_ADDRESS = re.compile(r"\b\d{4,5}\b\s+[A-Z]|\b(?:RUE|AVENUE|AV\.|BD|BOULEVARD|PLACE|CHEMIN|ALLEE|IMPASSE|QUAI|ROUTE|"
                      r"STRAAT|STR\.|LAAN|PLEIN|WEG|STEENWEG|KAAI|STREET|ROAD|CEDEX|BP)\b")


def _supplier(lines: list[str]) -> str:
    for raw in lines[:8]:
        plain = _plain(raw)
        letters = sum(c.isalpha() for c in plain)
        if letters < 3 or letters < len(plain.replace(" ", "")) * 0.5:
            continue
        if _NOT_A_NAME.search(plain) or _ADDRESS.search(plain) or amounts(raw) or _PERCENT.search(plain):
            continue
        if re.search(r"SIRET|SIREN|R\.?C\.?S|" + _VAT_WORD + r"|KBO|BCE|IBAN|BIC|@", plain):
            continue
        return re.sub(r"\s{2,}", " ", raw).strip(" -*=:")[:120]
    return ""


# --- the whole reading ----------------------------------------------------------------------


def _total_candidates(lines: list[str]) -> tuple[list[tuple[int, int, Decimal]], list[Decimal]]:
    """(rank, line index, amount) for totals including VAT, and the amounts of totals excl. VAT."""
    incl: list[tuple[int, int, Decimal]] = []
    excl: list[Decimal] = []
    for i, raw in enumerate(lines):
        plain = _plain(raw)
        if _NOT_TOTAL.search(plain):
            continue
        values = [v for v in amounts(raw) if v > 0]
        if not values:
            # the amount may stand alone on the next line (OCR columns, PDF tables)
            if i + 1 < len(lines) and not re.search(r"[A-Z]{3}", _plain(lines[i + 1]).replace("EUR", "")):
                values = [v for v in amounts(lines[i + 1]) if v > 0]
            if not values:
                continue
        value = values[-1]
        strong_incl = _TOTAL_INCL[0][1].search(plain)
        if _TOTAL_EXCL.search(plain) and not strong_incl:
            excl.append(values[0] if len(values) > 1 and re.search(_VAT_WORD, plain) else value)
            continue
        if _is_vat_line(plain) and not strong_incl:
            continue
        for rank, pattern in _TOTAL_INCL:
            if pattern.search(plain):
                incl.append((rank, i, value))
                break
    return incl, excl


def _vat_lines(lines: list[str]) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    found: dict[Decimal, tuple[Decimal, Decimal | None, Decimal]] = {}
    for raw in lines:
        plain = _plain(raw)
        rate = _rate(plain)
        if rate is None or not re.search(_VAT_WORD + r"|^\s*[A-D]\s", plain):
            continue
        if _TOTAL_INCL[0][1].search(plain) and not _is_vat_line(plain):
            continue
        values = [v for v in amounts(raw) if v >= 0]
        if not values:
            continue
        base: Decimal | None = None
        if len(values) == 1:
            tax = values[0]
        else:
            # "base vat" or "base vat total" or "vat base" (table columns): the VAT is the value
            # that is the rate applied to another one; else the smaller of the first two
            tax, base = _pair(values, rate)
        if base is not None and rate > 0 and abs(base * rate / 100 - tax) > max(CENT * 2, tax * Decimal("0.02")):
            base = None  # the columns did not make sense: keep the VAT alone
        if rate == 0 and tax > 0 and base is None:
            continue
        rate = rate.quantize(CENT)
        found.setdefault(rate, (rate, base, tax))
    return sorted(found.values(), key=lambda item: -item[0])


def _pair(values: list[Decimal], rate: Decimal) -> tuple[Decimal, Decimal | None]:
    for base in values:
        for tax in values:
            if tax is not base and base > 0 and abs(base * rate / 100 - tax) <= max(CENT * 2, tax * Decimal("0.01")):
                return tax, base
    first, second = values[0], values[1]
    return (min(first, second), max(first, second))


def parse_text(text: str, *, engine: str = "", today: datetime.date | None = None) -> Reading:
    """Read a receipt's or an invoice's text (OCR or PDF text layer) into a :class:`Reading`."""
    today = today or datetime.date.today()
    text = normalise(text)
    lines = [line for line in text.split("\n") if line.strip()]
    incl, excl = _total_candidates(lines)
    vat_lines = _vat_lines(lines)
    vat_sum = sum((t for _r, _b, t in vat_lines), Decimal("0"))
    total_excl = excl[-1] if excl else None
    total: Decimal | None = None
    if incl:
        best_rank = min(rank for rank, _i, _v in incl)
        best = [(i, v) for rank, i, v in incl if rank == best_rank]
        # among equals: the one that agrees with excl. + VAT, else the largest (a receipt's
        # "TOTAL" is larger than the "Total HT" or the "Total articles")
        agreeing = [v for _i, v in best if total_excl is not None and vat_lines and v == total_excl + vat_sum]
        total = agreeing[0] if agreeing else max(v for _i, v in best)
        if best_rank > 0 and total_excl is not None and total < total_excl:
            total = None
    if total is None and total_excl is not None and vat_lines:
        total = total_excl + vat_sum
    if total_excl is None and total is not None and vat_lines and vat_sum < total:
        bases = [b for _r, b, _t in vat_lines]
        if all(b is not None for b in bases) and sum(bases) + vat_sum == total:
            total_excl = sum(bases)
        else:
            total_excl = total - vat_sum
    if total is not None and total_excl is not None and total_excl > total:
        total_excl = None
    # the issue date: one on a "date" line that is not a due date, else the first one
    issue = None
    for raw in lines:
        plain = _plain(raw)
        if _NOT_ISSUE_DATE.search(plain):
            continue
        found = dates_in(plain, today)
        if found and _DATE_KEY.search(plain):
            issue = found[0]
            break
        if found and issue is None:
            issue = found[0]
    ids = _identifiers(text)
    return Reading(
        total_incl_vat=total,
        total_excl_vat=total_excl,
        vat_lines=[(r, b, t) for r, b, t in vat_lines],
        issue_date=issue,
        supplier_name=_supplier(lines),
        supplier_ids=ids,
        invoice_number=_invoice_number(lines),
        iban=_iban(text),
        text=text,
        engine=engine,
    )
