"""The books' pages and API cost a constant number of queries, however many entries there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity, staff

from .factories import ClientFactory, books, post_payment, post_sale

pytestmark = pytest.mark.django_db
D = Decimal


def queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm-up: per-session bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def grow(activity, n):
    for i in range(n):
        c = ClientFactory(activity=activity)
        post_sale(activity, net=D(100 + i), client=c)
        post_payment(activity, amount=D("10.00"), client=c)


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/activities/{activity}/accounts/", "member"),
        ("/activities/{activity}/accounts/", "admin"),
        ("/ledger/{entity}/journal/", "admin"),
        ("/ledger/{entity}/journal/?account=411&date_from=2000-01-01", "admin"),
        ("/ledger/{entity}/accounts/", "admin"),
        ("/ledger/{entity}/accounts/", "member"),
        ("/ledger/{entity}/figures/", "member"),
        ("/ledger/{entity}/lock/", "admin"),
        ("/api/v1/ledger/entries/", "member"),
        ("/api/v1/ledger/entries/", "admin"),
        ("/api/v1/ledger/entries/?activity={activity}", "admin"),
        ("/api/v1/ledger/accounts/", "member"),
        ("/api/v1/ledger/activity-balances/{activity}/", "member"),
    ],
)
def test_query_count_does_not_grow_with_the_entries(client, url, who):
    office = OfficeFactory()
    books(office.entity)
    member, activity = member_with_activity(office)
    user = member.user if who == "member" else staff(Role.ADMIN, office.entity)
    url = url.format(activity=activity.pk, entity=office.entity.pk)
    extra = {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"} if "/api/" in url else {}
    client.force_login(user)
    grow(activity, 2)
    small = queries(client, url, **extra)
    grow(activity, 15)
    large = queries(client, url, **extra)
    assert large == small, f"{url}: {small} queries with few entries, {large} with more"
