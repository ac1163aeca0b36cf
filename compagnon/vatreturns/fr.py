"""France: the monthly/quarterly CA3 (form 3310-CA3) and the yearly CA12 (form 3517-S, simplified
regime), computed from the ledger (VAT accounts by number) and the VAT breakdown of the sales
documents issued in the period (the bases by rate, exports, intra-EU supplies, exempt sales).

Accounts (Plan comptable général, art. 932-1):
    44571x  TVA collectée, one account per rate        → lines 08, 09, 9B, 14 (tax)
    4452DR  TVA due on reverse charge (purchases/vat.py), D the case, R the rate digit; the
            VAT goes with the rate's line (08, 9B, 09, 14), the base is the VAT / the rate:
            44521R intra-EU goods → B2 and 17; 44522R intra-EU services → A3;
            44523R services from outside the EU → B4; 44524R domestic (construction) → A2
    44562   TVA déductible sur immobilisations          → line 19 (CA12: 20)
    44566   TVA déductible sur autres biens et services → line 20 (CA12: 21)
    44567   Crédit de TVA à reporter                   → line 22 (CA12: 24), balance before
    44551   TVA à décaisser                            → the settlement entry (services.py)
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnon.core import formatting
from compagnon.ledger.money import ZERO, money

from . import sources
from .boxes import Box, Figures, FromAccounts, FromDocuments, positive

COLLECTED, DUE_INTRA, DEDUCT_ASSETS, DEDUCT_OTHER, CREDIT = (
    "44571",
    "4452",
    "44562",
    "44566",
    "44567",
)
TO_PAY = "44551"
TAXABLE = ("S",)
EXPORTS = ("G",)
INTRA_EU = ("K",)
OTHER_NON_TAXABLE = ("E", "O", "Z", "AE")
R20, R10, R55, R21 = Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1")

# Section titles as on the form.
S_TAXABLE = gettext_lazy("Taxable transactions (excluding VAT)")
S_NON_TAXABLE = gettext_lazy("Non-taxable transactions")
S_GROSS = gettext_lazy("Gross VAT")
S_DEDUCTIBLE = gettext_lazy("Deductible VAT")
S_CREDIT = gettext_lazy("Credit")
S_TO_PAY = gettext_lazy("Tax to pay")
S_RESULT = gettext_lazy("Result")


class _Reading:
    """The period's ledger and documents, read once, and the account ids by role on the form."""

    def __init__(self, entity, period):
        self.entity, self.period = entity, period
        self.totals = sources.account_totals(entity, period.start, period.end)
        self.rows = sources.sales_breakdown(entity, period.start, period.end) + (
            sources.deducted_deposits(entity, period.start, period.end)
        )
        t = self.totals
        self.collected_by_rate: dict[Decimal | None, list[int]] = defaultdict(list)
        for pk in t.ids(lambda a: a.code.startswith(COLLECTED)):
            rate = t.accounts[pk].vat_rate
            self.collected_by_rate[None if rate is None else rate.normalize()].append(pk)
        self.due_intra = t.ids(lambda a: a.code.startswith(DUE_INTRA))
        self.due_by_case: dict[str, list[int]] = defaultdict(list)
        for pk in self.due_intra:
            self.due_by_case[t.accounts[pk].code[4:5]].append(pk)
        self.deduct_assets = t.ids(lambda a: a.code.startswith(DEDUCT_ASSETS))
        self.deduct_other = t.ids(lambda a: a.code.startswith(DEDUCT_OTHER))
        self.credit = t.ids(lambda a: a.code.startswith(CREDIT))

    def base(self, categories, rate=None) -> Decimal:
        return sum(
            (
                r.taxable
                for r in self.rows
                if r.category in categories and (rate is None or r.rate == rate)
            ),
            ZERO,
        )

    def doc_tax(self, rate) -> Decimal:
        return sum((r.tax for r in self.rows if r.category in TAXABLE and r.rate == rate), ZERO)

    def reverse_charge(self, ids) -> tuple[Decimal, Decimal]:
        """(base, VAT) of reverse-charge accounts: the base is the VAT divided by the rate."""
        base = vat = ZERO
        for pk in ids:
            amount = self.totals.net_credit([pk])
            rate = self.totals.accounts[pk].vat_rate or R20
            vat += amount
            base += money(amount * 100 / rate)
        return base, vat

    def reverse_charge_at(self, rate) -> tuple[Decimal, Decimal, list[int]]:
        ids = [pk for pk in self.due_intra if (self.totals.accounts[pk].vat_rate or R20) == rate]
        base, vat = self.reverse_charge(ids)
        return base, vat, ids

    def collected(self, rate) -> tuple[Decimal, list[int]]:
        ids = list(self.collected_by_rate.get(rate, []))
        if rate == R20:  # an account of 44571 without a rate counts at the standard rate
            ids += self.collected_by_rate.get(None, [])
        return self.totals.net_credit(ids), ids

    def carried_credit(self) -> Decimal:
        return self.carried_credit_of(self.entity, self.period)

    @staticmethod
    def carried_credit_of(entity, period) -> Decimal:
        return positive(sources.balance_before(entity, CREDIT, period.start))


