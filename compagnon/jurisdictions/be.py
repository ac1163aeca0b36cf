from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

from .base import Exemption, Jurisdiction, VatRate


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
    # Code de la TVA / Wetboek van de BTW (CTVA/WBTW) articles cited in each mention.
    exemptions = (
        Exemption("be-art44", "E", "VATEX-EU-132",
                  _("VAT exemption, article 44 of the Belgian VAT Code.")),
        Exemption("be-franchise", "E", "VATEX-EU-132",
                  _("Small business VAT exemption scheme, article 56bis of the Belgian VAT Code.")),
        Exemption("be-reverse-charge", "AE", "VATEX-EU-AE",
                  _("Reverse charge: VAT to be paid by the customer (article 51 §2 of the Belgian VAT Code).")),
        Exemption("be-intra-eu", "K", "VATEX-EU-IC",
                  _("VAT exemption for an intra-community supply, article 39bis of the Belgian VAT Code.")),
        Exemption("be-export", "G", "VATEX-EU-G", _("VAT exemption for an export, article 39 of the Belgian VAT Code.")),
        Exemption("be-out-of-scope", "O", "VATEX-EU-O", _("Outside the scope of Belgian VAT.")),
    )

    def business_mentions(self) -> list:
        # Law of 2 August 2002 on late payment in commercial transactions.
        return [
            _("Late payment: interest at the legal rate for commercial transactions and a fixed "
              "recovery indemnity, as provided by the law of 2 August 2002."),
        ]

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
