"""The result of reading a receipt or an invoice: suggestions, never facts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Reading:
    """What was read. Amounts are ``Decimal`` (two decimals), ``None`` when not found.

    ``vat_lines``: ``(rate in %, base or None, VAT amount)`` per rate, highest rate first.
    ``supplier_ids``: the identifiers found and checked, keys among ``siret``, ``siren``,
    ``vat`` (compact, with its country prefix) and ``kbo`` (ten digits).
    ``engine``: what read it, e.g. ``"rapidocr-onnxruntime 1.4.4"`` or ``"pdf-text"``.
    """

    total_incl_vat: Decimal | None = None
    total_excl_vat: Decimal | None = None
    vat_lines: list[tuple[Decimal, Decimal | None, Decimal]] = field(default_factory=list)
    issue_date: datetime.date | None = None
    supplier_name: str = ""
    supplier_ids: dict[str, str] = field(default_factory=dict)
    invoice_number: str = ""
    iban: str = ""
    text: str = ""
    engine: str = ""

    @property
    def found_anything(self) -> bool:
        return bool(self.total_incl_vat or self.issue_date or self.supplier_name or self.vat_lines)

    def as_dict(self) -> dict:
        """JSON-ready (amounts and rates as strings, the date in ISO format)."""

        def text(value):
            return None if value is None else str(value)

        return {
            "total_incl_vat": text(self.total_incl_vat),
            "total_excl_vat": text(self.total_excl_vat),
            "vat_lines": [{"rate": text(r), "base": text(b), "vat": text(v)} for r, b, v in self.vat_lines],
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "supplier_name": self.supplier_name,
            "supplier_ids": dict(self.supplier_ids),
            "invoice_number": self.invoice_number,
            "iban": self.iban,
            "text": self.text,
            "engine": self.engine,
        }
