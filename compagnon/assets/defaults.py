"""Useful lives (years, straight line) by purchase category and country, the defaults an asset
takes when it is created from a supplier invoice; the accountant may change an asset's duration
before its first depreciation is posted.

Sources
-------
* France — usual useful lives admitted by the tax administration (BOI-BIC-AMT-20-20-20-20, § 140
  "usages"): computer hardware 3 years, industrial equipment and tools 5 to 10 years (5 taken),
  office furniture 10 years, motor vehicles 4 to 5 years (5 taken).
* Belgium — the straight-line rates commonly admitted by the tax administration: computers
  33 % (3 years), machinery 20 % (5 years), furniture 10 % (10 years), vehicles 20 % (5 years).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

DURATIONS: dict[str, dict[str, int]] = {
    "FR": {"equipment": 5, "computers": 3, "furniture": 10, "vehicles": 5},
    "BE": {"equipment": 5, "computers": 3, "furniture": 10, "vehicles": 5},
}
FALLBACK_YEARS = 5

# The depreciation expense, and the accumulated-depreciation account of each class 2 account.
EXPENSE = {
    "FR": ("6811", gettext_noop("Depreciation charges on fixed assets")),
    "BE": ("6302", gettext_noop("Depreciation of tangible fixed assets")),
}
ACCUMULATED = {
    "2154": ("28154", gettext_noop("Depreciation of industrial equipment")),
    "2182": ("28182", gettext_noop("Depreciation of transport equipment")),
    "2183": ("28183", gettext_noop("Depreciation of office and computer equipment")),
    "2184": ("28184", gettext_noop("Depreciation of furniture")),
    "2300": ("2309", gettext_noop("Depreciation of installations, machinery and equipment")),
    "2400": ("2409", gettext_noop("Depreciation of furniture and office equipment")),
    "2410": ("2419", gettext_noop("Depreciation of vehicles")),
}
GENERIC_ACCUMULATED = gettext_noop("Accumulated depreciation")
# Disposal: (net book value written off or loss, sale proceeds or gain, receivable of the price)
DISPOSAL = {
    "FR": {
        "book_value": ("675", gettext_noop("Book value of assets disposed of")),
        "proceeds": ("775", gettext_noop("Proceeds from disposals of assets")),
        "receivable": ("462", gettext_noop("Receivables on disposals of assets")),
    },
    "BE": {
        "loss": ("6630", gettext_noop("Losses on disposals of tangible fixed assets")),
        "gain": ("7630", gettext_noop("Gains on disposals of tangible fixed assets")),
        "receivable": ("4161", gettext_noop("Receivables on disposals of assets")),
    },
}


def years_for(country: str, category: str) -> int:
    return DURATIONS.get(country, {}).get(category, FALLBACK_YEARS)


def accumulated_account(country: str, code: str) -> tuple[str, str]:
    """France: 28 + the asset account without its 2 (2183 → 28183); Belgium: 2x9 (2400 → 2409)."""
    if code in ACCUMULATED:
        return ACCUMULATED[code]
    return (f"28{code[1:]}" if country == "FR" else f"{code[:3]}9"), GENERIC_ACCUMULATED
