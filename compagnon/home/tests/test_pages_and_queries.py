"""Every role's home page shows real data, and list pages cost a constant number of queries."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.accounts.models import Role, User
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.members.models import Activity, Member

pytestmark = pytest.mark.django_db


def queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm-up: per-session and per-token bookkeeping happens once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def grow(office, n):
    for _ in range(n):
        member_with_activity(office)


@pytest.mark.parametrize(
    "url",
    [
        "/home/",
        "/members/",
        "/activities/",
        "/history/",
        "/api/v1/members/",
        "/api/v1/activities/",
        "/api/v1/audit-events/",
    ],
)
def test_query_count_does_not_grow_with_the_data(client, url):
    office = OfficeFactory()
    admin = staff(Role.ADMIN, office.entity)
    advisor = advisor_of(office)
    RoleAssignment = admin.role_assignments.model
    RoleAssignment.objects.create(
        user=admin, role=Role.ADVISOR, entity=office.entity, office=office
    )
    MemberFactory(
        user=admin, office=office
    )  # a person holding every role: every home section renders
    grow(office, 2)
    for user in (admin, advisor):
        auth = (
            {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
            if url.startswith("/api/")
            else {}
        )
        client.force_login(user)
        small = queries(client, url, **auth)
        grow(office, 8)
        large = queries(client, url, **auth)
        assert large == small, f"{url}: {small} queries with few rows, {large} with more"


def test_member_home_shows_activities_and_what_needs_attention(client):
    member, activity = member_with_activity(status="applicant")
    client.force_login(member.user)
    page = client.get("/home/").content.decode()
    assert activity.name in page
    assert "application is being reviewed" in page
    assert "Add your logo and letterhead" in page


def test_advisor_home_lists_followed_members_and_filters_with_htmx(client):
    office = OfficeFactory()
    alice = MemberFactory(
        office=office, user__first_name="Alice", user__last_name="Aubert", status="applicant"
    )
    # Both names are fixed: a generated first name could be "Bernard" too.
    MemberFactory(
        office=office, user__first_name="Jules", user__last_name="Bernard", status="associate"
    )
    client.force_login(advisor_of(office))
    page = client.get("/home/").content.decode()
    assert "Aubert" in page and "Bernard" in page
    partial = client.get(
        "/home/?q=aubert", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="advisor-members"
    )
    body = partial.content.decode()
    assert "Aubert" in body and "Bernard" not in body and "<html" not in body
    assert f"/members/{alice.pk}/" in body


def test_the_demo_cooperative_loads_once_and_every_demo_login_has_a_home(client, demo_data):
    counts = (User.objects.count(), Member.objects.count(), Activity.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Member.objects.count(), Activity.objects.count()) == counts
    assert Member.objects.count() >= 35 and Member.objects.values("entity").distinct().count() == 2
    assert Activity.objects.filter(memberships__isnull=False).annotate().count() >= 20
    m1, m2 = (
        Member.objects.get(user__email="member1@demo.coop"),
        Member.objects.get(user__email="member2@demo.coop"),
    )
    assert m1.entity == m2.entity and m1.entity.jurisdiction == "FR"
    assert not set(m1.activities.values_list("id", flat=True)) & set(
        m2.activities.values_list("id", flat=True)
    )
    assert any(a.memberships.count() > 1 for a in m1.activities.all())  # member1 is in a collective
    for email in ("member1", "member2", "advisor", "support", "accountant", "admin"):
        assert client.login(email=f"{email}@demo.coop", password="demo"), email
        home = client.get("/home/")
        assert home.status_code == 200
        # every entry of the menu this login sees opens a page (no 403, 404 or error)
        broken = {url: client.get(url, follow=True).status_code for _key, _label, url in home.context["nav"]}
        assert {url: code for url, code in broken.items() if code != 200} == {}, email


def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/activities/",
        "/api/v1/members/",
        "/api/v1/entities/",
        "/api/v1/audit-events/",
        "/api/v1/me/",
    ):
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_api_lists_are_paginated_with_a_consistent_envelope(client):
    office = OfficeFactory()
    grow(office, 3)
    admin = staff(Role.ADMIN, office.entity)
    body = client.get(
        "/api/v1/members/?page_size=2", HTTP_AUTHORIZATION=f"Token {api_token_for(admin)}"
    ).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    missing = client.get(
        "/api/v1/members/999999/", HTTP_AUTHORIZATION=f"Token {api_token_for(admin)}"
    ).json()
    assert missing == {"error": {"status": 404, "code": "not_found", "message": "Not found."}}