def _vat_line(reading, figures, code, label, section, rate):
    tax, ids = reading.collected(rate)
    rc_base, rc_vat, rc_ids = reading.reverse_charge_at(rate)
    doc_tax = reading.doc_tax(rate)
    if doc_tax != tax:
        figures.warnings.append(
            _(
                "At %(rate)s, the documents issued in the period carry %(docs)s of VAT and the "
                "ledger %(ledger)s: look for an entry posted by hand on the VAT account."
            )
            % {
                "rate": formatting.percent(rate),
                "docs": formatting.money(doc_tax),
                "ledger": formatting.money(tax),
            }
        )
    return Box(
        code,
        label,
        section,
        amount=tax + rc_vat,
        base=reading.base(TAXABLE, rate) + rc_base,
        source=FromAccounts(tuple(ids) + tuple(rc_ids), "both"),
        base_source=FromDocuments(TAXABLE, (rate,)),
    )


def _reverse_charge_boxes(r, codes) -> list[Box]:
    """The bases of the purchases taxed by reverse charge, by case."""
    out = []
    for digit, code, label in codes:
        ids = r.due_by_case.get(digit, [])
        base, _vat = r.reverse_charge(ids)
        out.append(Box(code, label, S_TAXABLE, amount=base, source=FromAccounts(tuple(ids))))
    return out


