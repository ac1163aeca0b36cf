"""The fixed assets pages, and a supplier invoice waiting for its reverse-charge confirmation, read
as a French and a Dutch accountant or member reads them (the journeys' locale scan)."""

import pytest

from compagnon.assets.models import Asset
from compagnon.purchases import suppliers, workflow
from compagnon.purchases.tests.test_locale import visible_text
from compagnon.purchases.tests.workflow_helpers import cooperative, paper_invoice
from tests.e2e.test_locale_scan import problems_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_pages_speak_the_readers_language(client, language):
    coop = cooperative()
    coop["activity"].name = "Les Jardins de Camille"
    coop["activity"].save(update_fields=["name"])
    invoice = paper_invoice(
        coop, rows=[("20", "900.00", "180.00")], category="computers", days_ago=400, approve=True
    )
    if invoice.state == "to_approve":  # above the threshold incl. VAT
        invoice = workflow.approve(actor=coop["accountant"], invoice=invoice)
    asset = Asset.objects.get(invoice=invoice)
    coop["supplier"] = suppliers.save_supplier(
        actor=coop["accountant"],
        entity=coop["entity"],
        name="Softwarehaus Berlin GmbH",
        country="DE",
        iban="DE89370400440532013000",
    )
    foreign = paper_invoice(coop, number="R-1", rows=[("0", "300.00", "0.00")], category="fees")
    foreign = workflow.approve(actor=coop["camille"].user, invoice=foreign)
    invoice_page = f"/activities/{coop['activity'].pk}/supplier-invoices/{foreign.pk}/"
    pages = {
        coop["camille"].user: ["/assets/", f"/assets/{asset.pk}/", invoice_page],
        coop["accountant"]: ["/assets/?state=in_use", f"/assets/{asset.pk}/", invoice_page],
    }
    found = []
    for user, urls in pages.items():
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found += [
                f"{url}: {p}"
                for p in problems_in(visible_text(response.content.decode()), language)
            ]
    assert found == []
