"""What a supplier invoice is for, and the accounts it is booked to in each country's chart.

Each category names an expense account (class 6) per country; equipment-like categories also name
a fixed-asset account (class 2), used when the invoice's amount excl. VAT reaches the entity's
threshold (``PurchaseSettings.fixed_asset_from``). Missing accounts are added to the entity's
chart the first time they are needed (``ensure_accounts``), never renamed if an accountant changed
them. ``vat_deductible=False``: the VAT of such purchases is not recovered (booked with the cost).

Sources
-------
* France — Plan comptable général (règlement ANC n° 2014-03), art. 932-1: 604 achats d'études et
  prestations de services, 606 achats non stockés de matières et fournitures (6063 petit
  équipement, 6064 fournitures administratives), 607 achats de marchandises, 611 sous-traitance
  générale, 613 locations, 615 entretien et réparations, 616 primes d'assurance, 6226
  honoraires, 623 publicité, 6251 voyages et déplacements, 626 frais postaux et de
  télécommunications, 658 charges diverses; 2154 matériel industriel, 2182 matériel de
  transport, 2183 matériel de bureau et matériel informatique, 2184 mobilier. The 500 € excl. VAT
  under which small equipment may be expensed is the tax administration's tolerance
  (BOI-BIC-CHG-20-30-10 § 10), the default of the entity's threshold.
  Non-deductible VAT: gifts and receptions above the limits, passenger cars (CGI, annexe II,
  art. 206 IV) — here the "hospitality" category.
* Belgium — PCMN / MAR (AR/KB 21 October 2018): 604 achats de marchandises / aankopen van
  handelsgoederen, 61 services et biens divers / diensten en diverse goederen (free
  subdivisions), 23 installations, machines et outillage, 24 mobilier et matériel roulant.
  Non-deductible VAT: restaurant and hospitality costs (Code TVA art. 45 § 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Category:
    key: str
    label: object  # lazy text
    expense: dict  # jurisdiction -> (code, English msgid)
    asset: dict  # jurisdiction -> (code, English msgid); empty: never a fixed asset
    vat_deductible: bool = True


CATEGORIES: tuple[Category, ...] = (
    Category("goods", _("Goods for resale"), {
        "FR": ("607", gettext_noop("Purchases of goods for resale")),
        "BE": ("604", gettext_noop("Purchases of goods for resale")),
    }, {}),
    Category("supplies", _("Supplies and small purchases"), {
        "FR": ("606", gettext_noop("Non-stocked supplies")),
        "BE": ("601", gettext_noop("Purchases of supplies")),
    }, {}),
    Category("subcontracting", _("Subcontracting and services"), {
        "FR": ("604", gettext_noop("Purchases of studies and services")),
        "BE": ("602", gettext_noop("Purchases of services, work and studies")),
    }, {}),
    Category("rent", _("Rent and hire"), {
        "FR": ("613", gettext_noop("Rentals")),
        "BE": ("6100", gettext_noop("Rent and hire")),
    }, {}),
    Category("repairs", _("Maintenance and repairs"), {
        "FR": ("615", gettext_noop("Maintenance and repairs")),
        "BE": ("6120", gettext_noop("Maintenance and repairs")),
    }, {}),
    Category("insurance", _("Insurance"), {
        "FR": ("616", gettext_noop("Insurance premiums")),
        "BE": ("6170", gettext_noop("Insurance")),
    }, {}),
    Category("fees", _("Fees (accountant, lawyer, freelancer)"), {
        "FR": ("6226", gettext_noop("Fees")),
        "BE": ("6135", gettext_noop("Fees")),
    }, {}),
    Category("advertising", _("Advertising and printing"), {
        "FR": ("623", gettext_noop("Advertising and public relations")),
        "BE": ("6180", gettext_noop("Advertising")),
    }, {}),
    Category("travel", _("Travel"), {
        "FR": ("6251", gettext_noop("Travel")),
        "BE": ("6150", gettext_noop("Travel")),
    }, {}),
    Category("telecom", _("Phone, internet and post"), {
        "FR": ("626", gettext_noop("Postage and telecommunications")),
        "BE": ("6142", gettext_noop("Postage and telecommunications")),
    }, {}),
    Category("hospitality", _("Receiving clients (meals, gifts)"), {
        "FR": ("6257", gettext_noop("Receptions")),
        "BE": ("6153", gettext_noop("Receptions and hospitality")),
    }, {}, vat_deductible=False),
    Category("equipment", _("Tools and machines"), {
        "FR": ("6063", gettext_noop("Small equipment and maintenance supplies")),
        "BE": ("6141", gettext_noop("Small equipment")),
    }, {
        "FR": ("2154", gettext_noop("Industrial equipment")),
        "BE": ("2300", gettext_noop("Installations, machinery and equipment")),
    }),
    Category("computers", _("Computers and office equipment"), {
        "FR": ("6063", gettext_noop("Small equipment and maintenance supplies")),
        "BE": ("6141", gettext_noop("Small equipment")),
    }, {
        "FR": ("2183", gettext_noop("Office and computer equipment")),
        "BE": ("2400", gettext_noop("Furniture and office equipment")),
    }),
    Category("furniture", _("Furniture"), {
        "FR": ("6063", gettext_noop("Small equipment and maintenance supplies")),
        "BE": ("6141", gettext_noop("Small equipment")),
    }, {
        "FR": ("2184", gettext_noop("Furniture")),
        "BE": ("2400", gettext_noop("Furniture and office equipment")),
    }),
    Category("vehicles", _("Vehicles"), {
        "FR": ("6063", gettext_noop("Small equipment and maintenance supplies")),
        "BE": ("6141", gettext_noop("Small equipment")),
    }, {
        "FR": ("2182", gettext_noop("Transport equipment")),
        "BE": ("2410", gettext_noop("Vehicles")),
    }),
    Category("other", _("Other"), {
        "FR": ("658", gettext_noop("Miscellaneous operating expenses")),
        "BE": ("643", gettext_noop("Miscellaneous operating expenses")),
    }, {}),
)

BY_KEY = {c.key: c for c in CATEGORIES}
DEFAULT = "other"


def for_country(jurisdiction: str) -> list[Category]:
    return [c for c in CATEGORIES if jurisdiction in c.expense]


def choices(jurisdiction: str) -> list[tuple[str, object]]:
    return [(c.key, c.label) for c in for_country(jurisdiction)]


def get(key: str) -> Category:
    return BY_KEY.get(key) or BY_KEY[DEFAULT]


def account_of(jurisdiction: str, key: str, *, amount_excl_vat, fixed_asset_from) -> tuple[str, str, bool]:
    """(code, name msgid, is_fixed_asset) of the account an invoice of this category books to."""
    category = get(key)
    if category.asset.get(jurisdiction) and amount_excl_vat >= fixed_asset_from:
        code, name = category.asset[jurisdiction]
        return code, name, True
    code, name = category.expense[jurisdiction]
    return code, name, False
