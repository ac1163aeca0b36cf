"""The e-invoice in plain words: the member reads what the check found as sentences in their
language, with what to fix; rule ids, English rule texts and XPath stay folded under "Technical
details"."""

import re

import pytest
from django.utils import translation

from compagnon.einvoice import explain
from compagnon.einvoice.tests import scenarios

pytestmark = pytest.mark.django_db

R008 = {"rule_set": "FACTUR-X_EN16931", "flag": "warning", "id": "PEPPOL-EN16931-R008",
        "location": "/*:CrossIndustryInvoice[namespace-uri()='urn:x'][1]/*:SupplyChain",
        "text": "[PEPPOL-EN16931-R008]-Document MUST not contain empty elements."}
UNKNOWN = {"rule_set": "EN16931-CII", "flag": "fatal", "id": "BR-XYZ-99", "location": "/rsm:CrossIndustryInvoice",
           "text": "Something only a specialist reads."}


def _reads_in(user, language):
    user.language = language
    user.save(update_fields=["language"])


def _outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_the_warning_our_documents_carry_is_one_plain_sentence_in_the_readers_language():
    with translation.override("fr"):
        (item,) = explain.explain_report([R008])
    assert item.known and not item.blocking and item.field == "einvoice"
    assert item.sentence.startswith("La facture électronique contient une rubrique vide")
    assert "R008" not in item.sentence and "/*:" not in item.sentence


def test_an_unknown_rule_says_a_generic_sentence_and_keeps_its_raw_text_for_the_details():
    with translation.override("nl"):
        items = explain.explain_report([R008, UNKNOWN, UNKNOWN])
    assert [i.rule["id"] for i in items] == ["BR-XYZ-99", "PEPPOL-EN16931-R008"]  # errors first, once each
    unknown = items[0]
    assert not unknown.known and unknown.blocking
    assert unknown.sentence.startswith("De e-factuur voldoet niet aan een van de officiële regels")
    assert "specialist" not in unknown.sentence and unknown.rule["text"] == UNKNOWN["text"]


@pytest.mark.parametrize("rule_id,field,words", [
    ("BR-FR-12_BT-49", "client", "email address"),
    ("BR-CO-26", "entity", "company number or VAT number"),
    ("BR-FR-10_BT-30", "entity", "company number or VAT number"),
    ("BR-AE-02", "client", "VAT number"),
    ("BR-E-10", "lines", "legal reason"),
    ("BR-CO-16", "einvoice", "fault of Compagnon"),
])
def test_the_rules_a_member_can_trigger_name_what_to_fix(rule_id, field, words):
    with translation.override("en"):
        (item,) = explain.explain_report([{**UNKNOWN, "id": rule_id}])
    assert item.known and item.field == field and words in item.sentence and rule_id not in item.sentence


def test_the_document_page_says_the_e_invoice_in_words_and_folds_the_formats(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = scenarios.fr_b2b_several_rates()
    doc.refresh_from_db()
    doc.einvoice.report = {**doc.einvoice.report, "warnings": 1, "fired": [R008]}
    doc.einvoice.save(update_fields=["report"])
    _reads_in(doc.created_by, "fr")
    client.force_login(doc.created_by)
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    panel = page[page.index('id="h-einvoice"'):]
    panel = panel[:panel.index("</section>")]
    plain = _outside_details(panel)
    assert "Le logiciel comptable de votre client peut lire cette facture" in plain
    assert "rubrique vide" in plain  # the warning, in words
    assert "Détails techniques" in panel
    for jargon in ("Factur-X", "UBL", "CII", "R008", "avertissement", "/*:"):
        assert jargon not in re.sub(r"<[^>]+>|\"[^\"]*\"", "", plain).replace("Factur-X inside", ""), jargon
    assert f"/documents/{doc.pk}/einvoice/facturx/" in panel  # downloads still there, folded


def test_the_report_page_explains_each_rule_and_keeps_xpath_under_technical_details(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = scenarios.be_b2b_two_rates()
    doc.refresh_from_db()
    doc.einvoice.report = {**doc.einvoice.report, "warnings": 1, "fired": [R008]}
    doc.einvoice.save(update_fields=["report"])
    _reads_in(doc.created_by, "nl")
    client.force_login(doc.created_by)
    report = client.get(f"/documents/{doc.pk}/einvoice/report/").content.decode()
    plain = _outside_details(report)
    assert "De e-factuur bevat een lege rubriek" in plain and "Technische details" in report
    assert "R008" not in plain and "namespace-uri" not in plain and "MUST not" not in plain
    assert "namespace-uri" in report and "PEPPOL-EN16931-R008" in report  # folded, not lost
