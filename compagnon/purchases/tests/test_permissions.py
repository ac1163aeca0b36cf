"""A member never reaches another member's supplier invoices: 404 on pages, files and API."""

import pytest

from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity
from compagnon.purchases.models import SupplierInvoice

from .factories import AttachmentFactory, SupplierInvoiceFactory, example, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_members():
    office = OfficeFactory()
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    mine = SupplierInvoiceFactory(activity=activity_a, supplier_name="Mine SARL")
    theirs = SupplierInvoiceFactory(activity=activity_b, supplier_name="Theirs BV")
    return a, mine, b, theirs


def test_member_gets_404_on_another_members_supplier_invoice_pages(client, two_members):
    a, mine, b, theirs = two_members
    attachment = AttachmentFactory(invoice=theirs)
    my_attachment = AttachmentFactory(invoice=mine)
    client.force_login(a.user)
    base = f"/activities/{mine.activity_id}/supplier-invoices"
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/{mine.pk}/").status_code == 200
    response = client.get(f"{base}/{mine.pk}/attachments/{my_attachment.pk}/")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # read it: that closes the file (never response.close())
    theirs_base = f"/activities/{theirs.activity_id}/supplier-invoices"
    for url in (
        f"{theirs_base}/",
        f"{theirs_base}/{theirs.pk}/",
        f"{theirs_base}/{theirs.pk}/file/",
        f"{theirs_base}/{theirs.pk}/attachments/{attachment.pk}/",
        # their invoice reached through my activity
        f"{base}/{theirs.pk}/",
        f"{base}/{theirs.pk}/file/",
        f"{base}/{theirs.pk}/attachments/{attachment.pk}/",
        # their attachment through my invoice
        f"{base}/{mine.pk}/attachments/{attachment.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"{theirs_base}/", {"file": upload(example("peppol/base-example.xml"), "a.xml")}
    )
    assert response.status_code == 404
    assert SupplierInvoice.objects.count() == 2
    page = client.get(f"{base}/").content.decode()
    assert "Mine SARL" in page and "Theirs BV" not in page


def test_member_gets_404_on_another_members_supplier_invoices_through_the_api(client, two_members):
    a, mine, b, theirs = two_members
    attachment = AttachmentFactory(invoice=theirs)
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(a.user)}"}
    assert client.get(f"/api/v1/supplier-invoices/{mine.pk}/", **headers).status_code == 200
    for url in (
        f"/api/v1/supplier-invoices/?activity={theirs.activity_id}",
        f"/api/v1/supplier-invoices/{theirs.pk}/",
        f"/api/v1/supplier-invoices/{theirs.pk}/file/",
        f"/api/v1/supplier-invoices/{theirs.pk}/attachments/{attachment.pk}/",
        f"/api/v1/supplier-invoices/{mine.pk}/attachments/{attachment.pk}/",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json() == {
            "error": {"status": 404, "code": "not_found", "message": "Not found."}
        }
    listed = client.get("/api/v1/supplier-invoices/", **headers).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    # uploading into their activity: it does not exist for this member
    response = client.post(
        "/api/v1/supplier-invoices/",
        {
            "activity": theirs.activity_id,
            "file": upload(example("peppol/base-example.xml"), "a.xml"),
        },
        **headers,
    )
    assert response.status_code == 400 and "activity" in response.json()["error"]["fields"]
    assert SupplierInvoice.objects.count() == 2


def test_anonymous_visitors_are_sent_to_log_in(client, two_members):
    a, mine, b, theirs = two_members
    response = client.get(f"/activities/{mine.activity_id}/supplier-invoices/{mine.pk}/file/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/supplier-invoices/").status_code in (401, 403)
