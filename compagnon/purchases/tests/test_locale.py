"""The workflow's pages read as a French and a Dutch member or accountant reads them: amounts and
numbers through the locale, no English left, French spaces before ":" and "%" (the rules of the
journeys' locale scan, applied to the server-rendered text)."""

import re

import pytest
from django.utils.html import strip_tags

from compagnon.payouts import services as payouts
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow
from compagnon.purchases import workflow
from tests.e2e.test_locale_scan import problems_in

from .workflow_helpers import cooperative, paper_invoice

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|select|head|nav)[^>]*>.*?</\1>", " ", html)
    return "\n".join(line.strip() for line in strip_tags(html).splitlines() if line.strip())


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pages_speak_the_readers_language(client, language):
    coop = cooperative()
    coop["activity"].name = "Les Jardins de Camille"
    coop["activity"].save(update_fields=["name"])
    approved = paper_invoice(coop, approve=True)
    waiting = paper_invoice(coop, number="F-2", rows=[("20", "2000.00", "400.00")], approve=True)
    refused = paper_invoice(coop, number="F-3", rows=[("20", "2000.00", "400.00")], approve=True)
    workflow.refuse(actor=coop["accountant"], invoice=refused, reason="Il manque le bon de livraison.")
    draft = paper_invoice(coop, number="F-4")
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630006000011234567890189", bic="AGRIFRPP")
    payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    base = f"/activities/{coop['activity'].pk}/supplier-invoices"
    pages = {
        coop["camille"].user: ["/purchases/", f"{base}/{draft.pk}/edit/", f"{base}/{refused.pk}/",
                               f"{base}/{approved.pk}/", f"{base}/new/", "/purchases/suppliers/",
                               f"/purchases/suppliers/{coop['supplier'].pk}/"],
        coop["accountant"]: ["/purchases/queue/", "/purchases/pay/?within=all", f"{base}/{waiting.pk}/"],
    }
    found = []
    for user, urls in pages.items():
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found += [f"{url}: {p}" for p in problems_in(visible_text(response.content.decode()), language)]
    assert found == []
