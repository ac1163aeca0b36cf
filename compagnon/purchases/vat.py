"""Reverse charge on supplier invoices: the supplier charges no VAT, the cooperative books the VAT
due and, in the same entry, the deductible VAT (net zero when fully deductible).

* ``suggest`` reads the invoice: a VAT category code AE (reverse charge), K (intra-EU supply) or
  G (export, i.e. a supplier outside the EU), the supplier's country, the words "autoliquidation",
  "reverse charge", "verlegging", "btw verlegd", "medecontractant"… in its notes, exemption reasons
  or lines. It only *suggests*: an accountant confirms (``confirm``) before the invoice is booked.
* ``due_account`` names the account of the VAT due, one per country, case and rate, so a VAT
  return is built from the ledger by account (docs/purchases.md lists them):

  ======================  =======================  ======================================
  case                    France (4452…)           Belgium (451…)
  ======================  =======================  ======================================
  intra-EU goods          44521R  CA3 03 / 17      4511RR  grids 86 (base), 55 (VAT)
  intra-EU services       44522R  CA3 2A           4512RR  grids 88 (base), 55 (VAT)
  services outside EU     44523R  CA3 3B           4513RR  grids 87 (base), 56 (VAT)
  domestic (construction) 44524R  CA3 02           4514RR  grids 87 (base), 56 (VAT)
  ======================  =======================  ======================================

  R (France) is the rate digit of the chart's collected VAT (2 = 20 %, 1 = 10 %, 3 = 5.5 %,
  4 = 2.1 %); RR (Belgium) the rate on two digits (21, 12, 06). Each account carries its rate
  (``Account.vat_rate``): the base is the VAT divided by the rate. The deductible side is the
  ordinary deductible VAT (FR 44566, or 44562 for a fixed asset — CA3 lines 20 and 19; BE 411,
  grid 59).

Sources: CGI art. 283-1, 283-2, 283-2 nonies (sous-traitance BTP), 256 bis (acquisitions
intracommunautaires); notice of form 3310-CA3. Belgian VAT Code art. 51 § 2, 1° (services,
art. 21 § 2), 2° (intra-EU acquisitions), 5° (construction work, AR n° 1 art. 20); grids 55, 56,
59, 86, 87, 88 of the periodic return.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core import formatting
from compagnon.core.services import require
from compagnon.jurisdictions import get as jurisdiction
from compagnon.ledger.models import Account, AccountKind

from .models import EDITABLE_STATES, SupplierInvoice, SupplierInvoiceState, VatTreatment

T = VatTreatment
CENT = Decimal("0.01")
ZERO = Decimal("0")
EU = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
# Categories bought as goods (the rest are services) — decides intra-EU goods or services.
GOODS = frozenset({"goods", "supplies", "equipment", "computers", "furniture", "vehicles"})
MENTIONS = re.compile(
    r"auto[\s-]?liquidation|reverse[\s-]?charge|verlegging|btw[\s-]?verlegd|medecontractant|cocontractant"
    r"|article\s*196|art\.?\s*196|article\s*283|art\.?\s*283|art\.?\s*51\s*§\s*2|steuerschuldnerschaft",
    re.IGNORECASE,
)

DUE_DIGIT = {T.EU_GOODS: "1", T.EU_SERVICES: "2", T.IMPORT_SERVICES: "3", T.DOMESTIC: "4"}
FR_RATE_DIGIT = {Decimal("20"): "2", Decimal("10"): "1", Decimal("5.5"): "3", Decimal("2.1"): "4"}
DUE_NAMES = {
    T.EU_GOODS: gettext_noop("VAT due on intra-EU acquisitions of goods"),
    T.EU_SERVICES: gettext_noop("VAT due on services from another EU country"),
    T.IMPORT_SERVICES: gettext_noop("VAT due on services from outside the EU"),
    T.DOMESTIC: gettext_noop("VAT due under the domestic reverse charge"),
}
FIXED_ASSET_VAT = ("44562", gettext_noop("Deductible VAT on fixed assets"))
HINTS = {
    "code": gettext_noop("VAT category %(value)s on the invoice"),
    "country": gettext_noop("supplier in %(value)s"),
    "mention": gettext_noop("the invoice says “%(value)s”"),
    "no_vat": gettext_noop("no VAT charged"),
}


def hints_text(invoice: SupplierInvoice) -> str:
    """Why reverse charge is suggested, in the reader's words."""
    return ", ".join(
        _(HINTS[k]) % {"value": v} for k, v in invoice.vat_treatment_hints if k in HINTS
    )


def _texts(invoice: SupplierInvoice) -> str:
    parts = [invoice.notes, invoice.payment_terms]
    if invoice.pk:
        parts += [v.exemption_reason for v in invoice.vat_lines.all()]
        parts += [f"{ln.description} {ln.detail}" for ln in invoice.lines.all()]
    return " ".join(p for p in parts if p)


def _codes(invoice: SupplierInvoice) -> set[str]:
    if not invoice.pk:
        return set()
    codes = {(v.category or "").upper() for v in invoice.vat_lines.all()}
    codes |= {(ln.vat_category or "").upper() for ln in invoice.lines.all()}
    return codes & {"AE", "K", "G"}


