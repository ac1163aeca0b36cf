"""Client lists cost the same number of queries with 2 clients or 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

from .factories import ClientFactory, CommitmentFactory, ContactFactory, RelationshipEntryFactory

pytestmark = pytest.mark.django_db


def queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm-up: per-session and per-token bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def grow(activity, n):
    for _ in range(n):
        customer = ClientFactory(activity=activity)
        ContactFactory(client=customer)
        CommitmentFactory(client=customer)
        RelationshipEntryFactory(client=customer)


@pytest.mark.parametrize(
    "url", ["/clients/", "/clients/?q=client&archived=all", "/api/v1/clients/", "/clients/import/"]
)
def test_query_count_of_client_lists_does_not_grow_with_the_clients(client, url):
    office = OfficeFactory()
    member, activity = member_with_activity(office)
    people = [member.user, advisor_of(office), staff(Role.ADMIN, office.entity)]
    grow(activity, 2)
    for user in people:
        auth = (
            {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
            if url.startswith("/api/")
            else {}
        )
        client.force_login(user)
        small = queries(client, url, **auth)
        grow(activity, 5)
        large = queries(client, url, **auth)
        assert large == small, f"{url}: {small} queries with few clients, {large} with more"


def test_query_count_of_a_client_page_does_not_grow_with_its_log(client):
    member, activity = member_with_activity()
    customer = ClientFactory(activity=activity)
    client.force_login(member.user)
    url = f"/clients/{customer.pk}/"
    small = queries(client, url)
    for _ in range(5):
        ContactFactory(client=customer)
        CommitmentFactory(client=customer)
        RelationshipEntryFactory(client=customer, author=member.user)
    assert queries(client, url) == small
