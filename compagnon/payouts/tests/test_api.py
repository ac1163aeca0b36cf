"""The same batch, prepared by a script through the API."""

import hashlib

import pytest

from compagnon.core.tests.factories import api_token_for
from compagnon.payouts.models import BatchState

from .factories import CLIENT_IBAN, OGM, another_credit_note, tomorrow

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}
BASE = "/api/v1/payout-batches/"


@pytest.fixture
def auth(setting):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(setting.accountant)}"}


def test_a_script_prepares_generates_and_downloads_a_batch(client, setting, auth):
    created = client.post(BASE, {"account": setting.account.pk, "requested_execution_date": tomorrow().isoformat(),
                                 "scheme": "pain.001.001.03"}, **JSON, **auth)
    assert created.status_code == 201, created.content
    batch = created.json()
    assert batch["state"] == "draft" and batch["scheme"] == "pain.001.001.03" and batch["entity"] == setting.entity.pk
    assert batch["lines"] == [] and batch["download"] is None
    lines_url = f"{BASE}{batch['id']}/lines/"

    candidates = client.get(f"{BASE}{batch['id']}/refund-candidates/", **auth).json()
    assert [c["number"] for c in candidates["results"]] == [setting.note.number]

    # a wrong IBAN: the one error envelope, naming the field
    refused = client.post(lines_url, {"credit_note": setting.note.pk, "iban": "BE00"}, **JSON, **auth)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert error["fields"] == {"iban": [
        "This IBAN is not valid: check the country code, the length and the two check digits."]}

    refund = client.post(lines_url, {"credit_note": setting.note.pk, "iban": CLIENT_IBAN}, **JSON, **auth)
    assert refund.status_code == 201, refund.content
    refund = refund.json()
    assert refund["purpose"] == "refund" and refund["amount"] == "544.50"
    assert refund["credit_note"] == setting.note.pk and refund["credit_note_number"] == setting.note.number
    assert refund["end_to_end_id"] == f"CMP-{batch['id']}-{refund['id']}"

    again = client.post(lines_url, {"credit_note": setting.note.pk, "iban": CLIENT_IBAN}, **JSON, **auth)
    assert again.status_code == 400 and "already refunded" in again.json()["error"]["fields"]["credit_note"][0]

    supplier = client.post(lines_url, {"creditor_name": "Drukkerij Peeters", "iban": "BE15539000000030",
                                       "amount": "80.00", "remittance_kind": "ogm",
                                       "remittance": "+++090/9337/55493+++"}, **JSON, **auth)
    assert supplier.status_code == 201, supplier.content
    supplier = supplier.json()
    assert supplier["purpose"] == "supplier" and supplier["remittance_kind"] == "ogm" and supplier["remittance"] == OGM
    typo = client.post(lines_url, {"creditor_name": "Someone", "iban": CLIENT_IBAN, "amount": "5",
                                   "remittance": "x", "end_to_end_id": refund["end_to_end_id"]}, **JSON, **auth)
    assert typo.status_code == 400 and "end_to_end_id" in typo.json()["error"]["fields"]
    extra = client.post(lines_url, {"creditor_name": "Someone", "iban": CLIENT_IBAN, "amount": "5",
                                    "remittance": "x"}, **JSON, **auth).json()
    assert client.delete(f"{lines_url}{extra['id']}/", **auth).status_code == 204
    assert [line["id"] for line in client.get(lines_url, **auth).json()] == [refund["id"], supplier["id"]]

    generated = client.post(f"{BASE}{batch['id']}/generate/", **auth)
    assert generated.status_code == 200, generated.content
    body = generated.json()
    assert body["state"] == "generated" and body["line_count"] == 2 and body["control_sum"] == "624.50"
    assert body["download"].endswith(f"{BASE}{batch['id']}/download/")
    download = client.get(f"{BASE}{batch['id']}/download/", **auth)
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert hashlib.sha256(download.content).hexdigest() == body["file_sha256"]
    assert b"pain.001.001.03" in download.content and b"<Issr>BBA</Issr>" in download.content

    # frozen now
    late = client.post(lines_url, {"creditor_name": "Late", "iban": CLIENT_IBAN, "amount": "1", "remittance": "x"},
                       **JSON, **auth)
    assert late.status_code == 400 and "state" in late.json()["error"]["fields"]
    sent = client.post(f"{BASE}{batch['id']}/mark-sent/", **auth).json()
    assert sent["state"] == BatchState.SENT and sent["sent_at"]
    assert [line["state"] for line in sent["lines"]] == ["sent", "sent"]
    # recalled from the bank before it paid anything: cancelled, its entry reversed
    cancelled = client.post(f"{BASE}{batch['id']}/cancel/", **auth)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert [line["state"] for line in cancelled.json()["lines"]] == ["cancelled", "cancelled"]


def test_generation_errors_name_the_line_and_field(client, setting, auth):
    batch = client.post(BASE, {"account": setting.account.pk, "requested_execution_date": tomorrow().isoformat()},
                        **JSON, **auth).json()
    client.post(f"{BASE}{batch['id']}/lines/", {"credit_note": setting.note.pk, "iban": CLIENT_IBAN}, **JSON, **auth)
    from compagnon.payouts.models import PayoutLine

    PayoutLine.objects.filter(batch_id=batch["id"]).update(iban="BE71096123456768")
    refused = client.post(f"{BASE}{batch['id']}/generate/", **auth)
    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert list(fields) == ["lines.1.iban"] and fields["lines.1.iban"][0].startswith("Line 1 (Brasserie De Klok BV), IBAN:")
    assert client.get(f"{BASE}{batch['id']}/download/", **auth).status_code == 404


def test_batches_are_listed_newest_first_and_filtered(client, setting, auth):
    first = client.post(BASE, {"account": setting.account.pk, "requested_execution_date": tomorrow().isoformat()},
                        **JSON, **auth).json()
    second = client.post(BASE, {"account": setting.account.pk, "requested_execution_date": tomorrow().isoformat()},
                         **JSON, **auth).json()
    note = another_credit_note(setting.entity)
    client.post(f"{BASE}{second['id']}/lines/", {"credit_note": note.pk, "iban": CLIENT_IBAN}, **JSON, **auth)
    client.post(f"{BASE}{first['id']}/cancel/", **auth)
    listing = client.get(BASE, **auth).json()
    assert [b["id"] for b in listing["results"]] == [second["id"], first["id"]]
    assert listing["results"][0]["total"] == str(note.payable)
    drafts = client.get(f"{BASE}?state=draft", **auth).json()
    assert [b["id"] for b in drafts["results"]] == [second["id"]]
    changed = client.patch(f"{BASE}{second['id']}/", {"scheme": "pain.001.001.03"}, **JSON, **auth)
    assert changed.status_code == 200 and changed.json()["scheme"] == "pain.001.001.03"


def test_the_schema_documents_the_payouts_api(client):
    text = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/payout-batches/", "/api/v1/payout-batches/{id}/generate/",
                 "/api/v1/payout-batches/{id}/download/", "/api/v1/payout-batches/{batch_pk}/lines/"):
        assert path in text
