"""The member's home is their dashboard: what they are owed and earned, what waits for them, the big
actions — on the page and in the API, for them alone, at a constant cost."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.clients.models import EntryKind, RelationshipEntry
from compagnon.core.tests.factories import advisor_of, api_token_for
from compagnon.ledger import services as ledger
from compagnon.payments.models import Allocation, AllocationKind, Method
from compagnon.payments.tests.helpers import account, transaction
from compagnon.sales.models import Kind, State

from .builders import (
    SITUATIONS,
    TODAY,
    add_activity,
    client_of,
    days,
    document,
    open_invoice,
    settled_member,
)

pytestmark = pytest.mark.django_db
ALL_CLEAR = "All clear. Nothing is waiting for you."


def page(client, user, url="/home/") -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def api(client, user, url="/api/v1/home/"):
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    assert response.status_code == 200, response.content
    return response.json()


def paid(activity, client, amount, on=None):
    """A payment received on one of the activity's invoices (as matching records it)."""
    invoice = open_invoice(activity, client, amount, paid=amount)
    bank = transaction(account(activity.entity), amount, booking_date=on or TODAY, book=False)
    return Allocation.objects.create(entity=activity.entity, transaction=bank, document=invoice, client=client,
                                     activity=activity,
                                     kind=AllocationKind.INVOICE, method=Method.MANUAL, amount=D(amount),
                                     date=on or TODAY, explanation="Matched by hand")


def book_sale(activity, client, net, on=None):
    """A sale booked on the activity: receivable / revenue (what issuing an invoice posts)."""
    ledger.post_entry(actor=None, entity=activity.entity, journal_code="sales", date=on or TODAY,
                      label="Sale", kind="issue", lines=[
                          ledger.LineSpec(role="receivable", debit=D(net), activity=activity, client=client),
                          ledger.LineSpec(role="revenue_services", credit=D(net), activity=activity)])


# --- what waits ------------------------------------------------------------------------------


def test_with_nothing_waiting_home_says_all_is_clear(client):
    member, (activity,) = settled_member()
    open_invoice(activity, client_of(activity))  # sent, not due: nothing to do about it
    body = page(client, member.user)
    assert ALL_CLEAR in body
    assert api(client, member.user)["todos"] == []


@pytest.mark.parametrize("key", sorted(SITUATIONS))
def test_each_waiting_thing_is_on_the_list_with_a_link_to_where_it_is_done(client, key):
    member, (activity,) = settled_member()
    customer = client_of(activity, name="Copropriété Les Tilleuls")
    made = SITUATIONS[key](activity, customer)
    body = page(client, member.user)
    assert ALL_CLEAR not in body
    assert f'id="todo-{key}"' in body and "Copropriété Les Tilleuls" in body
    (todo,) = api(client, member.user)["todos"]
    assert todo["key"] == key and todo["count"] == 1
    (item,) = todo["items"]
    assert item["url"] in body
    # the link goes where the thing is done, and that page opens for the member
    target = {"commitments": f"/clients/{customer.pk}/",
              "statements": f"/activities/{activity.pk}/statements/{getattr(made, 'pk', 0)}/",
              "approvals": f"/documents/{getattr(made, 'document_id', 0)}/"}.get(key, f"/documents/{made.pk}/")
    assert item["url"] == target
    assert client.get(target).status_code == 200


def test_the_list_counts_everything_and_shows_the_first_few(client):
    member, (activity,) = settled_member()
    customer = client_of(activity)
    for _ in range(7):
        document(activity, customer, kind=Kind.QUOTE)
    body = page(client, member.user)
    assert "7 drafts to finish" in body and "and 4 more" in body
    (todo,) = api(client, member.user)["todos"]
    assert todo["count"] == 7 and len(todo["items"]) == 3


def test_things_not_due_yet_or_done_are_not_on_the_list(client):
    member, (activity,) = settled_member()
    customer = client_of(activity)
    document(activity, customer, kind=Kind.QUOTE, state=State.SENT, valid_until=days(30))  # far from expiry
    document(activity, customer, kind=Kind.QUOTE, state=State.INVOICED)  # invoiced already
    document(activity, customer, kind=Kind.QUOTE, state=State.REFUSED)
    RelationshipEntry.objects.create(client=customer, kind=EntryKind.OUR_COMMITMENT, title="Later", due_on=days(30))
    RelationshipEntry.objects.create(client=customer, kind=EntryKind.THEIR_COMMITMENT, title="Kept",
                                     due_on=days(-3), done=True)
    assert ALL_CLEAR in page(client, member.user)