def suggest(invoice: SupplierInvoice) -> tuple[str, list]:
    """(treatment, hints) the invoice points to; ("", []) when the supplier's VAT is to be used."""
    home = invoice.entity.jurisdiction
    country = (
        invoice.supplier_country or (invoice.supplier.country if invoice.supplier_id else "") or ""
    ).upper()
    charged = invoice.tax_total or ZERO
    codes = _codes(invoice)
    found = MENTIONS.search(_texts(invoice))
    hints: list = [["code", c] for c in sorted(codes)]
    if found:
        hints.append(["mention", found.group(0)])
    foreign = bool(country) and country != home
    if foreign:
        hints.append(["country", country])
    if charged > 0 or not (codes or found or foreign):
        return "", []
    hints.append(["no_vat", ""])
    services = invoice.category not in GOODS
    if "G" in codes or (foreign and country not in EU):
        return (T.IMPORT_SERVICES, hints) if services else ("", [])
    if foreign or "K" in codes:
        return (T.EU_SERVICES if services else T.EU_GOODS), hints
    return T.DOMESTIC, hints


def refresh_suggestion(invoice: SupplierInvoice) -> bool:
    """Store what the invoice suggests (before booking); True when it changed."""
    treatment, hints = suggest(invoice)
    if (treatment, hints) == (invoice.vat_treatment_suggested, invoice.vat_treatment_hints):
        return False
    invoice.vat_treatment_suggested, invoice.vat_treatment_hints = treatment, hints
    return True


def standard_rate(country: str) -> Decimal:
    return max(r.rate for r in jurisdiction(country).vat_rates)


def due_account(entity, treatment: str, rate: Decimal) -> Account:
    """The account of the reverse-charge VAT due (added to the entity's chart on first use)."""
    rate = Decimal(rate).normalize()
    if entity.jurisdiction == "FR":
        digit = FR_RATE_DIGIT.get(rate)
        if digit is None:
            raise ValidationError(
                {
                    "reverse_charge_rate": _("No reverse-charge account for %(rate)s.")
                    % {"rate": formatting.percent(rate)}
                }
            )
        code = f"4452{DUE_DIGIT[treatment]}{digit}"
    else:
        code = f"451{DUE_DIGIT[treatment]}{int(rate):02d}"
    return _account(entity, code, DUE_NAMES[treatment], AccountKind.LIABILITY, rate)


def fixed_asset_vat_account(entity) -> Account | None:
    """France keeps the VAT on fixed assets apart (44562, CA3 line 19); Belgium does not."""
    if entity.jurisdiction != "FR":
        return None
    return _account(entity, *FIXED_ASSET_VAT, AccountKind.ASSET, None)


def _account(entity, code: str, name: str, kind: str, rate) -> Account:
    found = Account.objects.filter(entity=entity, code=code).first()
    if found is None:
        Account.objects.bulk_create(
            [Account(entity=entity, code=code, name=name, kind=kind, vat_rate=rate)],
            ignore_conflicts=True,
        )
        found = Account.objects.get(entity=entity, code=code)
    return found


def _msgid(lazy) -> str:
    with translation.override(None):  # stored as the msgid, translated for each reader (audit)
        return str(lazy)


def reverse_charge_vat(invoice: SupplierInvoice, net: Decimal) -> Decimal:
    return (net * (invoice.reverse_charge_rate or ZERO) / 100).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


@transaction.atomic
def confirm(*, actor, invoice: SupplierInvoice, treatment: str, rate=None) -> SupplierInvoice:
    """The accountant decides how the invoice's VAT is booked: as charged (``treatment=""``) or
    reverse-charged at ``rate`` (default: the country's standard rate). Before booking only."""
    from .workflow import _audit, _lock, _state_error

    invoice = _lock(invoice)
    require(actor, "purchases.set_vat_treatment", invoice)
    if invoice.state not in (*EDITABLE_STATES, SupplierInvoiceState.TO_APPROVE):
        raise _state_error(invoice, _("its VAT treatment can no longer be changed."))
    if treatment not in T.values:
        raise ValidationError(
            {"treatment": _("Choose how the VAT of this invoice is accounted for.")}
        )
    rates = {r.rate for r in jurisdiction(invoice.entity.jurisdiction).vat_rates}
    if treatment:
        if (invoice.tax_total or ZERO) > 0:
            raise ValidationError(
                {
                    "treatment": _(
                        "The supplier charged VAT on this invoice: it is not a reverse "
                        "charge. Ask the supplier for a corrected invoice."
                    )
                }
            )
        rate = (
            standard_rate(invoice.entity.jurisdiction) if rate in (None, "") else Decimal(str(rate))
        )
        if rate not in rates:
            raise ValidationError(
                {
                    "rate": _("%(rate)s is not a VAT rate of this country (%(rates)s).")
                    % {
                        "rate": formatting.percent(rate),
                        "rates": ", ".join(formatting.percent(x) for x in sorted(rates)),
                    }
                }
            )
    else:
        rate = None
    before = {"treatment": invoice.vat_treatment, "rate": str(invoice.reverse_charge_rate or "")}
    invoice.vat_treatment, invoice.reverse_charge_rate = treatment, rate
    invoice.vat_treatment_confirmed_by, invoice.vat_treatment_confirmed_at = actor, timezone.now()
    invoice.save()
    _audit(
        actor=actor,
        invoice=invoice,
        action="vat_treatment",
        before=before,
        after={"treatment": treatment, "rate": str(rate or "")},
        params={
            "treatment": _msgid(T(treatment).label),
            "rate": f"{rate.normalize():f}" if rate else "",
        },
        message=gettext_noop("VAT of invoice %(number)s of %(supplier)s confirmed: %(treatment)s.")
        if not treatment
        else gettext_noop(
            "VAT of invoice %(number)s of %(supplier)s confirmed: %(treatment)s, at %(rate)s %%."
        ),
    )
    return invoice
