"""The shape every return shares: boxes (a code as printed on the form, its label, a base and/or an
amount) and where each one comes from, so the page can drill down to the entries behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from compagnon.ledger.money import ZERO


@dataclass(frozen=True)
class FromAccounts:
    """Lines of these accounts in the period (``side``: "debit", "credit" or "both"), in the
    journal of role ``journal`` only when given."""

    account_ids: tuple[int, ...]
    side: str = "both"
    journal: str | None = None
    before_period: bool = False  # the balance carried in (e.g. a credit carried forward)


@dataclass(frozen=True)
class FromDocuments:
    """Issued sales documents of the period with breakdown rows of these categories/rates."""

    categories: tuple[str, ...]
    rates: tuple[Decimal, ...] = ()
    kinds: tuple[str, ...] = ()
    abroad: bool | None = None  # client outside the entity's country (True), inside (False)


@dataclass
class Box:
    code: str
    label: str
    section: str
    amount: Decimal | None = None
    base: Decimal | None = None
    source: FromAccounts | FromDocuments | None = None
    base_source: FromAccounts | FromDocuments | None = None
    formula: str = ""  # how a computed box is obtained, in box codes ("16 − 23")
    note: str = ""

    @property
    def drillable(self) -> bool:
        return self.source is not None or self.base_source is not None


@dataclass
class Figures:
    form: str  # "CA3", "CA12", "BE"
    period: object  # periods.Period
    boxes: list[Box] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def box(self, code: str) -> Box:
        for b in self.boxes:
            if b.code == code:
                return b
        raise KeyError(code)

    def amount(self, code: str) -> Decimal:
        return self.box(code).amount or ZERO

    def as_dict(self) -> dict:
        """Amounts as strings (JSON), by code: what a filed return keeps."""
        out = {}
        for b in self.boxes:
            out[b.code] = {
                "base": None if b.base is None else f"{b.base:.2f}",
                "amount": None if b.amount is None else f"{b.amount:.2f}",
            }
        return out

    def sections(self) -> list[tuple[str, list[Box]]]:
        out: list[tuple[str, list[Box]]] = []
        for b in self.boxes:
            if not out or out[-1][0] != b.section:
                out.append((b.section, []))
            out[-1][1].append(b)
        return out


def positive(x: Decimal) -> Decimal:
    return x if x > 0 else ZERO
