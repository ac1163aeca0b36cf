"""Who reads which report, pages and API alike: the entity's accountants its books; members their
own activities' income statements only; another entity's people nothing (404)."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import advisor_of, member_with_activity
from compagnon.ledger.models import Account

from .helpers import auth

pytestmark = pytest.mark.django_db

BOOKS_PAGES = [
    "trial-balance/",
    "journals/",
    "receivables/",
    "payables/",
    "vat/",
    "income-statement/",
]
BOOKS_API = ["trial-balance/", "receivables/", "payables/", "vat/", "income-statement/"]


def test_the_accountant_reads_every_report_of_their_entity(client, coop):
    client.force_login(coop["accountant"])
    entity = coop["entity"].pk
    for path in BOOKS_PAGES:
        assert client.get(f"/reports/{entity}/{path}?year=2025").status_code == 200, path
    code = Account.objects.get(entity=coop["entity"], role="receivable").code
    assert client.get(f"/reports/{entity}/ledger/{code}/?year=2025").status_code == 200
    headers = auth(coop["accountant"])
    for path in BOOKS_API:
        assert (
            client.get(f"/api/v1/reports/{entity}/{path}?year=2025", **headers).status_code == 200
        ), path


def test_another_entitys_accountant_gets_404_on_pages_and_api(client, coop):
    client.force_login(coop["foreign_accountant"])
    entity = coop["entity"].pk
    code = Account.objects.get(entity=coop["entity"], role="receivable").code
    for path in [*BOOKS_PAGES, f"ledger/{code}/"]:
        assert client.get(f"/reports/{entity}/{path}").status_code == 404, path
    headers = auth(coop["foreign_accountant"])
    for path in [*BOOKS_API, f"ledger/{code}/", "journals/VT/", "transparency/"]:
        response = client.get(f"/api/v1/reports/{entity}/{path}", **headers)
        assert response.status_code == 404 and response.json()["error"]["status"] == 404, path
    assert (
        client.get(
            f"/api/v1/reports/activities/{coop['activity_a'].pk}/income-statement/", **headers
        ).status_code
        == 404
    )


def test_a_member_does_not_read_the_entitys_books(client, coop):
    client.force_login(coop["a"].user)
    entity = coop["entity"].pk
    for path in BOOKS_PAGES:
        assert client.get(f"/reports/{entity}/{path}").status_code == 403, path
    headers = auth(coop["a"].user)
    assert client.get(f"/api/v1/reports/{entity}/trial-balance/", **headers).status_code == 403


def test_a_member_reads_the_statements_of_their_activities_and_only_those(client, coop):
    a, mine, theirs = coop["a"], coop["activity_a"], coop["activity_b"]
    client.force_login(a.user)
    page = client.get(f"/activities/{mine.pk}/income-statement/?year=2025")
    assert page.status_code == 200 and page.context["statement"].revenue_total == 1200
    assert client.get(f"/activities/{theirs.pk}/income-statement/").status_code == 404
    headers = auth(a.user)
    api = client.get(f"/api/v1/reports/activities/{mine.pk}/income-statement/?year=2025", **headers)
    assert api.status_code == 200 and api.json()["revenue_total"] == "1200.00"
    other = client.get(f"/api/v1/reports/activities/{theirs.pk}/income-statement/", **headers)
    assert other.status_code == 404
    index = client.get("/reports/").content.decode()
    assert f"/activities/{mine.pk}/income-statement/" in index
    assert f"/activities/{theirs.pk}/income-statement/" not in index
    assert f"/reports/{coop['entity'].pk}/trial-balance/" not in index


def test_an_advisor_reads_the_statements_of_their_offices_activities(client, coop):
    advisor = advisor_of(coop["office"])
    client.force_login(advisor)
    assert client.get(f"/activities/{coop['activity_a'].pk}/income-statement/").status_code == 200
    assert client.get(f"/activities/{coop['activity_b'].pk}/income-statement/").status_code == 404
    assert client.get(f"/reports/{coop['entity'].pk}/trial-balance/").status_code == 403


def test_an_administrator_keeps_the_books_too(client, coop):
    from compagnon.core.tests.factories import staff

    admin = staff(Role.ADMIN, coop["entity"])
    client.force_login(admin)
    assert client.get(f"/reports/{coop['entity'].pk}/trial-balance/").status_code == 200


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(client, coop):
    response = client.get(f"/reports/{coop['entity'].pk}/trial-balance/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/v1/reports/{coop['entity'].pk}/trial-balance/").status_code in (
        401,
        403,
    )


def test_the_transparency_page_is_for_every_member_of_the_entity(client, coop):
    outsider, _activity = member_with_activity()
    client.force_login(outsider.user)
    assert client.get(f"/ledger/{coop['entity'].pk}/figures/").status_code == 404
    assert (
        client.get(
            f"/api/v1/reports/{coop['entity'].pk}/transparency/", **auth(outsider.user)
        ).status_code
        == 404
    )
    client.force_login(coop["b"].user)
    assert client.get(f"/ledger/{coop['entity'].pk}/figures/?year=2025").status_code == 200
