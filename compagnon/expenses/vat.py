"""When the VAT of a receipt can be recovered, per country (the one place that says so).

France — VAT is deductible when the receipt is an invoice showing it; up to 150 € excl. VAT a
simplified receipt will do (CGI, annexe II, art. 242 nonies A), above that it must be made out to
the cooperative. Never on passenger transport (train, plane, taxi: CGI annexe II, art. 206 IV-2-3°),
nor on a mileage or meal allowance (no VAT was invoiced).
Belgium — deductible only with an invoice made out to the cooperative with its VAT number (Code
TVA / Btw-wetboek art. 3 § 1 of AR/KB n° 3); never on food, drinks, lodging and hospitality
(art. 45 § 3), nor on allowances.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

NEVER = {
    "FR": {"travel", "mileage", "per_diem"},
    "BE": {"meals", "hospitality", "mileage", "per_diem"},
}
SIMPLIFIED_LIMIT = {"FR": Decimal("150")}

CHECKBOX = {
    "FR": _("The receipt is an invoice showing the VAT (above 150 € excl. VAT: made out to the cooperative)"),
    "BE": _("The receipt is an invoice made out to the cooperative, with its VAT number, showing the VAT"),
}


def checkbox_label(country: str):
    return CHECKBOX.get(country, CHECKBOX["FR"])


def recoverable(country: str, category: str) -> bool:
    return category not in NEVER.get(country, set())
