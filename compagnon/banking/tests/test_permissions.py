"""Bank data exists only for the staff who read their entity as a whole: members and
advisors get 404 everywhere (pages and API), and so does an accountant of another entity. Support
agents read; only accountants and administrators change (403 otherwise)."""

import pytest

from compagnon.accounts.models import Role
from compagnon.banking import services
from compagnon.banking.models import BankAccount, BankStatement
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

from .helpers import data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(accountant, be_account):
    statement = services.import_statement(
        actor=accountant, account=be_account, data=data("camt053_v08_kbc.xml"), filename="k.xml"
    )
    return statement, statement.transactions.first()


def page_urls(account, statement):
    return [
        "/bank/accounts/",
        "/bank/accounts/new/",
        f"/bank/accounts/{account.pk}/",
        f"/bank/accounts/{account.pk}/edit/",
        f"/bank/accounts/{account.pk}/csv-columns/",
        "/bank/statements/upload/",
        f"/bank/statements/{statement.pk}/",
        f"/bank/statements/{statement.pk}/file/",
    ]


def api_urls(account, statement, transaction):
    return [
        f"/api/v1/bank-accounts/{account.pk}/",
        f"/api/v1/bank-statements/{statement.pk}/",
        f"/api/v1/bank-statements/{statement.pk}/file/",
        f"/api/v1/bank-statements/?account={account.pk}",
        f"/api/v1/bank-transactions/{transaction.pk}/",
        f"/api/v1/bank-transactions/?account={account.pk}",
        f"/api/v1/bank-transactions/?statement={statement.pk}",
    ]


def outsiders(be_entity):
    office = OfficeFactory(entity=be_entity)
    member, _activity = member_with_activity(office)
    return {"member": member.user, "advisor": advisor_of(office)}


def test_members_and_advisors_get_404_on_every_page_and_endpoint(
    client, be_entity, be_account, imported
):
    statement, transaction = imported
    for who, user in outsiders(be_entity).items():
        client.force_login(user)
        for url in page_urls(be_account, statement):
            assert client.get(url).status_code == 404, (who, url)
        assert (
            client.post(
                "/bank/statements/upload/",
                {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
            ).status_code
            == 404
        )
        assert (
            client.post(
                "/bank/accounts/new/", {"name": "X", "iban": "BE71096123456769"}
            ).status_code
            == 404
        )
        headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
        for url in [
            "/api/v1/bank-accounts/",
            "/api/v1/bank-statements/",
            "/api/v1/bank-transactions/",
            *api_urls(be_account, statement, transaction),
        ]:
            response = client.get(url, **headers)
            assert response.status_code == 404, (who, url)
            assert response.json() == {
                "error": {"status": 404, "code": "not_found", "message": "Not found."}
            }
        response = client.post(
            "/api/v1/bank-statements/",
            {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
            **headers,
        )
        assert response.status_code == 404
        assert (
            client.post(
                "/api/v1/bank-accounts/",
                {"entity": be_entity.pk, "name": "X", "iban": "BE71096123456769"},
                **headers,
            ).status_code
            == 404
        )
    assert BankStatement.objects.count() == 1
    assert BankAccount.objects.count() == 1


def test_an_accountant_of_another_entity_gets_404(
    client, be_account, imported, fr_accountant, fr_account
):
    statement, transaction = imported
    client.force_login(fr_accountant)
    for url in page_urls(be_account, statement)[2:5] + page_urls(be_account, statement)[6:]:
        assert client.get(url).status_code == 404, url
    page = client.get("/bank/accounts/").content.decode()
    assert fr_account.name in page and be_account.name not in page
    # the other entity's account is not among the choices
    response = client.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
    )
    assert response.status_code == 400
    assert "Choose one of your bank accounts." in response.content.decode()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(fr_accountant)}"}
    for url in api_urls(be_account, statement, transaction):
        assert client.get(url, **headers).status_code == 404, url
    listed = client.get("/api/v1/bank-accounts/", **headers).json()["results"]
    assert [row["id"] for row in listed] == [fr_account.pk]
    assert client.get("/api/v1/bank-transactions/", **headers).json()["count"] == 0
    response = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
        **headers,
    )
    assert response.status_code == 400 and "account" in response.json()["error"]["fields"]
    assert BankStatement.objects.count() == 1


def test_support_agents_read_but_do_not_change(client, be_entity, be_account, imported):
    statement, _transaction = imported
    agent = staff(Role.SUPPORT, be_entity, service="collections")
    client.force_login(agent)
    for url in (
        f"/bank/accounts/{be_account.pk}/",
        f"/bank/statements/{statement.pk}/",
        "/bank/accounts/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        "/bank/accounts/new/",
        f"/bank/accounts/{be_account.pk}/edit/",
        f"/bank/accounts/{be_account.pk}/csv-columns/",
        "/bank/statements/upload/",
    ):
        assert client.get(url).status_code == 403, url
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(agent)}"}
    assert client.get("/api/v1/bank-statements/", **headers).json()["count"] == 1
    response = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
        **headers,
    )
    assert response.status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.import_statement(actor=agent, account=be_account, data=b"x", filename="x")


def test_administrators_import_too(client, admin, be_account):
    client.force_login(admin)
    response = client.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
    )
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bank/statements/{statement.pk}/"
    assert statement.created_by == admin and statement.imported == 6


def test_anonymous_visitors_are_sent_to_log_in(client, be_account):
    response = client.get("/bank/accounts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/bank-accounts/").status_code in (401, 403)