def ca3(entity, period) -> Figures:
    r = _Reading(entity, period)
    t = r.totals
    f = Figures("CA3", period)
    intra_ids = tuple(r.due_by_case.get("1", []))
    intra_vat = t.net_credit(intra_ids)
    f.boxes.append(
        Box(
            "A1",
            gettext_lazy("Sales, services"),
            S_TAXABLE,
            amount=r.base(TAXABLE),
            source=FromDocuments(TAXABLE),
        )
    )
    f.boxes += _reverse_charge_boxes(
        r,
        [
            ("4", "A2", gettext_lazy("Other taxable transactions")),
            (
                "2",
                "A3",
                gettext_lazy(
                    "Purchases of services from a taxable person established in another EU country"
                ),
            ),
            ("1", "B2", gettext_lazy("Intra-Community acquisitions")),
            (
                "3",
                "B4",
                gettext_lazy(
                    "Purchases of goods or services from a taxable person not established in France"
                ),
            ),
        ],
    )
    f.boxes += [
        Box(
            "E1",
            gettext_lazy("Exports outside the EU"),
            S_NON_TAXABLE,
            amount=r.base(EXPORTS),
            source=FromDocuments(EXPORTS),
        ),
        Box(
            "E2",
            gettext_lazy("Other non-taxable transactions"),
            S_NON_TAXABLE,
            amount=r.base(OTHER_NON_TAXABLE),
            source=FromDocuments(OTHER_NON_TAXABLE),
        ),
        Box(
            "F2",
            gettext_lazy("Intra-Community supplies to a taxable person in another EU country"),
            S_NON_TAXABLE,
            amount=r.base(INTRA_EU),
            source=FromDocuments(INTRA_EU),
        ),
    ]
    f.boxes.append(_vat_line(r, f, "08", gettext_lazy("Standard rate 20 %"), S_GROSS, R20))
    f.boxes.append(_vat_line(r, f, "09", gettext_lazy("Reduced rate 5.5 %"), S_GROSS, R55))
    f.boxes.append(_vat_line(r, f, "9B", gettext_lazy("Reduced rate 10 %"), S_GROSS, R10))
    f.boxes += [
        Box(
            "10",
            gettext_lazy("Standard rate 8.5 % (overseas departments)"),
            S_GROSS,
            amount=ZERO,
            base=ZERO,
        ),
        Box(
            "11",
            gettext_lazy("Reduced rate 2.1 % (overseas departments)"),
            S_GROSS,
            amount=ZERO,
            base=ZERO,
        ),
        Box("13", gettext_lazy("Former rates"), S_GROSS, amount=ZERO, base=ZERO),
    ]
    f.boxes.append(
        _vat_line(
            r,
            f,
            "14",
            gettext_lazy("Transactions taxable at a special rate (schedule 3310 A)"),
            S_GROSS,
            R21,
        )
    )
    f.boxes.append(
        Box("15", gettext_lazy("VAT previously deducted, to be repaid"), S_GROSS, amount=ZERO)
    )
    gross = sum((f.amount(c) for c in ("08", "09", "9B", "10", "11", "13", "14", "15")), ZERO)
    f.boxes += [
        Box(
            "16",
            gettext_lazy("Total gross VAT due"),
            S_GROSS,
            amount=gross,
            formula="08 + 09 + 9B + 10 + 11 + 13 + 14 + 15",
        ),
        Box(
            "17",
            gettext_lazy("Of which VAT on intra-Community acquisitions"),
            S_GROSS,
            amount=intra_vat,
            source=FromAccounts(intra_ids),
        ),
        Box("18", gettext_lazy("Of which VAT on transactions to Monaco"), S_GROSS, amount=ZERO),
        Box(
            "19",
            gettext_lazy("Goods forming fixed assets"),
            S_DEDUCTIBLE,
            amount=t.net_debit(r.deduct_assets),
            source=FromAccounts(tuple(r.deduct_assets)),
        ),
        Box(
            "20",
            gettext_lazy("Other goods and services"),
            S_DEDUCTIBLE,
            amount=t.net_debit(r.deduct_other),
            source=FromAccounts(tuple(r.deduct_other)),
        ),
        Box("21", gettext_lazy("Other VAT to deduct"), S_DEDUCTIBLE, amount=ZERO),
        Box(
            "22",
            gettext_lazy("Credit carried forward from line 27 of the previous return"),
            S_DEDUCTIBLE,
            amount=r.carried_credit(),
            source=FromAccounts(tuple(r.credit), before_period=True),
        ),
    ]
    deductible = sum((f.amount(c) for c in ("19", "20", "21", "22")), ZERO)
    f.boxes.append(
        Box(
            "23",
            gettext_lazy("Total deductible VAT"),
            S_DEDUCTIBLE,
            amount=deductible,
            formula="19 + 20 + 21 + 22",
        )
    )
    credit = positive(deductible - gross)
    due = positive(gross - deductible)
    f.boxes += [
        Box(
            "25",
            gettext_lazy("VAT credit (line 23 − line 16)"),
            S_CREDIT,
            amount=credit,
            formula="23 − 16",
        ),
        Box(
            "26", gettext_lazy("Refund of credit requested on form no. 3519"), S_CREDIT, amount=ZERO
        ),
        Box(
            "27",
            gettext_lazy("Credit to carry forward (line 25 − line 26)"),
            S_CREDIT,
            amount=credit,
            formula="25 − 26",
        ),
        Box(
            "28",
            gettext_lazy("Net VAT due (line 16 − line 23)"),
            S_TO_PAY,
            amount=due,
            formula="16 − 23",
        ),
        Box("29", gettext_lazy("Similar taxes (schedule 3310 A)"), S_TO_PAY, amount=ZERO),
        Box("32", gettext_lazy("Total to pay"), S_TO_PAY, amount=due, formula="28 + 29"),
    ]
    return f


