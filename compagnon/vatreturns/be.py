"""Belgium: the periodic VAT return (grids of the form 625 / Intervat), computed from the ledger
(VAT accounts by number) and the VAT breakdown of the sales documents issued in the period.

Accounts (PCMN / MAR, and purchases/vat.py for the reverse charge):
    451RR (4510xx)  VAT due on sales, by rate     → credits 54, debits (credit notes) 64
    4511RR / 4512RR reverse charge, intra-EU goods / services → 55; bases 86 / 88 (VAT ÷ rate)
    4513RR / 4514RR reverse charge, services from outside the EU / domestic → 56; base 87
    411             VAT recoverable               → debits 59, credits (credit notes) 63
    60 (but 602)    goods, raw materials          → 81 (credits: 85)
    602, 61…, other class 6 of the purchases journal → 82 (credits: 85)
    2…              fixed assets                  → 83 (credits: 85)
    4519 / 4119     current account with the VAT administration: the settlement (services.py)
Bases of the sales grids (01 to 03, 44 to 49) come from the documents' VAT breakdown.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnon.core import formatting
from compagnon.ledger.money import ZERO, money

from . import sources
from .boxes import Box, Figures, FromAccounts, FromDocuments, positive

PAY_CODE, CREDIT_CODE = "4519", "4119"
RATES = {"01": Decimal("6"), "02": Decimal("12"), "03": Decimal("21")}
EXEMPT_OTHER = ("E", "G", "O", "Z")
S_OUT = gettext_lazy("Outgoing transactions")
S_IN = gettext_lazy("Incoming transactions")
S_DUE = gettext_lazy("Tax due")
S_DEDUCT = gettext_lazy("Deductible tax")
S_BALANCE = gettext_lazy("Balance")

LABELS = {
    "00": gettext_lazy("Transactions subject to a special regime"),
    "01": gettext_lazy("Transactions at 6 %"),
    "02": gettext_lazy("Transactions at 12 %"),
    "03": gettext_lazy("Transactions at 21 %"),
    "44": gettext_lazy("Services to customers in another EU country (art. 21 § 2)"),
    "45": gettext_lazy("Transactions for which the VAT is due by the customer"),
    "46": gettext_lazy("Exempt intra-Community supplies"),
    "47": gettext_lazy("Other exempt transactions and transactions carried out abroad"),
    "48": gettext_lazy("Credit notes issued relating to grids 44 and 46"),
    "49": gettext_lazy("Credit notes issued relating to other transactions"),
    "81": gettext_lazy("Goods for resale, raw and consumable materials"),
    "82": gettext_lazy("Services and miscellaneous goods"),
    "83": gettext_lazy("Capital goods"),
    "84": gettext_lazy("Credit notes received relating to grids 86 and 88"),
    "85": gettext_lazy("Credit notes received relating to other incoming transactions"),
    "86": gettext_lazy("Intra-Community acquisitions of goods"),
    "87": gettext_lazy("Other incoming transactions for which the VAT is due by the declarant"),
    "88": gettext_lazy("Intra-Community services with reverse charge"),
    "54": gettext_lazy("VAT on the transactions of grids 01, 02 and 03"),
    "55": gettext_lazy("VAT on the transactions of grids 86 and 88"),
    "56": gettext_lazy("VAT on the transactions of grid 87"),
    "57": gettext_lazy("VAT on imports with deferred collection"),
    "61": gettext_lazy("Various VAT adjustments in favour of the State"),
    "63": gettext_lazy("VAT to repay stated on credit notes received"),
    "59": gettext_lazy("Deductible VAT"),
    "62": gettext_lazy("Various VAT adjustments in favour of the declarant"),
    "64": gettext_lazy("VAT to recover stated on credit notes issued"),
    "71": gettext_lazy("Tax due to the State"),
    "72": gettext_lazy("Amount owed by the State"),
}
DUE_SIDE = ("54", "55", "56", "57", "61", "63")
DEDUCT_SIDE = ("59", "62", "64")


def _sales_vat(a) -> bool:
    return a.code.startswith("451") and a.code[3:4] not in ("1", "2", "3", "4", "9")


def _reverse(digit):
    return lambda a: a.code.startswith("451" + digit) and len(a.code) > 4


def _deductible(a) -> bool:
    return a.code.startswith("411") and a.code != CREDIT_CODE


def _goods(a) -> bool:
    return a.code.startswith("60") and not a.code.startswith("602")


def _services(a) -> bool:
    return a.code.startswith("6") and not _goods(a)


def _assets(a) -> bool:
    return a.code.startswith("2")


def periodic(entity, period) -> Figures:
    t = sources.account_totals(entity, period.start, period.end)
    rows = sources.sales_breakdown(entity, period.start, period.end) + sources.deducted_deposits(
        entity, period.start, period.end
    )
    home = (entity.jurisdiction or "BE").upper()
    f = Figures("BE", period)
    g: dict[str, Box] = {}

    def docs(code, match, categories, *, abroad=None, kinds=()):
        amount = sum((r.taxable for r in rows if match(r)), ZERO)
        g[code] = Box(
            code,
            LABELS[code],
            S_OUT,
            amount=amount,
            source=FromDocuments(tuple(categories), (), tuple(kinds), abroad),
        )

    def not_credit(r):
        return r.kind != "credit_note"

    g["00"] = Box("00", LABELS["00"], S_OUT, amount=ZERO)
    for code, rate in RATES.items():
        docs(
            code,
            lambda r, rate=rate: not_credit(r) and r.category == "S" and r.rate == rate,
            ("S",),
        )
        g[code].source = FromDocuments(("S",), (rate,), ("invoice", "deposit"))
    docs(
        "44",
        lambda r: not_credit(r) and r.category == "AE" and r.country not in ("", home),
        ("AE",),
        abroad=True,
        kinds=("invoice", "deposit"),
    )
    docs(
        "45",
        lambda r: not_credit(r) and r.category == "AE" and r.country in ("", home),
        ("AE",),
        abroad=False,
        kinds=("invoice", "deposit"),
    )
    docs("46", lambda r: not_credit(r) and r.category == "K", ("K",), kinds=("invoice", "deposit"))
    docs(
        "47",
        lambda r: not_credit(r) and r.category in EXEMPT_OTHER,
        EXEMPT_OTHER,
        kinds=("invoice", "deposit"),
    )

    def eu_credit(r):
        return r.kind == "credit_note" and (
            r.category == "K" or (r.category == "AE" and r.country not in ("", home))
        )

    docs("48", eu_credit, ("K", "AE"), kinds=("credit_note",))
    docs(
        "49",
        lambda r: r.kind == "credit_note" and not eu_credit(r),
        ("S", "AE") + EXEMPT_OTHER,
        kinds=("credit_note",),
    )
    for code in ("48", "49"):
        g[code].amount = -g[code].amount

    purchases = "purchases"
    for code, match in (("81", _goods), ("82", _services), ("83", _assets)):
        ids = tuple(t.ids(match))
        g[code] = Box(
            code,
            LABELS[code],
            S_IN,
            amount=t.debits(ids, purchases),
            source=FromAccounts(ids, "debit", purchases),
        )
    incoming = tuple(t.ids(lambda a: _goods(a) or _services(a) or _assets(a)))
    g["84"] = Box("84", LABELS["84"], S_IN, amount=ZERO)
    g["85"] = Box(
        "85",
        LABELS["85"],
        S_IN,
        amount=t.credits(incoming, purchases),
        source=FromAccounts(incoming, "credit", purchases),
    )

    def reverse(digits):
        ids, base, vat = [], ZERO, ZERO
        for digit in digits:
            for pk in t.ids(_reverse(digit)):
                amount = t.net_credit([pk])
                rate = t.accounts[pk].vat_rate or RATES["03"]
                ids.append(pk)
                vat += amount
                base += money(amount * 100 / rate)
        return tuple(ids), base, vat

    ids86, base86, vat86 = reverse("1")
    ids88, base88, vat88 = reverse("2")
    ids87, base87, vat87 = reverse("34")
    g["86"] = Box("86", LABELS["86"], S_IN, amount=base86, source=FromAccounts(ids86))
    g["87"] = Box("87", LABELS["87"], S_IN, amount=base87, source=FromAccounts(ids87))
    g["88"] = Box("88", LABELS["88"], S_IN, amount=base88, source=FromAccounts(ids88))

    sales_vat = tuple(t.ids(_sales_vat))
    g["54"] = Box(
        "54",
        LABELS["54"],
        S_DUE,
        amount=t.credits(sales_vat),
        source=FromAccounts(sales_vat, "credit"),
    )
    g["55"] = Box(
        "55", LABELS["55"], S_DUE, amount=vat86 + vat88, source=FromAccounts(ids86 + ids88)
    )
    g["56"] = Box("56", LABELS["56"], S_DUE, amount=vat87, source=FromAccounts(ids87))
    g["57"] = Box("57", LABELS["57"], S_DUE, amount=ZERO)
    g["61"] = Box("61", LABELS["61"], S_DUE, amount=ZERO)
    deductible = tuple(t.ids(_deductible))
    g["63"] = Box(
        "63",
        LABELS["63"],
        S_DUE,
        amount=t.credits(deductible),
        source=FromAccounts(deductible, "credit"),
    )
    g["59"] = Box(
        "59",
        LABELS["59"],
        S_DEDUCT,
        amount=t.debits(deductible),
        source=FromAccounts(deductible, "debit"),
    )
    g["62"] = Box("62", LABELS["62"], S_DEDUCT, amount=ZERO)
    g["64"] = Box(
        "64",
        LABELS["64"],
        S_DEDUCT,
        amount=t.debits(sales_vat),
        source=FromAccounts(sales_vat, "debit"),
    )
    doc_tax = sum((r.tax for r in rows if r.category == "S"), ZERO)
    ledger_tax = g["54"].amount - g["64"].amount
    if doc_tax != ledger_tax:
        f.warnings.append(
            _(
                "The documents issued in the period carry %(docs)s of VAT and the ledger %(ledger)s: "
                "look for an entry posted by hand on a VAT account."
            )
            % {"docs": formatting.money(doc_tax), "ledger": formatting.money(ledger_tax)}
        )
    due = sum((g[c].amount for c in DUE_SIDE), ZERO)
    deduct = sum((g[c].amount for c in DEDUCT_SIDE), ZERO)
    g["71"] = Box(
        "71",
        LABELS["71"],
        S_BALANCE,
        amount=positive(due - deduct),
        formula="54 + 55 + 56 + 57 + 61 + 63 − 59 − 62 − 64",
    )
    g["72"] = Box(
        "72",
        LABELS["72"],
        S_BALANCE,
        amount=positive(deduct - due),
        formula="59 + 62 + 64 − 54 − 55 − 56 − 57 − 61 − 63",
    )
    order = (
        "00",
        "01",
        "02",
        "03",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "81",
        "82",
        "83",
        "84",
        "85",
        "86",
        "87",
        "88",
        "54",
        "55",
        "56",
        "57",
        "61",
        "63",
        "59",
        "62",
        "64",
        "71",
        "72",
    )
    f.boxes = [g[c] for c in order]
    for b in f.boxes:
        if b.amount is not None and b.amount < 0:
            f.warnings.append(
                _(
                    "Grid %(grid)s comes out negative (%(amount)s): a grid cannot be; check the "
                    "entries behind it."
                )
                % {"grid": b.code, "amount": formatting.money(b.amount)}
            )
    return f


def grid_rules(figures) -> list[str]:
    """The arithmetic rules of the form the figures must obey; the broken ones, in words."""
    a = {b.code: b.amount or ZERO for b in figures.boxes}
    broken = []
    due = sum((a[c] for c in DUE_SIDE), ZERO)
    deduct = sum((a[c] for c in DEDUCT_SIDE), ZERO)
    if a["71"] != positive(due - deduct):
        broken.append("71 = 54 + 55 + 56 + 57 + 61 + 63 − 59 − 62 − 64")
    if a["72"] != positive(deduct - due):
        broken.append("72 = 59 + 62 + 64 − 54 − 55 − 56 − 57 − 61 − 63")
    if a["71"] and a["72"]:
        broken.append("71 × 72 = 0")
    if a["55"] and not (a["86"] or a["88"]):
        broken.append("55 > 0 ⇒ 86 + 88 > 0")
    if a["56"] and not a["87"]:
        broken.append("56 > 0 ⇒ 87 > 0")
    if a["54"] and not (a["01"] or a["02"] or a["03"]):
        broken.append("54 > 0 ⇒ 01 + 02 + 03 > 0")
    for code in a:
        if a[code] < 0:
            broken.append(f"{code} ≥ 0")
    return broken


def settlement_amounts(figures) -> tuple[Decimal, Decimal]:
    return figures.amount("71"), figures.amount("72")
