"""Who sees which budget and movement: pages and API alike, 404 outside one's scope."""

from decimal import Decimal

import pytest

from compagnon.accounts.models import Role
from compagnon.budget import services
from compagnon.core.tests.factories import (
    ActivityFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.organisation.models import Entity

from .helpers import books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def coop():
    member, activity = member_with_activity()
    second = ActivityFactory(entity=activity.entity, holder=member)
    books(activity.entity)
    Entity.objects.filter(pk=activity.entity_id).update(contribution_rate=D("10"))
    activity.entity.refresh_from_db()
    post_sale(activity, net=D("1000"), rate=D("0"))
    post_payment(activity, amount=D("1000"))
    other, foreign = member_with_activity()
    return {
        "member": member,
        "activity": activity,
        "second": second,
        "other": other,
        "foreign": foreign,
    }


def test_the_activity_page_and_home_show_the_one_figure_with_its_breakdown(client, coop):
    client.force_login(coop["member"].user)
    page = client.get(f"/activities/{coop['activity'].pk}/").content.decode()
    assert "Available to pay myself" in page and "900.00" in page and "<details" in page
    assert "Cooperative contribution" in page
    home = client.get("/home/").content.decode()
    assert "Available to pay myself" in home


def test_french_shows_the_figure_the_french_way(client, coop):
    user = coop["member"].user
    user.language = "fr"
    user.save()
    client.force_login(user)
    page = client.get(f"/activities/{coop['activity'].pk}/budget/").content.decode()
    assert "900,00\u00a0€" in page or "900,00&nbsp;€" in page


def test_budget_page_with_a_period_and_404_for_another_members_activity(client, coop):
    client.force_login(coop["member"].user)
    a = coop["activity"].pk
    assert client.get(f"/activities/{a}/budget/").status_code == 200
    assert client.get(f"/activities/{a}/budget/?period=all").status_code == 200
    assert (
        client.get(
            f"/activities/{a}/budget/?period=custom&date_from=2020-01-01&date_to=2020-12-31"
        ).status_code
        == 200
    )
    assert (
        client.get(f"/activities/{a}/budget/?date_from=2021-01-01&date_to=2020-12-31").status_code
        == 400
    )
    assert client.get(f"/activities/{coop['foreign'].pk}/budget/").status_code == 404


def test_api_budget_and_isolation(client, coop):
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['member'].user)}"}
    r = client.get(f"/api/v1/activities/{coop['activity'].pk}/budget/", **headers)
    assert (
        r.status_code == 200
        and r.json()["available"] == "900.00"
        and r.json()["contribution"] == "100.00"
    )
    r = client.get(
        f"/api/v1/activities/{coop['activity'].pk}/budget/?from=2020-01-01&to=2020-01-31", **headers
    )
    assert r.json()["available"] == "0.00"
    assert (
        client.get(
            f"/api/v1/activities/{coop['activity'].pk}/budget/?from=nope", **headers
        ).status_code
        == 400
    )
    assert (
        client.get(f"/api/v1/activities/{coop['foreign'].pk}/budget/", **headers).status_code == 404
    )


def test_movements_html_and_api_seen_by_their_members_advisors_and_entity_staff_only(client, coop):
    member, activity, second = coop["member"], coop["activity"], coop["second"]
    client.force_login(member.user)
    r = client.post(
        f"/activities/{activity.pk}/budget/move/",
        {"target": second.pk, "amount": "50", "reason": "matériel"},
    )
    assert r.status_code == 302
    movement = member.budget_movements.get()
    other = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['other'].user)}"}
    assert client.get(f"/api/v1/budget/movements/{movement.pk}/", **other).status_code == 404
    assert (
        client.post(f"/api/v1/budget/movements/{movement.pk}/approve/", **other).status_code == 404
    )
    assert client.get("/api/v1/budget/movements/", **other).json()["count"] == 0
    advisor = advisor_of(member.office)
    client.force_login(advisor)
    assert "matériel" in client.get("/budget/movements/").content.decode()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(advisor)}"}
    r1 = client.post(f"/api/v1/budget/movements/{movement.pk}/approve/", **headers)
    r2 = client.post(f"/api/v1/budget/movements/{movement.pk}/approve/", **headers)
    assert r1.status_code == r2.status_code == 200 and r1.json()["entry"] == r2.json()["entry"]
    accountant = staff(Role.ACCOUNTANT, activity.entity)
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(accountant)}"}
    assert client.get("/api/v1/budget/movements/", **headers).json()["count"] == 1
    assert (
        client.post(
            f"/api/v1/budget/movements/{movement.pk}/refuse/", {"refusal_reason": "no"}, **headers
        ).status_code
        == 403
    )


def test_api_create_movement(client, coop):
    member = coop["member"]
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    r = client.post(
        "/api/v1/budget/movements/",
        {
            "source": coop["activity"].pk,
            "target": coop["second"].pk,
            "amount": "20.00",
            "reason": "x",
        },
        **headers,
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    r = client.post(
        "/api/v1/budget/movements/",
        {
            "source": coop["foreign"].pk,
            "target": coop["second"].pk,
            "amount": "20.00",
            "reason": "x",
        },
        **headers,
    )
    assert r.status_code == 400  # an activity the member does not see is not a choice


def test_staff_page_of_rates(client, coop):
    entity = coop["activity"].entity
    client.force_login(coop["member"].user)
    assert client.get(f"/budget/rates/{entity.pk}/").status_code == 403
    admin = staff(Role.ADMIN, entity)
    client.force_login(admin)
    assert client.get(f"/budget/rates/{entity.pk}/").status_code == 200
    r = client.post(
        f"/budget/rates/{entity.pk}/",
        {
            "rate-revenue_kind": "goods",
            "rate-rate": "6",
            "rate-valid_from": "2026-01-01",
            "rate-activity": "",
        },
    )
    assert r.status_code == 302 and entity.contribution_rates.get().rate == D("6")
    r = client.post(
        f"/budget/rates/{entity.pk}/",
        {
            "policy-reserve_rule": "fixed",
            "policy-reserve_amount": "500",
            "policy-reserve_months": "1",
            "policy-auto_approve_below": "0",
        },
    )
    assert r.status_code == 302
    assert services.selectors.compute(coop["activity"]).reserve == D("500.00")


def test_api_refuses_a_movement_above_the_budget_with_a_400(client, coop):
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['member'].user)}"}
    r = client.post(
        "/api/v1/budget/movements/",
        {
            "source": coop["activity"].pk,
            "target": coop["second"].pk,
            "amount": "900.01",
            "reason": "x",
        },
        **headers,
    )
    assert r.status_code == 400 and "amount" in r.content.decode()
