"""The same through the API: accounts, statement upload (multipart), transactions by state."""

import pytest

from compagnon.banking.models import BankAccount
from compagnon.core.tests.factories import api_token_for

from .helpers import BE_IBAN, data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers(accountant):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(accountant)}"}


def test_create_and_list_accounts(client, headers, be_entity):
    response = client.post(
        "/api/v1/bank-accounts/",
        {"entity": be_entity.pk, "name": "Belfius", "iban": "BE68 5390 0754 7034"},
        **headers,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["iban"] == BE_IBAN
    response = client.post(
        "/api/v1/bank-accounts/",
        {"entity": be_entity.pk, "name": "Again", "iban": BE_IBAN},
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["iban"] == [
        "This IBAN is already registered as a bank account."
    ]
    listed = client.get("/api/v1/bank-accounts/", **headers).json()
    assert [row["name"] for row in listed["results"]] == ["Belfius"]
    assert BankAccount.objects.count() == 1


def test_upload_a_statement_then_list_its_transactions(client, headers, be_account):
    response = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "kbc.xml")},
        **headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["imported"], body["already_known"], body["to_match"]) == (
        "imported",
        6,
        0,
        2,
    )
    assert body["statement_id"] == "2026-00104"
    statement_id = body["id"]

    again = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "kbc.xml")},
        **headers,
    ).json()
    assert (again["imported"], again["already_known"]) == (0, 6)

    rows = client.get(
        f"/api/v1/bank-transactions/?account={be_account.pk}&state=unmatched", **headers
    ).json()
    assert rows["count"] == 6
    first = next(r for r in rows["results"] if r["counterparty_name"] == "Bakkerij Janssens BV")
    assert (first["amount"], first["structured_reference"], first["statement"]) == (
        "302.50",
        "261000004391",
        statement_id,
    )
    assert client.get("/api/v1/bank-transactions/?state=matched", **headers).json()["count"] == 0
    bad = client.get("/api/v1/bank-transactions/?state=paid", **headers)
    assert bad.status_code == 400 and "state" in bad.json()["error"]["fields"]
    listed = client.get(f"/api/v1/bank-statements/?account={be_account.pk}", **headers).json()
    assert listed["count"] == 2
    download = client.get(f"/api/v1/bank-statements/{statement_id}/file/", **headers)
    assert b"".join(download.streaming_content) == data("camt053_v08_kbc.xml")


def test_a_rejected_upload_answers_201_with_the_reason(client, headers, be_account):
    response = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(b"<Document>", "bad.xml")},
        **headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "rejected" and body["imported"] == 0
    assert "not well-formed" in body["error"] and body["error_line"] == 1


def test_an_upload_without_a_file_is_a_field_error(client, headers, be_account):
    response = client.post("/api/v1/bank-statements/", {"account": be_account.pk}, **headers)
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
