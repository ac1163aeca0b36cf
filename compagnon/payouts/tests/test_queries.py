"""Batch lists and a batch page cost the same number of queries with few or many batches and lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import api_token_for, staff
from compagnon.payouts import services

from .factories import BankAccountFactory, another_credit_note, tomorrow

pytestmark = pytest.mark.django_db


def queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm-up: per-session and per-token bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def grow(setting, n):
    for _ in range(n):
        batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                      requested_execution_date=tomorrow())
        for i in range(2):
            services.add_line(actor=setting.accountant, batch=batch, creditor_name=f"Supplier {i}",
                              iban="BE71096123456769", amount="10", remittance=f"Invoice {i}")


@pytest.mark.parametrize("url", ["/payouts/", "/payouts/?state=draft", "/api/v1/payout-batches/"])
def test_query_count_of_batch_lists_does_not_grow(client, setting, url):
    BankAccountFactory(entity=setting.entity)
    people = [setting.accountant, staff(Role.ADMIN, setting.entity)]
    grow(setting, 2)
    for user in people:
        auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"} if url.startswith("/api/") else {}
        client.force_login(user)
        small = queries(client, url, **auth)
        grow(setting, 4)
        large = queries(client, url, **auth)
        assert large == small, f"{url}: {small} queries with few batches, {large} with more"
        assert small <= 12, f"{url}: {small} queries"


def test_query_count_of_a_batch_page_does_not_grow_with_its_lines(client, setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note,
                             iban="BE71096123456769")
    another_credit_note(setting.entity)  # one waiting to be refunded
    client.force_login(setting.accountant)
    url = f"/payouts/{batch.pk}/"
    small = queries(client, url)
    for _ in range(3):
        note = another_credit_note(setting.entity)
        services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=note, iban="BE71096123456769")
        another_credit_note(setting.entity)
    assert queries(client, url) == small
