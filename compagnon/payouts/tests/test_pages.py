"""An accountant prepares a refund batch through the pages, from a phone if need be."""

import pytest
from django.urls import reverse

from compagnon.payouts import services
from compagnon.payouts.models import BatchState, PayoutBatch, PayoutLine

from .factories import CLIENT_IBAN, tomorrow

pytestmark = pytest.mark.django_db


def test_an_accountant_refunds_a_credit_note_from_the_pages(client, setting):
    client.force_login(setting.accountant)
    assert "New batch" in client.get(reverse("payout-batch-list")).content.decode()
    form = client.get(reverse("payout-batch-create")).content.decode()
    assert setting.account.iban in form and "pain.001.001.03" in form
    response = client.post(reverse("payout-batch-create"), {
        "account": setting.account.pk, "requested_execution_date": tomorrow().isoformat(), "scheme": ""})
    batch = PayoutBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("payout-batch-detail", args=[batch.pk])

    page = client.get(reverse("payout-batch-detail", args=[batch.pk])).content.decode()
    refund_url = reverse("payout-refund-add", args=[batch.pk, setting.note.pk])
    assert setting.note.number in page and refund_url in page  # the credit note waits to be refunded

    form = client.get(refund_url).content.decode()
    assert "Brasserie De Klok BV" in form and "544.50" in form and setting.note.number in form
    # a wrong IBAN: the form comes back with the error on its field and what was typed
    response = client.post(refund_url, {"creditor_name": "Brasserie De Klok BV", "iban": "BE00 1234",
                                        "amount": "544.50", "remittance_kind": "text", "remittance": "Refund"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "This IBAN is not valid" in text and "BE00 1234" in text and 'id="id_iban_error"' in text
    response = client.post(refund_url, {"creditor_name": "Brasserie De Klok BV", "iban": CLIENT_IBAN,
                                        "amount": "544.50", "remittance_kind": "text",
                                        "remittance": f"Refund {setting.note.number}"})
    assert response.status_code == 302
    line = PayoutLine.objects.get()
    assert line.source_document == setting.note and line.iban == CLIENT_IBAN

    page = client.get(reverse("payout-batch-detail", args=[batch.pk])).content.decode()
    assert "BE71 0961 2345 6769" in page and "544.50" in page
    assert refund_url not in page  # refunded: no longer offered

    # a supplier typed by hand, with a Belgian structured communication
    response = client.post(reverse("payout-line-add", args=[batch.pk]), {
        "purpose": "supplier", "creditor_name": "Drukkerij Peeters", "iban": "BE15 5390 0000 0030",
        "amount": "80", "remittance_kind": "ogm", "remittance": "090/9337/55493"})
    assert response.status_code == 302
    page = client.get(reverse("payout-batch-detail", args=[batch.pk])).content.decode()
    assert "+++090/9337/55493+++" in page

    response = client.post(reverse("payout-batch-generate", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.GENERATED
    page = client.get(reverse("payout-batch-detail", args=[batch.pk])).content.decode()
    assert batch.file_sha256 in page and reverse("payout-batch-download", args=[batch.pk]) in page
    download = client.get(reverse("payout-batch-download", args=[batch.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert download["Content-Disposition"] == f'attachment; filename="{batch.message_id}.xml"'
    with batch.file.open("rb") as kept:
        assert download.content == kept.read()

    assert client.post(reverse("payout-batch-sent", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.SENT


def test_generation_errors_are_shown_with_their_line(client, setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    PayoutLine.objects.filter(batch=batch).update(iban="BE71096123456768")
    client.force_login(setting.accountant)
    response = client.post(reverse("payout-batch-generate", args=[batch.pk]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "The file was not generated" in text
    assert "Line 1 (Brasserie De Klok BV), IBAN: This IBAN is not valid" in text and "to correct" in text
    assert client.get(reverse("payout-batch-download", args=[batch.pk])).status_code == 404


def test_a_changed_file_is_not_handed_out(client, setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    batch = services.generate(actor=setting.accountant, batch=batch)
    with open(batch.file.path, "r+b") as handle:  # someone edits an IBAN on the server
        data = handle.read().replace(CLIENT_IBAN.encode(), b"BE15539000000030")
        handle.seek(0)
        handle.write(data)
    client.force_login(setting.accountant)
    response = client.get(reverse("payout-batch-download", args=[batch.pk]))
    assert response.status_code == 409 and b"no longer matches" in response.content


def test_a_cancelled_batch_offers_no_file_and_frees_its_credit_notes(client, setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    services.generate(actor=setting.accountant, batch=batch)
    client.force_login(setting.accountant)
    assert client.post(reverse("payout-batch-cancel", args=[batch.pk])).status_code == 302
    assert client.get(reverse("payout-batch-download", args=[batch.pk])).status_code == 404
    page = client.get(reverse("payout-batch-detail", args=[batch.pk])).content.decode()
    assert "cancelled" in page
    other = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    page = client.get(reverse("payout-batch-detail", args=[other.pk])).content.decode()
    assert reverse("payout-refund-add", args=[other.pk, setting.note.pk]) in page
