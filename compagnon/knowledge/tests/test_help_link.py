"""{% help_link "page-key" %}: no query when nothing is attached (nor when something is, once the
map is read); the reader's language; never another entity's article."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from compagnon import permissions

from .. import services
from .helpers import coop, published

pytestmark = pytest.mark.django_db


def render(user, key="sales-document", lang="en"):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(lang):
        return Template('{% load knowledge %}{% help_link key %}').render(Context({"request": request, "key": key}))


@pytest.fixture
def c():
    c = coop()
    c["article"] = published(c, by="admin", title="Send a quote", body="Tap New.")
    services.save_draft(actor=c["admin"], article=c["article"], language="fr", title="Envoyer un devis", body="x")
    services.review(actor=c["admin"], article=c["article"], language="fr", decision="approve")
    return c


def test_no_query_on_a_page_with_nothing_attached(c, django_assert_num_queries):
    permissions.scope_for(c["yanis"])  # the page already computed it
    with django_assert_num_queries(1):  # the map, read once in this process
        assert render(c["yanis"]) == ""
    for key in ("sales-document", "budget", "expenses-new"):
        with django_assert_num_queries(0):
            assert render(c["yanis"], key=key) == ""
    with django_assert_num_queries(0):  # nor for someone without a scope computed yet: no entry, no scope
        assert render(c["outsider"], key="budget") == ""


def test_attached_article_in_the_readers_language_and_invalidated_on_publish(c, django_assert_num_queries):
    services.update_settings(actor=c["admin"], article=c["article"], topic=None, kind="article", shared=False,
                             page_keys=["sales-document", "sales-new"])
    permissions.scope_for(c["yanis"])
    render(c["yanis"])
    with django_assert_num_queries(0):
        html = render(c["yanis"], lang="fr")
    assert "Envoyer un devis" in html and f"/help/a/{c['article'].pk}/" in html
    assert "Send a quote" in render(c["yanis"], lang="en")
    assert "Send a quote" in render(c["yanis"], lang="nl") or "Envoyer un devis" in render(c["yanis"], lang="nl")
    services.save_draft(actor=c["admin"], article=c["article"], language="en", title="Send a quote in 3 taps",
                        body="Tap New, fill, send.")
    services.review(actor=c["admin"], article=c["article"], language="en", decision="approve")
    assert "Send a quote in 3 taps" in render(c["yanis"], lang="en")


def test_another_entitys_article_is_never_linked(c):
    services.update_settings(actor=c["admin"], article=c["article"], topic=None, kind="article", shared=False,
                             page_keys=["budget"])
    assert render(c["outsider"], key="budget") == ""
    assert "Send a quote" in render(c["accountant"], key="budget")
    services.update_settings(actor=c["admin"], article=c["article"], topic=None, kind="article", shared=True,
                             page_keys=["budget"])
    assert "Send a quote" in render(c["outsider"], key="budget")