# --- the money -----------------------------------------------------------------------------


def test_figures_per_activity_and_in_total_in_the_readers_format(client):
    member, (garden, lessons) = settled_member(activities=2)
    g, lesson_client = client_of(garden), client_of(lessons, name="Martine Leroy")
    open_invoice(garden, g, "1234.50", due_in=-5)  # overdue
    open_invoice(garden, g, "200.00", due_in=10, paid="50.00")  # 150 still owed
    open_invoice(lessons, lesson_client, "300.00", due_in=10)
    paid(garden, g, "80.00")
    paid(garden, g, "999.00", on=TODAY.replace(day=1) - datetime.timedelta(days=1))  # last month
    book_sale(garden, g, "1000.00")
    book_sale(lessons, lesson_client, "250.00")
    book_sale(lessons, lesson_client, "777.00", on=datetime.date(TODAY.year - 1, 6, 1))  # last year

    data = api(client, member.user)
    assert data["total"] == {"owed": "1684.50", "owed_count": 3, "overdue": "1234.50", "overdue_count": 1,
                             "cashed": "80.00", "cashed_count": 1, "revenue": "1250.00", "result": "1250.00"}
    by_name = {a["name"]: a["figures"] for a in data["activities"]}
    assert by_name[garden.name]["owed"] == "1384.50" and by_name[lessons.name]["owed"] == "300.00"
    assert by_name[lessons.name]["revenue"] == "250.00"

    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    body = page(client, member.user)
    assert "1\xa0684,50&nbsp;€" in body  # French grouping and comma, the sign never alone on a line
    assert "1684.50" not in body and "1250.00" not in body
    assert f"/activities/{garden.pk}/money/" in body


def test_the_money_menu_leads_to_the_money_of_my_activities(client):
    member, (only,) = settled_member()
    assert 'href="/money/"' in page(client, member.user)
    assert client.get("/money/")["Location"] == f"/activities/{only.pk}/money/"
    second = add_activity(member)
    body = page(client, member.user, "/money/")
    assert f"/activities/{only.pk}/money/" in body and f"/activities/{second.pk}/money/" in body


def test_big_actions_new_quote_and_log_time(client):
    member, (activity,) = settled_member()
    body = page(client, member.user)
    assert 'href="/documents/new/?kind=quote"' in body
    assert f'href="/activities/{activity.pk}/time/"' in body
    assert 'class="big-actions"' in body


# --- only mine -------------------------------------------------------------------------------


def test_a_member_sees_only_the_figures_and_to_dos_of_their_own_activities(client):
    alice, (hers,) = settled_member()
    bob, (his,) = settled_member(office=alice.office)
    bob_client = client_of(his, name="Client de Bob")
    open_invoice(his, bob_client, "999.00", due_in=-3)
    paid(his, bob_client, "555.00")
    book_sale(his, bob_client, "4444.00")
    for build in SITUATIONS.values():
        build(his, bob_client)
    body = page(client, alice.user)
    assert ALL_CLEAR in body and "Client de Bob" not in body and his.name not in body
    # the amounts as a page writes them (a bare "999" can occur in a random token or an id)
    for amount in ("999,00", "999.00", "555,00", "555.00", "4\xa0444", "4,444"):
        assert amount not in body, amount
    data = api(client, alice.user)
    assert data["todos"] == [] and [a["id"] for a in data["activities"]] == [hers.pk]
    assert data["total"]["owed"] == data["total"]["cashed"] == data["total"]["revenue"] == "0.00"
    # Bob sees his: 999 + the invoice awaiting a formal notice and the one not sent, 120 each
    assert api(client, bob.user)["total"]["owed"] == "1239.00"


def test_a_colleague_in_a_collective_sees_its_figures_but_an_outsider_does_not(client):
    alice, (shared,) = settled_member()
    bob, _ = settled_member(office=alice.office)
    from compagnon.members.models import ActivityMembership

    ActivityMembership.objects.create(activity=shared, member=bob, role="contributor")
    open_invoice(shared, client_of(shared), "50.00")
    assert api(client, bob.user)["total"]["owed"] == "50.00"
    carol, _ = settled_member()
    assert api(client, carol.user)["total"]["owed"] == "0.00"


def test_the_api_needs_a_login(client):
    assert client.get("/api/v1/home/").status_code in (401, 403)


# --- the advisor's page of a member ----------------------------------------------------------


