"""Only the entity's accountants see manual entries, recurring entries and closings: pages and
API alike, everyone else gets 404. Members see the lines on their activity's accounts page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from compagnon.core.tests.factories import api_token_for

from .. import services
from ..models import ManualEntry, ManualEntryStatus, YearClosing
from .factories import coop, day, last_year, rent_lines

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def c():
    c = coop()
    c["draft"] = services.save_draft(
        actor=c["accountant"],
        entity=c["entity"],
        date=day(11, 30),
        label="Workshop rent",
        lines=rent_lines(c["entity"], D("321.00"), activity=c["activity_a"]),
    )
    return c


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def _pages(c):
    e, m = c["entity"].pk, c["draft"].pk
    return [
        reverse("bookkeeping-entries", args=[e]),
        reverse("bookkeeping-entry-new", args=[e]),
        reverse("bookkeeping-entry", args=[m]),
        reverse("bookkeeping-entry-edit", args=[m]),
        reverse("bookkeeping-recurring", args=[e]),
        reverse("bookkeeping-years", args=[e]),
        reverse("bookkeeping-close-year", args=[e, last_year()]),
    ]


def test_the_accountant_reads_every_page_and_the_menu_shows_them(client, c):
    client.force_login(c["accountant"])
    for url in _pages(c):
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("bookkeeping-entries", args=[c["entity"].pk]))
    assert reverse("bookkeeping-index") in home.content.decode()
    assert "Workshop rent" in home.content.decode()


@pytest.mark.parametrize("who", ["a", "foreign_accountant"])
def test_members_and_other_entities_get_404(client, c, who):
    user = c[who].user if who == "a" else c[who]
    client.force_login(user)
    for url in _pages(c):
        assert client.get(url).status_code == 404, url
    post = client.post(reverse("bookkeeping-entry-validate", args=[c["draft"].pk]))
    assert post.status_code == 404
    assert (
        client.post(
            reverse("bookkeeping-close-year", args=[c["entity"].pk, last_year()])
        ).status_code
        == 404
    )
    assert not YearClosing.objects.exists()
    assert ManualEntry.objects.get().status == ManualEntryStatus.DRAFT
    api = client.get("/api/v1/bookkeeping/manual-entries/", **_auth(user)).json()
    assert api["count"] == 0
    for url in (
        f"/api/v1/bookkeeping/manual-entries/{c['draft'].pk}/",
        f"/api/v1/bookkeeping/entities/{c['entity'].pk}/years/{last_year()}/",
    ):
        assert client.get(url, **_auth(user)).status_code == 404, url
    created = client.post(
        "/api/v1/bookkeeping/manual-entries/",
        {"entity": c["entity"].pk, "date": "2025-01-01", "label": "x", "lines": []},
        content_type="application/json",
        **_auth(user),
    )
    assert created.status_code == 404
    assert ManualEntry.objects.count() == 1


def test_a_member_sees_the_recorded_line_on_their_activity_accounts(client, c):
    services.validate(actor=c["accountant"], manual_entry=c["draft"])
    client.force_login(c["a"].user)
    page = client.get(reverse("activity-accounts", args=[c["activity_a"].pk]))
    assert page.status_code == 200 and "Workshop rent" in page.content.decode()


def test_html_draft_validate_and_close_the_year(client, c):
    client.force_login(c["accountant"])
    entity = c["entity"]
    form = {
        "date": day(12, 1).isoformat(),
        "label": "Insurance",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-0-account": str(entity.ledger_accounts.get(code="604").pk),
        "lines-0-debit": "120.00",
        "lines-0-activity": str(c["activity_b"].pk),
        "lines-1-account": str(entity.ledger_accounts.get(code="512").pk),
        "lines-1-credit": "120.00",
    }
    response = client.post(reverse("bookkeeping-entry-new", args=[entity.pk]), form)
    assert response.status_code == 302
    made = ManualEntry.objects.get(label="Insurance")
    assert made.lines.count() == 2
    client.post(reverse("bookkeeping-entry-validate", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == ManualEntryStatus.POSTED
    # the other draft blocks the closing, said in words
    page = client.get(reverse("bookkeeping-close-year", args=[entity.pk, last_year()]))
    assert "not recorded yet" in page.content.decode()
    client.post(reverse("bookkeeping-entry-delete", args=[c["draft"].pk]))
    response = client.post(reverse("bookkeeping-close-year", args=[entity.pk, last_year()]))
    assert response.status_code == 302
    summary = client.get(response["Location"])
    assert summary.status_code == 200 and c["activity_b"].name in summary.content.decode()
    assert YearClosing.objects.get(entity=entity).year == last_year()


def test_api_create_validate_reverse_and_close(client, c):
    auth = _auth(c["accountant"])
    entity = c["entity"]
    body = {
        "entity": entity.pk,
        "date": day(12, 2).isoformat(),
        "label": "Bank fees",
        "lines": [
            {"account": "627", "debit": "12.50"},
            {"account": "512", "credit": "12.50"},
        ],
    }
    created = client.post(
        "/api/v1/bookkeeping/manual-entries/", body, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    validated = client.post(f"/api/v1/bookkeeping/manual-entries/{pk}/validate/", **auth).json()
    assert validated["status"] == "posted" and validated["entry"].startswith("OD-")
    reversed_ = client.post(
        f"/api/v1/bookkeeping/manual-entries/{pk}/reverse/",
        {"date": day(12, 3).isoformat()},
        content_type="application/json",
        **auth,
    ).json()
    assert reversed_["status"] == "reversed"
    url = f"/api/v1/bookkeeping/entities/{entity.pk}/years/{last_year()}/"
    status = client.get(url, **auth).json()
    assert status["closed"] is False and any(
        "not recorded yet" in b["message"] for b in status["blockers"]
    )
    refused = client.post(url, **auth)
    assert refused.status_code == 400
    ManualEntry.objects.filter(pk=c["draft"].pk).delete()
    closed = client.post(url, **auth)
    assert closed.status_code == 201 and closed.json()["opening_entry"].startswith("AN-")
    assert client.post(url, **auth).status_code == 400


def test_api_recurring_template(client, c):
    auth = _auth(c["accountant"])
    body = {
        "entity": c["entity"].pk,
        "label": "Rent",
        "frequency": "monthly",
        "day": 3,
        "start_date": day(1, 1).isoformat(),
        "lines": [{"account": "604", "debit": "800"}, {"account": "512", "credit": "800"}],
    }
    created = client.post(
        "/api/v1/bookkeeping/recurring-entries/", body, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    listed = client.get("/api/v1/bookkeeping/recurring-entries/", **auth).json()
    assert [t["label"] for t in listed["results"]] == ["Rent"]
    other = client.get("/api/v1/bookkeeping/recurring-entries/", **_auth(c["foreign_accountant"]))
    assert other.json()["count"] == 0


def test_the_list_of_entries_costs_the_same_queries_for_more_entries(
    client, c, django_assert_max_num_queries
):
    client.force_login(c["accountant"])
    url = reverse("bookkeeping-entries", args=[c["entity"].pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(5):
        services.save_draft(
            actor=c["accountant"],
            entity=c["entity"],
            date=day(10, i + 1),
            label=f"Entry {i}",
            lines=rent_lines(c["entity"], D("10.00"), activity=c["activity_b"]),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)
