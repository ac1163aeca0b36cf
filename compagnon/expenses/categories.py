"""What an expense is for, and the class 6 account it is booked to in each country's chart.

The ledger's chart (``jurisdictions/charts.py``) lists only the accounts the platform needed
before expenses; the accounts below are added to an entity's chart the first time one of its
claims is booked (``accounts.ensure_accounts``), never renamed if an accountant changed them.

Sources
-------
* France — Plan comptable général (règlement ANC n° 2014-03), art. 932-1: 6061 fournitures non
  stockables (eau, énergie) → here 6064 fournitures administratives, 6063 petit équipement,
  6181 documentation générale, 6185 frais de colloques, séminaires, conférences, 6226 honoraires,
  6251 voyages et déplacements, 6256 missions, 6257 réceptions, 626 frais postaux et de
  télécommunications, 658 charges diverses de gestion courante.
* Belgium — PCMN / MAR (AR/KB 21 October 2018), class 61 "Services et biens divers / Diensten en
  diverse goederen": its subdivisions are free; the numbers below are the usual ones (6130 is
  taken by the cooperative contribution in charts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Category:
    key: str
    label: object  # lazy text
    accounts: dict  # jurisdiction -> (code, English msgid of the account name)
    mileage: bool = False
    per_diem: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("travel", _("Travel (train, plane, taxi, parking, tolls)"), {
        "FR": ("6251", gettext_noop("Travel")),
        "BE": ("6150", gettext_noop("Travel")),
    }),
    Category("mileage", _("Mileage (own vehicle)"), {
        "FR": ("6251", gettext_noop("Travel")),
        "BE": ("6151", gettext_noop("Mileage allowances")),
    }, mileage=True),
    Category("meals", _("Meals on a work trip"), {
        "FR": ("6256", gettext_noop("Missions")),
        "BE": ("6152", gettext_noop("Meals on work trips")),
    }),
    Category("per_diem", _("Meal allowance (flat rate)"), {
        "FR": ("6256", gettext_noop("Missions")),
    }, per_diem=True),
    Category("hospitality", _("Receiving clients (meals, gifts)"), {
        "FR": ("6257", gettext_noop("Receptions")),
        "BE": ("6153", gettext_noop("Receptions and hospitality")),
    }),
    Category("supplies", _("Office supplies"), {
        "FR": ("6064", gettext_noop("Office supplies")),
        "BE": ("6140", gettext_noop("Office supplies")),
    }),
    Category("equipment", _("Small equipment and tools"), {
        "FR": ("6063", gettext_noop("Small equipment and maintenance supplies")),
        "BE": ("6141", gettext_noop("Small equipment")),
    }),
    Category("telecom", _("Phone, internet and post"), {
        "FR": ("626", gettext_noop("Postage and telecommunications")),
        "BE": ("6142", gettext_noop("Postage and telecommunications")),
    }),
    Category("documentation", _("Books, subscriptions and documentation"), {
        "FR": ("6181", gettext_noop("General documentation")),
        "BE": ("6143", gettext_noop("Documentation")),
    }),
    Category("training", _("Training and conferences"), {
        "FR": ("6185", gettext_noop("Conferences, seminars and training")),
        "BE": ("6160", gettext_noop("Training and seminars")),
    }),
    Category("fees", _("Fees (accountant, lawyer, freelancer)"), {
        "FR": ("6226", gettext_noop("Fees")),
        "BE": ("6135", gettext_noop("Fees")),
    }),
    Category("other", _("Other"), {
        "FR": ("658", gettext_noop("Miscellaneous operating expenses")),
        "BE": ("643", gettext_noop("Miscellaneous operating expenses")),
    }),
)

BY_KEY = {c.key: c for c in CATEGORIES}


def for_country(jurisdiction: str, *, receipts_only: bool = False) -> list[Category]:
    """The categories an entity of this country offers (a flat-rate meal allowance only where the
    country's data gives one)."""
    out = [c for c in CATEGORIES if jurisdiction in c.accounts]
    if receipts_only:
        out = [c for c in out if not (c.mileage or c.per_diem)]
    return out


def account_of(jurisdiction: str, key: str) -> tuple[str, str]:
    """(code, name msgid) of the account a category books to; LookupError when unknown."""
    try:
        return BY_KEY[key].accounts[jurisdiction]
    except KeyError:
        raise LookupError(f"No account for category {key!r} in {jurisdiction}") from None
