"""The glossary: the words of the cooperative and of the law, in FR, NL and EN, searchable without
caring for accents or case, as a page, through the API, and as a tap-to-explain hint on any page."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from compagnon.core.tests.factories import member_with_activity
from compagnon.glossary import terms

KEYS_USED_BY_TEMPLATES = {
    "credit_note", "deposit_invoice", "reverse_charge", "structured_communication", "formal_notice",
    "statement_of_work", "e_invoice", "peppol", "factur_x", "vat_exemption", "payment_reference",
    "late_payment_penalty", "fixed_indemnity", "share_capital", "associate", "contribution",
    "excl_incl_vat", "electronic_signature", "validation_report", "einvoice_formats", "due_date", "quote",
}


def test_between_twenty_and_thirty_odd_terms_each_translated_in_french_and_dutch():
    assert 20 <= len(terms.TERMS) <= 35 and len(terms.BY_KEY) == len(terms.TERMS)
    assert KEYS_USED_BY_TEMPLATES <= set(terms.BY_KEY)
    for term in terms.TERMS:
        with translation.override("en"):
            english = (str(term.label), str(term.definition))
        for language in ("fr", "nl"):
            with translation.override(language):
                assert str(term.definition) != english[1], (term.key, language)
                if term.key not in ("peppol", "factur_x"):  # names, the same everywhere
                    assert str(term.label) != english[0], (term.key, language)
        assert set(term.countries) <= {"BE", "FR"} and term.countries


def test_search_ignores_accents_and_case_in_the_readers_language():
    with translation.override("fr"):
        found = [t.key for t in terms.search("echeance")]
        assert found[0] == "due_date" and "late_payment_penalty" in found  # the name first, then definitions
        assert [t.key for t in terms.search("ÉCHÉANCE")] == found
        assert "credit_note" in [t.key for t in terms.search("AVOIR")]
        assert [t.key for t in terms.search("ogm")] == ["structured_communication"]  # an alias
        assert "reverse_charge" in [t.key for t in terms.search("autoliquidation tva")]  # every word
        assert terms.search("zzz introuvable") == []
        labels = [str(t.label) for t in terms.search("")]
        assert labels == sorted(labels, key=terms.fold) and len(labels) == len(terms.TERMS)
    with translation.override("nl"):
        assert "credit_note" in [t.key for t in terms.search("creditnota")]


@pytest.mark.django_db
def test_the_glossary_page_is_open_to_anyone_and_filters_by_a_search(client):
    page = client.get("/glossary/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Glossaire" in html and 'id="structured_communication"' in html and 'type="search"' in html
    assert html.count('class="glossary-term"') == len(terms.TERMS)
    found = client.get("/glossary/?q=Echeance", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert found.index('id="due_date"') < found.index('id="late_payment_penalty"')
    assert found.count('class="glossary-term"') < len(terms.TERMS)
    assert client.get("/glossary/?q=%00").status_code == 400  # a bad parameter is named, not a crash


@pytest.mark.django_db
def test_a_member_finds_the_glossary_in_the_menu_and_the_footer(client):
    member, _activity = member_with_activity()
    client.force_login(member.user)
    html = client.get("/glossary/").content.decode()
    assert html.count('href="/glossary/"') >= 2  # menu and footer
    assert 'aria-current="page"' in html


@pytest.mark.django_db
def test_the_api_lists_the_terms_in_the_requested_language(client):
    body = client.get("/api/v1/glossary/?q=OGM", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert [t["key"] for t in body] == ["structured_communication"]
    assert body[0]["label"] == "Gestructureerde mededeling" and body[0]["countries"] == ["BE"]
    assert "OGM" in body[0]["aliases"] and "+++" in body[0]["definition"]
    assert len(client.get("/api/v1/glossary/").json()) == len(terms.TERMS)
    bad = client.get("/api/v1/glossary/?q=" + "x" * 201)
    assert bad.status_code == 400 and "q" in bad.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_api_schema_documents_the_glossary(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/glossary/"]["get"]
    assert any(p["name"] == "q" for p in operation["parameters"])


def _render(source, **context):
    return Template("{% load glossary_tags %}" + source).render(Context(context))


def test_the_term_tag_adds_an_accessible_hint_without_inline_script():
    with translation.override("fr"):
        html = _render('<p>Un {% term "credit_note" %}avoir{% endterm %} et un {% term kind %}acompte{% endterm %}.</p>',
                       kind="deposit_invoice")
    buttons = re.findall(r"<button[^>]*>", html)
    assert len(buttons) == 2 and all('type="button"' in b and "data-term-toggle" in b for b in buttons)
    controls = re.findall(r'aria-controls="([^"]+)"', html)
    assert len(set(controls)) == 2 and all(f'id="{c}"' in html for c in controls)  # unique, wired
    assert 'aria-expanded="false"' in html and " hidden>" in html and 'role="note"' in html
    assert "Que veut dire «\u00a0Avoir\u00a0»\u00a0?" in html and "annule tout ou partie d'une facture" in html.replace("&#x27;", "'")
    assert 'href="/glossary/#credit_note"' in html
    assert not re.search(r"\son\w+=", html) and "<script" not in html and "style=" not in html
    assert html.startswith("<p>Un <span class=\"term\">avoir<button")


def test_an_unknown_term_renders_the_words_alone():
    assert _render('{% term "no_such_term" %}mot{% endterm %}') == "mot"


@pytest.mark.django_db
def test_the_editor_explains_the_kind_of_document_and_its_totals(client):
    from decimal import Decimal

    from compagnon.clients.models import Client
    from compagnon.sales import services as sales
    from compagnon.sales.models import Kind

    member, activity = member_with_activity()
    customer = Client.objects.create(activity=activity, name="Copropriété Les Tilleuls", street="4 rue des Lilas",
                                     postcode="44000", city="Nantes", language="fr")
    deposit = sales.create_document(actor=member.user, activity=activity, client=customer, kind=Kind.DEPOSIT, lines=[
        {"description": "Acompte 30 %", "quantity": Decimal("1"), "unit": "C62", "unit_price": Decimal("300"),
         "vat_category": "S", "vat_rate": Decimal("20")}])
    client.force_login(member.user)
    html = client.get(f"/documents/{deposit.pk}/").content.decode()
    assert 'aria-controls="term-deposit_invoice-' in html and 'aria-controls="term-excl_incl_vat-' in html
