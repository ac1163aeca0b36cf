"""Members read their history in words; whoever keeps the books reads the ledger entries as
recorded. Amounts follow the reader's language."""

import pytest
from django.utils import translation

from compagnon.accounts.models import Role
from compagnon.audit.history import plain_text
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import staff
from compagnon.einvoice.tests import scenarios

pytestmark = pytest.mark.django_db


def _in_french(user):
    user.language = "fr"
    user.save(update_fields=["language"])


def test_a_member_reads_an_issued_invoice_in_words_and_the_accountant_keeps_the_entry(client):
    invoice = scenarios.fr_b2b_several_rates()  # 317.53 incl. VAT
    member_user = invoice.created_by
    _in_french(member_user)
    client.force_login(member_user)

    document_page = client.get(f"/documents/{invoice.pk}/").content.decode()
    assert f"Facture {invoice.number} émise, 317,53\u00a0€ TTC" in document_page

    activity_page = client.get(f"/activities/{invoice.activity_id}/").content.decode()
    assert "Enregistré dans les comptes\u00a0:" in activity_page and "317,53\u00a0€" in activity_page
    assert "Écriture" not in activity_page and "317.53" not in activity_page

    accountant = staff(Role.ACCOUNTANT, invoice.entity)
    _in_french(accountant)
    client.force_login(accountant)
    log = client.get("/history/").content.decode()
    assert "Écriture VT-" in log  # the books as recorded, for who keeps them


def test_an_unknown_kind_of_event_keeps_its_recorded_words_with_a_localised_amount():
    event = AuditEvent(action="payments.set_aside", object_type="x", object_id="1", object_repr="x",
                       message="Transaction of %(amount)s EUR (%(counterparty)s) set aside: %(reason)s",
                       params={"amount": "1234.50", "counterparty": "ACME", "reason": "duplicate"})
    with translation.override("en"):
        assert plain_text(event) == "Transaction of 1,234.50 EUR (ACME) set aside: duplicate"
    broken = AuditEvent(action="x", message="%(missing)s", params={})
    assert plain_text(broken) == "%(missing)s"
