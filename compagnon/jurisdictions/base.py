from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from stdnum.exceptions import ValidationError as StdnumError


class IdentifierError(ValueError):
    """An identifier that fails its country's rule; ``message`` is translated and says which rule."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class VatRate:
    code: str  # stable key, e.g. "standard"
    rate: Decimal  # percent
    label: Promise | str


class Jurisdiction:
    """The interface every country module implements. Later issues extend it (numbering,
    payment references, e-invoice format, charts of accounts, late-payment law, social rates)."""

    code: str
    name: Promise | str
    default_language: str
    currency = "EUR"
    company_number_label: Promise | str
    vat_rates: tuple[VatRate, ...]

    def _validate(self, module_validate, value, message):
        try:
            return module_validate(value)
        except StdnumError:
            raise IdentifierError(message) from None

    def validate_company_number(self, value: str) -> str:
        """Return the compact, valid company number or raise :class:`IdentifierError`."""
        raise NotImplementedError

    def validate_vat_number(self, value: str) -> str:
        """Return the normalised VAT number (with country prefix) or raise :class:`IdentifierError`."""
        raise NotImplementedError

    def format_company_number(self, value: str) -> str:
        return value

    def vat_rate(self, code: str) -> VatRate:
        for rate in self.vat_rates:
            if rate.code == code:
                return rate
        raise LookupError(code)
