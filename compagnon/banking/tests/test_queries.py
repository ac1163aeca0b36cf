"""The bank lists cost the same number of queries with 1 row or 10."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.banking import services
from compagnon.core.tests.factories import api_token_for

from .helpers import bank_account, camt, entry

pytestmark = pytest.mark.django_db


def grow_accounts(entity, actor, n):
    for _ in range(n):
        account = bank_account(entity)
        services.import_statement(
            actor=actor,
            account=account,
            data=camt(account.iban, [entry(10, ref="A")]),
            filename="s.xml",
        )


def grow_statements(account, actor, n, start):
    for i in range(start, start + n):
        services.import_statement(
            actor=actor,
            account=account,
            data=camt(
                account.iban, [entry(10, ref=f"R{i}", name=f"Client {i}")], statement_id=f"S{i}"
            ),
            filename=f"s{i}.xml",
        )


def constant(client, url, extra, grow, count):
    client.get(url, **extra)  # warm-up: session and token bookkeeping happen once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, **extra).status_code == 200
    grow()
    return one


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_account_list(client, django_assert_max_num_queries, accountant, be_entity, api):
    grow_accounts(be_entity, accountant, 1)
    if api:
        url, extra = (
            "/api/v1/bank-accounts/",
            {"HTTP_AUTHORIZATION": f"Token {api_token_for(accountant)}"},
        )
    else:
        url, extra = "/bank/accounts/", {}
        client.force_login(accountant)
    one = constant(client, url, extra, lambda: grow_accounts(be_entity, accountant, 9), 10)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url, **extra)
    if api:
        assert response.json()["count"] == 10
    else:
        assert response.content.decode().count("1 statement") == 10


@pytest.mark.parametrize("url_of", ["page", "api", "transactions"])
def test_statement_and_transaction_lists(
    client, django_assert_max_num_queries, accountant, be_account, url_of
):
    grow_statements(be_account, accountant, 1, 0)
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(accountant)}"}
    url, extra = {
        "page": (f"/bank/accounts/{be_account.pk}/", {}),
        "api": (f"/api/v1/bank-statements/?account={be_account.pk}", headers),
        "transactions": ("/api/v1/bank-transactions/", headers),
    }[url_of]
    client.force_login(accountant)
    one = constant(client, url, extra, lambda: grow_statements(be_account, accountant, 9, 1), 10)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url, **extra)
    if url_of == "page":
        assert response.content.decode().count("1 new") == 10
    else:
        assert response.json()["count"] == 10


def test_statement_page(client, django_assert_max_num_queries, accountant, be_account):
    rows = [entry(i + 1, ref=f"R{i}", name=f"Client {i}") for i in range(2)]
    statement = services.import_statement(
        actor=accountant, account=be_account, data=camt(be_account.iban, rows), filename="a.xml"
    )
    client.force_login(accountant)
    url = f"/bank/statements/{statement.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    more = [entry(i + 1, ref=f"R{i}", name=f"Client {i}") for i in range(40)]
    big = services.import_statement(
        actor=accountant, account=be_account, data=camt(be_account.iban, more), filename="b.xml"
    )
    with django_assert_max_num_queries(len(one)):
        page = client.get(f"/bank/statements/{big.pk}/").content.decode()
    assert page.count("Client ") >= 38
