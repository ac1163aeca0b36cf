"""Identifiers of the other party on a document (a client, later a supplier).

A party may live in any country, so this module goes beyond the two jurisdictions the cooperative
operates in: French and Belgian company numbers are checked with their country's rule
(:mod:`.fr`, :mod:`.be`), VAT numbers of every EU member state with ``stdnum.eu.vat``.

``validate_party`` returns normalised identifiers or raises a ``ValidationError`` whose dict names
the field and the rule, translated; ``default_peppol_id`` derives the Peppol participant identifier
(scheme and value) e-invoices are addressed to.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from . import REGISTRY, IdentifierError

COMPANY = "company"
INDIVIDUAL = "individual"

# VAT prefixes of the EU member states (Greece uses EL, Northern Ireland XI).
EU_VAT_PREFIXES = frozenset("EL" if code == "gr" else code.upper() for code in eu_vat.MEMBER_STATES)
# The VAT prefix of a country, where it is not the ISO code.
_VAT_PREFIX = {"GR": "EL"}

# Peppol Electronic Address Scheme (EAS) codes whose value is the VAT number with its prefix.
# https://docs.peppol.eu/poacc/billing/3.0/codelist/eas/
PEPPOL_VAT_SCHEMES = {
    "AT": "9914",
    "BE": "9925",
    "BG": "9926",
    "CY": "9928",
    "CZ": "9929",
    "DE": "9930",
    "EE": "9931",
    "EL": "9933",
    "ES": "9920",
    "FR": "9957",
    "HR": "9934",
    "HU": "9910",
    "IE": "9935",
    "LT": "9937",
    "LU": "9938",
    "LV": "9939",
    "MT": "9943",
    "NL": "9944",
    "PL": "9945",
    "PT": "9946",
    "RO": "9947",
    "SI": "9949",
    "SK": "9950",
}
PEPPOL_BE_ENTERPRISE = "0208"
PEPPOL_FR_SIRET = "0009"
PEPPOL_FR_SIREN = "0002"

# Region codes Babel knows that are not countries (European Union, United Nations, unknown…).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def country_choices(language: str = "en") -> list[tuple[str, str]]:
    """(code, name) of every country, named in ``language`` and sorted by name."""
    names = _territories(language or "en")
    return sorted(names.items(), key=lambda item: item[1].casefold())


def is_country(code: str) -> bool:
    return code in _territories("en")


def country_name(code: str, language: str = "en") -> str:
    return _territories(language or "en").get(code, code)


def format_company_number(country: str, value: str) -> str:
    """The company number as people write it (0403.019.261, 303 265 045)."""
    jurisdiction = REGISTRY.get(country)
    if jurisdiction is None or not value or not value.isdigit():
        return value
    try:
        return jurisdiction.format_company_number(value)
    except (ValueError, IndexError):
        return value


def _compact(value: str | None) -> str:
    return re.sub(r"[\s.\-/]", "", (value or "")).upper()


def vat_prefix(country: str) -> str:
    return _VAT_PREFIX.get(country, country)


def _validate_company_number(country: str, value: str) -> str:
    jurisdiction = REGISTRY.get(country)
    if jurisdiction is None:
        # No rule known for this country: keep what was typed, without spaces around it.
        return " ".join(value.split())
    try:
        return jurisdiction.validate_company_number(value)
    except IdentifierError as exc:
        raise ValidationError(exc.message, code="company_number") from None


def _vat_rule(prefix: str) -> str:
    if prefix == "FR":
        return _(
            "A French VAT number is FR, two check characters and the 9-digit SIREN (e.g. FR40303265045)."
        )
    if prefix == "BE":
        return _(
            "A Belgian VAT number is BE followed by the 10-digit enterprise number with a valid mod-97 check (e.g. BE0403019261)."
        )
    return _(
        "This is not a valid %(prefix)s VAT number: check the country prefix, the number of digits and the check digits."
    ) % {"prefix": prefix}


def _validate_vat_number(country: str, value: str) -> str:
    number = _compact(value)
    if number.startswith("GR"):  # Greece's ISO code; its VAT numbers use EL
        number = "EL" + number[2:]
    prefix = number[:2] if number[:2].isalpha() else ""
    if not prefix:
        if vat_prefix(country) not in EU_VAT_PREFIXES:
            # Outside the EU the format is not checked (Swiss UID, UK VAT…): keep what was typed.
            return " ".join(value.split())
        prefix = vat_prefix(country)
        number = prefix + number
    if prefix not in EU_VAT_PREFIXES:
        if vat_prefix(country) in EU_VAT_PREFIXES:
            raise ValidationError(
                _(
                    "A VAT number starts with the two-letter code of an EU country (e.g. FR, BE, DE, EL for Greece)."
                ),
                code="vat_prefix",
            )
        return " ".join(value.split())
    try:
        return eu_vat.validate(number)
    except StdnumError:
        raise ValidationError(_vat_rule(prefix), code="vat_number") from None


def validate_party(country: str, kind: str, company_number: str, vat_number: str) -> dict:
    """Check and normalise the identifiers of a party.

    Returns ``{"country", "company_number", "vat_number"}``: the country code in capitals, the
    company number compact (digits only for France and Belgium), the VAT number compact with its
    country prefix. Individuals carry no identifiers: theirs come back empty. Raises
    ``ValidationError({"field": [message]})`` naming every field that breaks its rule.
    """
    country = (country or "").strip().upper()
    company_number = (company_number or "").strip()
    vat_number = (vat_number or "").strip()
    errors: dict[str, list] = {}
    if not is_country(country):
        errors["country"] = [
            ValidationError(
                _("Enter the two-letter code of a country, e.g. FR, BE, DE."), code="country"
            )
        ]
    if kind == INDIVIDUAL or errors:
        if errors:
            raise ValidationError(errors)
        return {"country": country, "company_number": "", "vat_number": ""}

    if company_number:
        try:
            company_number = _validate_company_number(country, company_number)
        except ValidationError as exc:
            errors["company_number"] = [exc]
    if vat_number:
        try:
            vat_number = _validate_vat_number(country, vat_number)
        except ValidationError as exc:
            errors["vat_number"] = [exc]
    if company_number and vat_number and not errors:
        mismatch = _identifiers_disagree(country, company_number, vat_number)
        if mismatch:
            errors["vat_number"] = [ValidationError(mismatch, code="vat_mismatch")]
    if errors:
        raise ValidationError(errors)
    return {"country": country, "company_number": company_number, "vat_number": vat_number}


def _identifiers_disagree(country: str, company_number: str, vat_number: str) -> str:
    """A message when a French or Belgian VAT number belongs to another company than the number."""
    if country == "FR" and vat_number.startswith("FR") and vat_number[4:] != company_number[:9]:
        return _(
            "This VAT number belongs to another SIREN than the company number (%(siren)s)."
        ) % {"siren": company_number[:9]}
    if country == "BE" and vat_number.startswith("BE") and vat_number[2:] != company_number:
        return _(
            "A Belgian VAT number is BE followed by the enterprise number (here BE%(number)s)."
        ) % {"number": company_number}
    return ""


def default_peppol_id(country: str, company_number: str, vat_number: str) -> tuple[str, str]:
    """The Peppol participant identifier (scheme, value) to address e-invoices to, or ("", "").

    Belgium: the enterprise number (0208). France: the SIRET (0009) when known, else the SIREN
    (0002). Otherwise the VAT number under its country's VAT scheme (e.g. 9930 for Germany).
    Identifiers are expected normalised, as ``validate_party`` returns them.
    """
    country = (country or "").upper()
    digits = re.sub(r"\D", "", company_number or "")
    vat = _compact(vat_number)
    if country == "BE":
        if len(digits) == 10:
            return PEPPOL_BE_ENTERPRISE, digits
        if vat.startswith("BE") and len(vat) == 12:
            return PEPPOL_BE_ENTERPRISE, vat[2:]
    if country == "FR":
        if len(digits) == 14:
            return PEPPOL_FR_SIRET, digits
        if len(digits) == 9:
            return PEPPOL_FR_SIREN, digits
    scheme = PEPPOL_VAT_SCHEMES.get(vat[:2]) if vat[:2].isalpha() else None
    if scheme:
        return scheme, vat
    return "", ""
