"""Issue 9, point 8: the French BR-FR rules apply to domestic B2B documents only; B2C and export
invoices of a French entity issue without a client email, still valid EN 16931 / Factur-X."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compagnon.einvoice import services, validation
from compagnon.einvoice.tests import scenarios
from compagnon.sales.models import Kind

pytestmark = pytest.mark.django_db


def _issue(member, activity, client):
    return scenarios.issue(member, activity, client, [scenarios._line("Taille de haies", "2", "40")], kind=Kind.INVOICE)


def _valid_cii(document):
    xml = services.build(document.frozen, "cii")
    report = validation.validate(xml, ["EN16931-CII", "FACTUR-X_EN16931"])
    assert report.passed, report.errors
    return report


def test_a_french_invoice_to_an_individual_without_email_is_issued_and_valid():
    member, activity = scenarios.seller("FR")
    client = scenarios.individual_client(activity, "FR")
    client.email = ""
    client.save()
    document = _issue(member, activity, client)
    assert document.number
    assert document.einvoice.report["rule_sets"] == ["EN16931-CII", "FACTUR-X_EN16931"]
    _valid_cii(document)


@pytest.mark.parametrize("country", ["BE", "CH"])
def test_a_french_invoice_to_a_company_abroad_without_email_is_issued_and_valid(country):
    member, activity = scenarios.seller("FR")
    client = scenarios.business_client(activity, country)
    client.email = ""
    client.save()
    document = _issue(member, activity, client)
    assert document.number and "BR-FR-CII" not in document.einvoice.report["rule_sets"]
    _valid_cii(document)


def test_a_domestic_b2b_invoice_without_an_electronic_address_says_what_to_add_and_where():
    member, activity = scenarios.seller("FR")
    client = scenarios.business_client(activity, "FR", peppol_scheme="", peppol_id="", company_number="",
                                       vat_number="")
    client.email = ""
    client.save()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _issue(member, activity, client)
    assert ("Add the client's email address on the client's page: French e-invoices to businesses must "
            "carry an electronic address for the client.") in exc.value.message_dict["client"]


def test_domestic_b2b_still_gets_the_french_rules():
    assert validation.french_rules_apply({"seller": {"jurisdiction": "FR"}, "buyer": {"kind": "company", "country": "FR"}})
    assert not validation.french_rules_apply({"seller": {"jurisdiction": "FR"}, "buyer": {"kind": "individual", "country": "FR"}})
    assert not validation.french_rules_apply({"seller": {"jurisdiction": "FR"}, "buyer": {"kind": "company", "country": "DE"}})
    assert not validation.french_rules_apply({"seller": {"jurisdiction": "BE"}, "buyer": {"kind": "company", "country": "FR"}})
