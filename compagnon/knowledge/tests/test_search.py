"""Searching with or without accents, in French, Dutch and English, on SQLite and PostgreSQL; the
FAQ and the glossary answer too."""

import pytest
from django.urls import reverse

from .. import catalogue, search, services
from .helpers import coop, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["fr"] = published(c, by="admin", language="fr", title="Échéance d'une facture",
                        body="La date d'échéance figure sur chaque facture envoyée au client.")
    c["nl"] = published(c, by="admin", language="nl", title="Een onkostennota indienen",
                        body="Maak een foto van het bonnetje en vul het bedrag in.")
    c["en"] = published(c, by="admin", language="en", title="Reading the budget",
                        body="The budget shows what your activity earned and spent.")
    return c


def test_accents_and_case_do_not_matter(c):
    for q in ("echeance", "ÉCHÉANCE", "échéance", "Echéances"):
        found = search.articles(c["yanis"], q)
        assert [t.article_id for t in found] == [c["fr"].pk], q
    assert [t.article_id for t in search.articles(c["yanis"], "onkostennota")] == [c["nl"].pk]
    assert [t.article_id for t in search.articles(c["yanis"], "budget earned")] == [c["en"].pk]
    assert search.articles(c["yanis"], "nothing like this") == []


def test_the_reader_gets_one_result_per_article_in_their_language(c):
    services.save_draft(actor=c["admin"], article=c["fr"], language="en", title="Invoice due date",
                        body="The due date (échéance) is on every invoice.")
    services.review(actor=c["admin"], article=c["fr"], language="en", decision="approve")
    found = search.articles(c["yanis"], "echeance", lang="en")
    assert len(found) == 1 and found[0].language == "en"
    found = search.articles(c["yanis"], "echeance", lang="fr")
    assert len(found) == 1 and found[0].language == "fr"


def test_search_page_shows_articles_faq_and_glossary(client, c):
    catalogue.save_faq(actor=c["admin"], entity=c["entity"], question_fr="Quand tombe l'échéance ?",
                       answer_fr="Trente jours après la **facture**.")
    client.force_login(c["yanis"])
    body = client.get(reverse("knowledge-index"), {"q": "echeance"}).content.decode()
    assert "Échéance d&#x27;une facture" in body or "Échéance d'une facture" in body
    assert "Quand tombe" in body
    body = client.get(reverse("knowledge-index"), {"q": "credit note"}).content.decode()
    assert reverse("glossary") + "#credit_note" in body
    client.force_login(c["outsider"])
    assert "facture" not in client.get(reverse("knowledge-index"), {"q": "echeance"}).content.decode().lower()
