"""The fixed assets pages and API: the member reads their activity's assets and schedules, the
accountant records a disposal; everyone else gets 404 (invisible) or 403 (visible, not theirs)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.assets.models import Asset
from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity
from compagnon.purchases import workflow
from compagnon.purchases.tests.workflow_helpers import cooperative, paper_invoice

pytestmark = pytest.mark.django_db


def _asset(coop, number="F-1", who="camille"):
    invoice = paper_invoice(
        coop,
        rows=(("20", "900.00", "180.00"),),
        category="computers",
        number=number,
        days_ago=400,
        who=who,
        approve=True,
    )
    return Asset.objects.get(
        invoice=invoice
        if invoice.state == "approved"
        else workflow.approve(actor=coop["accountant"], invoice=invoice)
    )


def test_the_member_reads_the_schedule_others_get_404_and_403(client):
    coop = cooperative()
    asset = _asset(coop)
    client.force_login(coop["camille"].user)
    assert asset.label in client.get("/assets/").content.decode()
    page = client.get(f"/assets/{asset.pk}/").content.decode()
    assert (
        str(asset.acquired_on.year + 3) in page
        and "asset-dispose" not in page
        and "/dispose/" not in page
    )
    assert (
        client.post(
            f"/assets/{asset.pk}/dispose/", {"kind": "scrap", "on": "2026-01-01"}
        ).status_code
        == 403
    )
    client.force_login(coop["yanis"].user)  # a colleague of another activity
    assert client.get(f"/assets/{asset.pk}/").status_code == 404
    assert asset.label not in client.get("/assets/").content.decode()
    outsider, _activity = member_with_activity(OfficeFactory())
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(outsider.user)}"}
    assert client.get(f"/api/v1/assets/{asset.pk}/", **headers).status_code == 404
    assert client.get("/api/v1/assets/", **headers).json()["results"] == []


def test_the_accountant_records_a_sale_on_the_page_and_reads_the_api(client):
    coop = cooperative()
    asset = _asset(coop)
    client.force_login(coop["accountant"])
    assert "/dispose/" in client.get(f"/assets/{asset.pk}/").content.decode()
    today = datetime.date.today().isoformat()
    response = client.post(
        f"/assets/{asset.pk}/dispose/", {"kind": "sale", "on": today, "price": "300.00"}
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.is_disposed and asset.disposal_entry_id
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['accountant'])}"}
    body = client.get(f"/api/v1/assets/{asset.pk}/", **headers).json()
    assert body["state"] == "disposed" and body["disposal_kind"] == "sale"
    assert [row["posted"] for row in body["schedule"]] == [
        True,
        True,
    ]  # last year and this one, to the day
    assert client.get("/api/v1/assets/?state=in_use", **headers).json()["results"] == []


def test_lists_take_a_fixed_number_of_queries(client):
    coop = cooperative()
    _asset(coop)
    client.force_login(coop["accountant"])
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['accountant'])}"}
    client.get("/assets/")
    client.get("/api/v1/assets/", **headers)
    with CaptureQueriesContext(connection) as one_page:
        client.get("/assets/")
    with CaptureQueriesContext(connection) as one_api:
        client.get("/api/v1/assets/", **headers)
    for n in range(2, 5):
        _asset(coop, number=f"F-{n}")
    with CaptureQueriesContext(connection) as many_page:
        client.get("/assets/")
    with CaptureQueriesContext(connection) as many_api:
        client.get("/api/v1/assets/", **headers)
    assert len(many_page) == len(one_page) and len(many_api) == len(one_api)
