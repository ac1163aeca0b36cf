"""The same receiving through the API: multipart upload, list and read, errors in the envelope."""

import pytest

from compagnon.core.tests.factories import advisor_of, api_token_for, member_with_activity
from compagnon.purchases.models import SupplierInvoice

from .factories import example, factur_x_pdf, plain_pdf, read_download, upload

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def gardener():
    member, activity = member_with_activity()
    return member, activity, auth(member.user)


def send(client, activity, data, name, headers):
    return client.post(
        "/api/v1/supplier-invoices/",
        {"activity": activity.pk, "file": upload(data, name)},
        **headers,
    )


@pytest.mark.parametrize(
    "data, name, kind, syntax, number, payable, rule_sets",
    [
        (
            example("peppol/Vat-category-S.xml"),
            "s.xml",
            "invoice",
            "ubl",
            "Snippet1",
            "8550.00",
            ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"],
        ),
        (
            example("peppol/base-creditnote-correction.xml"),
            "cn.xml",
            "credit_note",
            "ubl",
            "Snippet1",
            "1656.25",
            ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"],
        ),
        (
            example("en16931-cii/CII_example4.xml"),
            "cii.xml",
            "invoice",
            "cii",
            "TOSL110",
            "4675.00",
            ["EN16931-CII"],
        ),
        (
            None,
            "fx.pdf",
            "invoice",
            "factur-x",
            "471102",
            "529.87",
            ["EN16931-CII", "FACTUR-X_EN16931"],
        ),
    ],
    ids=["ubl-invoice", "ubl-credit-note", "cii", "factur-x"],
)
def test_upload_each_kind(client, gardener, data, name, kind, syntax, number, payable, rule_sets):
    member, activity, headers = gardener
    data = data or factur_x_pdf("facturx/factur-x-3.xml")
    response = send(client, activity, data, name, headers)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["kind"], body["syntax"], body["number"]) == (
        "draft",
        kind,
        syntax,
        number,
    )
    assert body["payable"] == payable and body["activity"] == activity.pk
    assert body["validation_passed"] is True
    assert body["validation_report"]["rule_sets"] == rule_sets
    assert body["created_by"] == member.user.email
    assert body["lines"] and body["vat_breakdown"]
    assert body["file_download"] == f"http://testserver/api/v1/supplier-invoices/{body['id']}/file/"
    assert read_download(client.get(body["file_download"], **headers)) == data


def test_list_and_read(client, gardener):
    member, activity, headers = gardener
    first = send(client, activity, example("en16931-cii/CII_example2.xml"), "a.xml", headers).json()
    send(client, activity, b"<nope/>", "b.xml", headers)
    rows = client.get(f"/api/v1/supplier-invoices/?activity={activity.pk}", **headers).json()
    assert rows["count"] == 2
    assert [r["original_name"] for r in rows["results"]] == ["b.xml", "a.xml"]
    assert "validation_report" not in rows["results"][0]  # lists stay light
    detail = client.get(f"/api/v1/supplier-invoices/{first['id']}/", **headers).json()
    assert detail["supplier_name"] == "Salescompany ltd." and detail["supplier_bic"] == "DNBANOKK"
    assert detail["vat_breakdown"][0].keys() >= {"category", "rate", "taxable_amount", "tax_amount"}
    [attachment] = [a for a in detail["attachments"] if a["download"]]
    assert attachment["filename"] == "EHF.pdf"
    assert len(read_download(client.get(attachment["download"], **headers))) == 77


def test_a_malformed_file_is_kept_and_answered_with_its_line(client, gardener):
    member, activity, headers = gardener
    data = b'<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">\n<ID>1\n</Invoice>\n'
    response = send(client, activity, data, "bad.xml", headers)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "rejected" and body["error_line"] == 4
    assert body["error"].startswith("The XML is not well-formed at line 4")
    assert read_download(client.get(body["file_download"], **headers)) == data
    response = send(client, activity, plain_pdf(), "scan.pdf", headers)
    assert response.json()["error"].startswith("This PDF carries no e-invoice")


def test_errors_come_in_the_envelope(client, gardener):
    member, activity, headers = gardener
    data = example("peppol/base-example.xml")
    assert send(client, activity, data, "a.xml", headers).status_code == 201
    response = send(client, activity, data, "again.xml", headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["message"]) == (400, "Some fields are not valid.")
    assert error["fields"]["file"][0].startswith("This file was already received on")
    assert "invoice Snippet1 from SupplierOfficialName Ltd (a.xml)" in error["fields"]["file"][0]
    response = client.post("/api/v1/supplier-invoices/", {"activity": activity.pk}, **headers)
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
    assert SupplierInvoice.objects.count() == 1


def test_an_advisor_cannot_upload(client):
    member, activity = member_with_activity()
    headers = auth(advisor_of(member.office))
    response = send(client, activity, example("peppol/base-example.xml"), "a.xml", headers)
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert not SupplierInvoice.objects.exists()
    assert (
        client.get(f"/api/v1/supplier-invoices/?activity={activity.pk}", **headers).status_code
        == 200
    )