def test_the_advisor_sees_the_same_figures_for_each_activity_of_the_members_they_follow(client):
    member, (garden, lessons) = settled_member(activities=2)
    open_invoice(garden, client_of(garden), "1234.50", due_in=-5)
    book_sale(lessons, client_of(lessons), "250.00")
    advisor = advisor_of(member.office)
    body = page(client, advisor, f"/members/{member.pk}/")
    assert garden.name in body and lessons.name in body
    assert "1,234.50" in body and "250.00" in body and "owed to me" not in body
    outsider = advisor_of(settled_member()[0].office)
    client.force_login(outsider)
    assert client.get(f"/members/{member.pk}/").status_code == 404


def test_a_colleague_sharing_an_activity_does_not_see_the_members_money(client):
    from compagnon.members.models import ActivityMembership

    member, (garden, own) = settled_member(activities=2)
    colleague, _ = settled_member(office=member.office)
    ActivityMembership.objects.create(activity=garden, member=colleague, role="contributor")
    open_invoice(own, client_of(own), "1234.50")
    body = page(client, colleague.user, f"/members/{member.pk}/")
    assert "member-money-title" not in body and "1,234.50" not in body


# --- a constant number of queries --------------------------------------------------------------


def count(client, user, url, **extra) -> int:
    client.get(url, **extra)  # warm-up: per-session bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx)


def fill(member, activities, documents_each):
    """Every kind of to-do, open invoices and payments in each activity."""
    for activity in activities:
        customer = client_of(activity)
        for _ in range(documents_each):
            open_invoice(activity, customer, due_in=-2)
        for build in SITUATIONS.values():
            build(activity, customer)
        paid(activity, customer, "10.00")
        book_sale(activity, customer, "100.00")


@pytest.mark.parametrize("url", ["/home/", "/api/v1/home/"])
def test_the_cost_does_not_grow_with_activities_or_documents(client, url):
    """The same number of queries with 1 activity and 3 documents, 30 documents, 5 and 50
    activities (the page with every activity's budget)."""
    member, (first,) = settled_member()
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"} if url.startswith("/api/") else {}
    client.force_login(member.user)
    fill(member, [first], 3)
    small = count(client, member.user, url, **auth)
    more_documents = [first]
    fill(member, more_documents, 27)  # 30 open invoices and more of everything
    assert count(client, member.user, url, **auth) == small
    fill(member, [add_activity(member) for _ in range(4)], 3)  # 5 activities
    assert count(client, member.user, url, **auth) == small
    fill(member, [add_activity(member) for _ in range(45)], 1)  # 50 activities, as bench/home.py
    assert count(client, member.user, url, **auth) == small
    # and few: the session, the user and their scope, then each selector once (the documents that
    # wait in one query, every kind at once; the page adds the member, their history and budgets)
    assert small <= (22 if url == "/home/" else 13), small


def test_dates_in_to_dos_follow_the_readers_language(client):
    member, (activity,) = settled_member()
    expiry = days(3)
    document(activity, client_of(activity), kind=Kind.QUOTE, state=State.SENT, valid_until=expiry,
             sent_at=timezone.now())
    member.user.language = "fr"
    member.user.save(update_fields=["language"])
    body = page(client, member.user)
    assert "1 devis expire d’ici une semaine" in body
    assert f"{expiry:%d/%m/%Y}" in body and expiry.isoformat() not in body


def test_the_activity_list_shows_each_logo_at_its_versioned_address(client):
    member, (garden, lessons) = settled_member(activities=2)
    body = page(client, member.user)
    assert garden.logo_url in body and lessons.logo_url in body


def test_the_activity_list_says_trade_role_collective_and_status(client):
    from compagnon.members.models import ActivityMembership, ActivityStatus, Trade

    member, (garden, lessons) = settled_member(activities=2)
    garden.trade = Trade.objects.create(code="gardening-t", name_fr="Jardinage", name_nl="Tuinieren",
                                        name_en="Gardening")
    garden.name = "Jardins <Nantes>"
    garden.save(update_fields=["trade", "name"])
    lessons.status = ActivityStatus.PAUSED
    lessons.save(update_fields=["status"])
    colleague, _ = settled_member(office=member.office)
    ActivityMembership.objects.create(activity=garden, member=colleague, role="contributor")
    ActivityMembership.objects.filter(member=member, activity=lessons).update(role="contributor")
    body = page(client, member.user)
    assert "<strong>Jardins &lt;Nantes&gt;</strong>" in body and "<Nantes>" not in body
    assert "Gardening · holder · collective of 2 members" in body
    assert f'href="/activities/{garden.pk}/settings/"' in body
    assert f'href="/activities/{lessons.pk}/settings/"' not in body  # contributors have no settings button
    assert '<span class="badge paused">paused</span>' in body
