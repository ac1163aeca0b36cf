"""The budgets on the member's home: the same figures as the budget's own page, computed from the
activities the page already holds (not read again) at a constant number of queries."""

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.budget import selectors as budget_selectors
from compagnon.budget.explain import amount_formatter
from compagnon.ledger.tests.factories import post_payment, post_sale

from .builders import TODAY, settled_member

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    client.get("/home/")  # warm-up: per-session bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_each_activity_shows_the_budgets_available_amount(client):
    member, (garden, lessons) = settled_member(activities=2)
    post_sale(garden, net=D("1000"), date=TODAY)
    post_payment(garden, amount=D("600"), date=TODAY)
    body, _queries = home(client, member.user)
    fmt = amount_formatter()
    for activity in (garden, lessons):
        expected = budget_selectors.compute(activity).available
        shown = re.search(
            rf'<span class="muted">{re.escape(activity.name)}</span> <span>[^<]*'
            r'<span class="available[^"]*">([^<]*)\u00a0€',
            body,
        )
        assert shown and shown.group(1) == fmt(expected), activity.name
    assert budget_selectors.compute(garden).cashed_incl_vat == D("600.00")


def test_the_budgets_read_neither_the_activities_nor_their_entity_again(client):
    member, activities = settled_member(activities=3)
    for activity in activities:
        post_sale(activity, net=D("100"), date=TODAY)
    _body, queries = home(client, member.user)
    from_table = [re.search(r'FROM "(\w+)"', sql).group(1) for sql in queries if "FROM" in sql]
    assert from_table.count("organisation_entity") <= 1  # the member's, with the member
    assert from_table.count("members_activity") == 0  # the memberships bring their activity
    assert from_table.count("ledger_monthtotal") == 2  # the year's figures, then the budgets


def test_many_activities_show_one_row_each_linking_to_the_breakdown(client):
    """Beyond three activities the home lists what is available in each, one tappable row per
    activity; the breakdown is on the activity's budget page, not repeated fifty times."""
    member, activities = settled_member(activities=4)
    post_sale(activities[0], net=D("1000"), date=TODAY)
    post_payment(activities[0], amount=D("600"), date=TODAY)
    body, _queries = home(client, member.user)
    fmt = amount_formatter()
    assert 'class="budget-figure"' not in body and "Cashed revenue" not in body
    for activity in activities:
        expected = fmt(budget_selectors.compute(activity).available)
        row = re.search(
            rf'<li><a href="/activities/{activity.pk}/budget/"><span>{re.escape(activity.name)}</span>'
            r'<span class="available[^"]*">([^<]*)\u00a0€</span></a></li>',
            body,
        )
        assert row and row.group(1) == expected, activity.name
    response = client.get(f"/activities/{activities[0].pk}/budget/")
    assert "Cashed revenue" in response.content.decode()  # the breakdown, one tap away


def test_up_to_three_activities_keep_the_breakdown_on_the_home(client):
    member, _activities = settled_member(activities=3)
    body, _queries = home(client, member.user)
    assert body.count('class="budget-figure"') == 3 and "Cashed revenue" in body