def ca12(entity, period) -> Figures:
    """The yearly return of the simplified regime. The half-yearly instalments (lines 30 to 35) are
    not in the books as such: the accountant enters them on the form."""
    r = _Reading(entity, period)
    t = r.totals
    f = Figures("CA12", period)
    intra_ids = tuple(r.due_by_case.get("1", []))
    intra_vat = t.net_credit(intra_ids)
    f.boxes.append(
        Box(
            "01",
            gettext_lazy("Sales, services"),
            S_TAXABLE,
            amount=r.base(TAXABLE),
            source=FromDocuments(TAXABLE),
        )
    )
    f.boxes += _reverse_charge_boxes(
        r,
        [
            ("4", "02", gettext_lazy("Other taxable transactions")),
            ("1", "03", gettext_lazy("Intra-Community acquisitions")),
        ],
    )
    f.boxes += [
        Box(
            "04",
            gettext_lazy("Exports outside the EU"),
            S_NON_TAXABLE,
            amount=r.base(EXPORTS),
            source=FromDocuments(EXPORTS),
        ),
        Box(
            "05",
            gettext_lazy("Other non-taxable transactions"),
            S_NON_TAXABLE,
            amount=r.base(OTHER_NON_TAXABLE),
            source=FromDocuments(OTHER_NON_TAXABLE),
        ),
        Box(
            "06",
            gettext_lazy("Intra-Community supplies"),
            S_NON_TAXABLE,
            amount=r.base(INTRA_EU),
            source=FromDocuments(INTRA_EU),
        ),
    ]
    f.boxes.append(_vat_line(r, f, "0206", gettext_lazy("Standard rate 20 %"), S_GROSS, R20))
    f.boxes.append(_vat_line(r, f, "0979", gettext_lazy("Reduced rate 10 %"), S_GROSS, R10))
    f.boxes.append(_vat_line(r, f, "0105", gettext_lazy("Reduced rate 5.5 %"), S_GROSS, R55))
    special = r.collected(R21)[0] + r.reverse_charge_at(R21)[1]
    if special:
        f.warnings.append(_("The 2.1 % VAT goes on the special-rate lines of the form."))
    gross = sum((f.amount(c) for c in ("0206", "0979", "0105")), ZERO) + special
    f.boxes += [
        Box(
            "16",
            gettext_lazy("Total gross VAT due"),
            S_GROSS,
            amount=gross,
            formula="0206 + 0979 + 0105",
        ),
        Box(
            "17",
            gettext_lazy("Of which VAT on intra-Community acquisitions"),
            S_GROSS,
            amount=intra_vat,
            source=FromAccounts(intra_ids),
        ),
        Box(
            "20",
            gettext_lazy("Fixed assets"),
            S_DEDUCTIBLE,
            amount=t.net_debit(r.deduct_assets),
            source=FromAccounts(tuple(r.deduct_assets)),
        ),
        Box(
            "21",
            gettext_lazy("Other goods and services"),
            S_DEDUCTIBLE,
            amount=t.net_debit(r.deduct_other),
            source=FromAccounts(tuple(r.deduct_other)),
        ),
        Box(
            "24",
            gettext_lazy("Previous credit not offset nor refunded"),
            S_DEDUCTIBLE,
            amount=r.carried_credit(),
            source=FromAccounts(tuple(r.credit), before_period=True),
        ),
    ]
    deductible = sum((f.amount(c) for c in ("20", "21", "24")), ZERO)
    f.boxes += [
        Box(
            "26",
            gettext_lazy("Total deductible VAT"),
            S_DEDUCTIBLE,
            amount=deductible,
            formula="20 + 21 + 24",
        ),
        Box(
            "28",
            gettext_lazy("Net VAT due (line 16 − line 26)"),
            S_RESULT,
            amount=positive(gross - deductible),
            formula="16 − 26",
        ),
        Box(
            "29",
            gettext_lazy("VAT credit (line 26 − line 16)"),
            S_RESULT,
            amount=positive(deductible - gross),
            formula="26 − 16",
        ),
    ]
    return f


def settlement_amounts(figures) -> tuple[Decimal, Decimal]:
    """(VAT to pay, credit to carry forward) of a French return."""
    if figures.form == "CA3":
        return figures.amount("28"), figures.amount("27")
    return figures.amount("28"), figures.amount("29")
