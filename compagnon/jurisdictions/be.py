from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

from .base import Jurisdiction, VatRate


class Belgium(Jurisdiction):
    code = "BE"
    name = _("Belgium")
    default_language = "nl"
    company_number_label = _("Enterprise number (KBO/BCE)")
    # Wetboek van de BTW / Code de la TVA, art. 37 and Royal Decree no. 20.
    vat_rates = (
        VatRate("standard", Decimal("21.0"), _("Standard rate 21%")),
        VatRate("intermediate", Decimal("12.0"), _("Intermediate rate 12%")),
        VatRate("reduced", Decimal("6.0"), _("Reduced rate 6%")),
        VatRate("zero", Decimal("0.0"), _("Zero rate")),
    )
    _company_rule = _(
        "A Belgian enterprise number has 10 digits starting with 0 or 1 and a valid mod-97 check (e.g. 0403.019.261)."
    )

    def validate_company_number(self, value: str) -> str:
        return self._validate(vat.validate, value or "", self._company_rule)

    def validate_vat_number(self, value: str) -> str:
        return "BE" + self._validate(vat.validate, value or "", self._company_rule)

    def format_company_number(self, value: str) -> str:
        return f"{value[:4]}.{value[4:7]}.{value[7:]}"


BELGIUM = Belgium()
