from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, siret, tva

from .base import Exemption, IdentifierError, Jurisdiction, VatRate


class France(Jurisdiction):
    code = "FR"
    name = _("France")
    default_language = "fr"
    company_number_label = _("SIREN or SIRET")
    # Code général des impôts, art. 278 to 281 nonies.
    vat_rates = (
        VatRate("standard", Decimal("20.0"), _("Standard rate 20%")),
        VatRate("intermediate", Decimal("10.0"), _("Intermediate rate 10%")),
        VatRate("reduced", Decimal("5.5"), _("Reduced rate 5.5%")),
        VatRate("super_reduced", Decimal("2.1"), _("Special rate 2.1%")),
        VatRate("zero", Decimal("0.0"), _("Zero rate")),
    )

    # Code général des impôts (CGI) articles cited in each mention.
    exemptions = (
        Exemption("fr-training", "E", "VATEX-EU-132-1I",
                  _("VAT exemption: vocational training, article 261-4-4° a of the French General Tax Code (CGI).")),
        Exemption("fr-franchise", "E", "VATEX-FR-FRANCHISE", _("VAT not applicable, article 293 B of the CGI.")),
        Exemption("fr-reverse-charge", "AE", "VATEX-EU-AE",
                  _("Reverse charge: VAT to be paid by the customer (article 283-2 of the CGI).")),
        Exemption("fr-intra-eu", "K", "VATEX-EU-IC",
                  _("VAT exemption for an intra-community supply, article 262 ter I of the CGI.")),
        Exemption("fr-export", "G", "VATEX-EU-G", _("VAT exemption for an export, article 262 I of the CGI.")),
        Exemption("fr-out-of-scope", "O", "VATEX-EU-O", _("Outside the scope of French VAT.")),
    )

    def business_mentions(self) -> list:
        # Code de commerce, articles L441-10 and D441-5.
        return [
            _("Late payment: penalties at three times the French legal interest rate, plus a fixed "
              "recovery indemnity of 40 euros (articles L441-10 and D441-5 of the French Commercial Code). "
              "No discount for early payment."),
        ]

    def einvoice_notes(self) -> list:
        # BR-FR-05: French e-invoices carry the late-payment terms as coded notes (BG-1).
        return [
            ("PMT", _("Fixed recovery indemnity for late payment: 40 euros (article D441-5 of the French Commercial Code).")),
            ("PMD", _("Late payment penalties: three times the French legal interest rate (article L441-10 of the French Commercial Code).")),
            ("AAB", _("No discount for early payment.")),
        ]

    def validate_company_number(self, value: str) -> str:
        digits = siren.compact(value or "")
        if len(digits) == 14:
            return self._validate(
                siret.validate,
                digits,
                _("A SIRET number has 14 digits and a valid check digit (Luhn)."),
            )
        if len(digits) == 9:
            return self._validate(
                siren.validate,
                digits,
                _("A SIREN number has 9 digits and a valid check digit (Luhn)."),
            )
        raise IdentifierError(
            _("A French company number is a SIREN (9 digits) or a SIRET (14 digits).")
        )

    def validate_vat_number(self, value: str) -> str:
        number = self._validate(
            tva.validate,
            value or "",
            _(
                "A French VAT number is FR, two check characters and the 9-digit SIREN (e.g. FR40303265045)."
            ),
        )
        return "FR" + number

    def company_number_label_for(self, value: str):
        return "SIRET" if len(value or "") == 14 else "SIREN"

    def format_company_number(self, value: str) -> str:
        return siret.format(value) if len(value) == 14 else siren.format(value)


FRANCE = France()
