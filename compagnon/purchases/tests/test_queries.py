"""The supplier invoice lists cost the same number of queries with 1 invoice or 10."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import api_token_for, member_with_activity

from .factories import AttachmentFactory, SupplierInvoiceFactory, SupplierInvoiceLineFactory

pytestmark = pytest.mark.django_db


def grow(activity, n):
    for _ in range(n):
        invoice = SupplierInvoiceFactory(activity=activity)
        SupplierInvoiceLineFactory(invoice=invoice)
        AttachmentFactory(invoice=invoice)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_list_query_count_does_not_grow_with_the_invoices(
    client, django_assert_max_num_queries, api
):
    member, activity = member_with_activity()
    if api:
        url, extra = (
            f"/api/v1/supplier-invoices/?activity={activity.pk}",
            {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"},
        )
    else:
        url, extra = f"/activities/{activity.pk}/supplier-invoices/", {}
        client.force_login(member.user)
    grow(activity, 1)
    client.get(url, **extra)  # warm-up: per-session and per-token bookkeeping happens once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, **extra).status_code == 200
    grow(activity, 9)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url, **extra)
    assert response.status_code == 200
    if api:
        assert response.json()["count"] == 10
    else:
        assert response.content.decode().count('class="inv-amount"') == 10


def test_detail_query_count_does_not_grow_with_lines(client, django_assert_max_num_queries):
    member, activity = member_with_activity()
    invoice = SupplierInvoiceFactory(activity=activity)
    SupplierInvoiceLineFactory(invoice=invoice)
    client.force_login(member.user)
    url = f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        SupplierInvoiceLineFactory(invoice=invoice)
        AttachmentFactory(invoice=invoice)
    with django_assert_max_num_queries(len(one)):
        assert client.get(url).status_code == 200
