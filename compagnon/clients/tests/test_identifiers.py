"""Company and VAT numbers are checked with each country's rule and stored in one form."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import siren as siren_module

from compagnon.core.demo import kbo_from, siren_from
from compagnon.jurisdictions.parties import default_peppol_id, validate_party

SIREN = siren_from(12345678)  # 123456782
SIRET = SIREN + "0001" + luhn.calc_check_digit(SIREN + "0001")  # its first establishment
FR_VAT = "FR" + siren_module.to_tva(SIREN)
KBO = "0403019261"


def errors(country, kind="company", company_number="", vat_number="") -> dict:
    with pytest.raises(ValidationError) as raised:
        validate_party(country, kind, company_number, vat_number)
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("country", "company_number", "vat_number", "expected"),
    [
        ("FR", SIREN, "", (SIREN, "")),
        ("FR", "123 456 782", "", (SIREN, "")),
        ("FR", SIRET, "", (SIRET, "")),
        ("FR", f"{SIREN[:3]} {SIREN[3:6]} {SIREN[6:]} {SIRET[9:]}", FR_VAT, (SIRET, FR_VAT)),
        ("FR", "", FR_VAT[2:], ("", FR_VAT)),  # typed without its prefix
        ("FR", SIREN, FR_VAT.lower(), (SIREN, FR_VAT)),
        ("BE", KBO, "", (KBO, "")),
        ("BE", "0403.019.261", "BE 0403.019.261", (KBO, "BE" + KBO)),
        ("BE", "", "0403019261", ("", "BE" + KBO)),
        ("DE", "HRB 12345", "DE 136 695 976", ("HRB 12345", "DE136695976")),
        ("NL", "", "NL004495445B01", ("", "NL004495445B01")),
        ("GR", "", "GR094259216", ("", "EL094259216")),
        ("CH", "", "CHE-116.281.710 MWST", ("", "CHE-116.281.710 MWST")),
    ],
)
def test_valid_identifiers_are_normalised(country, company_number, vat_number, expected):
    result = validate_party(country.lower(), "company", company_number, vat_number)
    assert (result["company_number"], result["vat_number"]) == expected
    assert result["country"] == country


@pytest.mark.parametrize(
    ("country", "company_number", "vat_number", "field", "rule"),
    [
        ("FR", "123456789", "", "company_number", "SIREN number has 9 digits and a valid check"),
        ("FR", SIRET[:-1] + str((int(SIRET[-1]) + 1) % 10), "", "company_number", "SIRET number"),
        ("FR", "12345", "", "company_number", "SIREN (9 digits) or a SIRET (14 digits)"),
        ("BE", "0403019262", "", "company_number", "mod-97 check"),
        ("BE", "2403019261", "", "company_number", "starting with 0 or 1"),
        ("FR", "", "FR00123456782", "vat_number", "French VAT number is FR, two check"),
        ("BE", "", "BE0403019262", "vat_number", "Belgian VAT number is BE followed"),
        ("DE", "", "DE136695970", "vat_number", "not a valid DE VAT number"),
        ("DE", "", "XX136695976", "vat_number", "two-letter code of an EU country"),
        (
            "FR",
            SIREN,
            "FR" + siren_module.to_tva(siren_from(7654321)),
            "vat_number",
            "another SIREN",
        ),
        ("BE", KBO, "BE" + kbo_from(1234567), "vat_number", "followed by the enterprise number"),
        ("ZZ", "", "", "country", "two-letter code of a country"),
    ],
)
def test_invalid_identifiers_name_the_field_and_the_rule(
    country, company_number, vat_number, field, rule
):
    found = errors(country, company_number=company_number, vat_number=vat_number)
    assert list(found) == [field]
    assert rule in found[field][0]


def test_both_identifiers_are_reported_at_once():
    found = errors("FR", company_number="123456789", vat_number="FR00123456789")
    assert set(found) == {"company_number", "vat_number"}


def test_an_individual_needs_no_identifiers_and_keeps_none():
    assert validate_party("FR", "individual", "", "") == {
        "country": "FR",
        "company_number": "",
        "vat_number": "",
    }
    # what was typed while the form still said "company" is not kept for a person
    assert validate_party("BE", "individual", "garbage", "also garbage")["vat_number"] == ""


@pytest.mark.parametrize(
    ("country", "company_number", "vat_number", "peppol"),
    [
        ("BE", KBO, "BE" + KBO, ("0208", KBO)),
        ("BE", "", "BE" + KBO, ("0208", KBO)),
        ("FR", SIRET, FR_VAT, ("0009", SIRET)),
        ("FR", SIREN, FR_VAT, ("0002", SIREN)),
        ("FR", "", FR_VAT, ("9957", FR_VAT)),
        ("DE", "HRB 12345", "DE136695976", ("9930", "DE136695976")),
        ("LU", "", "BE" + KBO, ("9925", "BE" + KBO)),
        ("CH", "", "CHE-116.281.710 MWST", ("", "")),
        ("FR", "", "", ("", "")),
    ],
)
def test_default_peppol_id(country, company_number, vat_number, peppol):
    assert default_peppol_id(country, company_number, vat_number) == peppol


@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_any_enterprise_number_built_like_the_demo_data_is_valid(n):
    kbo = kbo_from(n)
    result = validate_party("BE", "company", kbo, f"BE{kbo}")
    assert result == {"country": "BE", "company_number": kbo, "vat_number": f"BE{kbo}"}
    assert default_peppol_id("BE", kbo, f"BE{kbo}") == ("0208", kbo)


@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_any_siren_built_like_the_demo_data_is_valid_with_its_vat_number(n):
    number = siren_from(n)
    vat = "FR" + siren_module.to_tva(number)
    assert validate_party("FR", "company", number, vat)["vat_number"] == vat
