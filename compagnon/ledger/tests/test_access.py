"""Who reads which books: members their activities' lines (404 elsewhere, pages and API alike),
accountants and administrators their entity's journal, every member the cooperative's figures."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MembershipFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.ledger.models import PeriodLock

from .factories import ClientFactory, books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def coop():
    """Two members of one entity, each with an activity that invoiced, and a foreign entity."""
    office = OfficeFactory()
    books(office.entity)
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    client_a = ClientFactory(activity=activity_a, name="Copropriété Les Tilleuls")
    post_sale(activity_a, net=D("1000.00"), client=client_a)
    post_payment(activity_a, amount=D("600.00"), client=client_a)
    post_sale(activity_b, net=D("50.00"))
    foreign_office = OfficeFactory()
    books(foreign_office.entity)
    foreign, foreign_activity = member_with_activity(foreign_office)
    post_sale(foreign_activity, net=D("70.00"))
    return {
        "entity": office.entity,
        "a": a,
        "activity_a": activity_a,
        "b": b,
        "activity_b": activity_b,
        "foreign_entity": foreign_office.entity,
        "foreign_activity": foreign_activity,
    }


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def test_a_member_sees_every_line_and_the_figures_of_their_activity(client, coop):
    client.force_login(coop["a"].user)
    page = client.get(f"/activities/{coop['activity_a'].pk}/accounts/")
    assert page.status_code == 200
    figures = page.context["figures"]
    # the contribution (10 %) is charged on what was cashed: 500.00 without VAT of the 600.00 paid
    assert figures["revenue"] == D("1000.00") and figures["contribution"] == D("50.00")
    assert figures["vat_collected"] == D("200.00") and figures["receivables_open"] == D("600.00")
    assert figures["result"] == D("950.00") and figures["treasury"] == D("600.00")
    # 3 lines of the sale + 2 of the payment + the contribution charged on it (activity's side)
    assert page.context["page"].paginator.count == 6
    body = page.content.decode()
    assert "Copropriété Les Tilleuls" in body and "Customers" in body and "1,200.00" in body


def test_a_member_gets_404_on_another_members_activity_accounts_page_and_api(client, coop):
    client.force_login(coop["a"].user)
    other = coop["activity_b"].pk
    assert client.get(f"/activities/{other}/accounts/").status_code == 404
    headers = auth(coop["a"].user)
    response = client.get(f"/api/v1/ledger/activity-balances/{other}/", **headers)
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    mine = client.get(
        f"/api/v1/ledger/activity-balances/{coop['activity_a'].pk}/", **headers
    ).json()
    assert mine["revenue"] == "1000.00" and mine["activity"] == coop["activity_a"].pk
    # entries: only those touching my activity, even when asking for another one
    listed = client.get("/api/v1/ledger/entries/", **headers).json()["results"]
    assert len(listed) == 3  # the sale, the payment, the contribution charged on the payment
    assert all(
        line["activity"] in (coop["activity_a"].pk, None) for e in listed for line in e["lines"]
    )
    assert client.get(f"/api/v1/ledger/entries/?activity={other}", **headers).json()["count"] == 0
    foreign_entry = coop["foreign_activity"].ledger_lines.first().entry_id
    assert client.get(f"/api/v1/ledger/entries/{foreign_entry}/", **headers).status_code == 404


def test_colleagues_of_a_collective_see_its_accounts_and_advisors_read_them(client, coop):
    MembershipFactory(activity=coop["activity_a"], member=coop["b"])
    client.force_login(coop["b"].user)
    assert client.get(f"/activities/{coop['activity_a'].pk}/accounts/").status_code == 200
    client.force_login(advisor_of(coop["a"].office))
    assert client.get(f"/activities/{coop['activity_a'].pk}/accounts/").status_code == 200
    assert client.get(f"/activities/{coop['foreign_activity'].pk}/accounts/").status_code == 404


def test_accountants_read_the_journal_of_their_entity_only(client, coop):
    entity, foreign = coop["entity"], coop["foreign_entity"]
    accountant = staff(Role.ACCOUNTANT, entity)
    client.force_login(accountant)
    page = client.get(f"/ledger/{entity.pk}/journal/")
    # two sales and a payment, and the contribution charged on the payment
    assert page.status_code == 200 and page.context["page"].paginator.count == 4
    assert "does not balance" not in page.content.decode()
    assert client.get(f"/ledger/{foreign.pk}/journal/").status_code == 404
    assert client.get(f"/ledger/{foreign.pk}/lock/").status_code == 404
    filtered = client.get(f"/ledger/{entity.pk}/journal/?journal=BQ")
    assert filtered.context["page"].paginator.count == 2  # the payment and, beside it, its contribution
    by_account = client.get(f"/ledger/{entity.pk}/journal/?account=7088")
    assert by_account.context["page"].paginator.count == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    empty = client.get(f"/ledger/{entity.pk}/journal/?date_from={tomorrow:%Y-%m-%d}")
    assert empty.context["page"].paginator.count == 0
    bad = client.get(f"/ledger/{entity.pk}/journal/?date_from=2026-05-01&date_to=2026-04-01")
    assert bad.status_code == 400 and "comes after" in bad.content.decode()
    ids = {
        e["entity"]
        for e in client.get("/api/v1/ledger/entries/", **auth(accountant)).json()["results"]
    }
    assert ids == {entity.pk}
    accounts = client.get("/api/v1/ledger/accounts/", **auth(accountant)).json()
    assert {a["entity"] for a in accounts["results"]} == {entity.pk}
    chart = client.get(f"/ledger/{entity.pk}/accounts/")
    assert chart.status_code == 200 and chart.context["totals"]["difference"] == 0


def test_members_may_not_read_the_journal_of_their_own_entity(client, coop):
    client.force_login(coop["a"].user)
    entity = coop["entity"]
    assert client.get(f"/ledger/{entity.pk}/journal/").status_code == 403
    assert client.get(f"/ledger/{entity.pk}/lock/").status_code == 403
    chart = client.get(f"/ledger/{entity.pk}/accounts/")  # the chart itself is no secret
    assert chart.status_code == 200 and chart.context["totals"] is None
    assert "Trial balance" not in chart.content.decode()


def test_an_accountant_closes_a_period_from_the_form(client, coop):
    entity = coop["entity"]
    client.force_login(staff(Role.ACCOUNTANT, entity))
    url = f"/ledger/{entity.pk}/lock/"
    today = timezone.localdate()
    refused = client.post(url, {"until": f"{today:%Y-%m-%d}"})
    assert refused.status_code == 400 and "before today" in refused.content.decode()
    yesterday = today - datetime.timedelta(days=1)
    assert client.post(url, {"until": f"{yesterday:%Y-%m-%d}"}).status_code == 302
    assert PeriodLock.objects.get(entity=entity).locked_until == yesterday
    assert "closed up to" in client.get(url).content.decode()


def test_every_member_sees_the_cooperative_figures_and_outsiders_do_not(client, coop):
    entity = coop["entity"]
    client.force_login(coop["b"].user)
    page = client.get(f"/ledger/{entity.pk}/figures/")
    assert page.status_code == 200
    figures = page.context["figures"]
    assert figures["activities_revenue"] == D("1050.00")
    # charged on cash received only: activity B's invoice is not paid yet
    assert figures["contributions"] == D("50.00") and figures["cooperative_result"] == D("50.00")
    assert figures["invoicing_activities"] == 2
    assert client.get(f"/ledger/{coop['foreign_entity'].pk}/figures/").status_code == 404
    assert client.get(f"/ledger/{entity.pk}/figures/?year=abc").status_code == 400  # core.params rule


def test_the_books_index_links_what_each_user_may_read(client, coop):
    client.force_login(coop["a"].user)
    body = client.get("/ledger/").content.decode()
    assert f"/ledger/{coop['entity'].pk}/figures/" in body
    assert f"/ledger/{coop['entity'].pk}/journal/" not in body
    client.force_login(staff(Role.ADMIN, coop["entity"]))
    assert f"/ledger/{coop['entity'].pk}/journal/" in client.get("/ledger/").content.decode()


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(client, coop):
    response = client.get(f"/activities/{coop['activity_a'].pk}/accounts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/ledger/entries/").status_code in (401, 403)
