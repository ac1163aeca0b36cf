"""A member never sees another member's activity unless the rules allow it — HTML and API alike."""

import pytest

from compagnon import permissions
from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import (
    MembershipFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.members.models import ActivityRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_members():
    """Two members of the same office, each with an activity, sharing nothing."""
    office = OfficeFactory()
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    return a, activity_a, b, activity_b


def test_member_gets_404_on_another_members_activity_pages(client, two_members):
    a, activity_a, b, activity_b = two_members
    client.force_login(a.user)
    assert client.get(f"/activities/{activity_a.pk}/").status_code == 200
    for url in (
        f"/activities/{activity_b.pk}/",
        f"/activities/{activity_b.pk}/settings/",
        f"/members/{b.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/activities/{activity_b.pk}/settings/", {"name": "Hijacked"})
    assert response.status_code == 404
    activity_b.refresh_from_db()
    assert activity_b.name != "Hijacked"


def test_member_gets_404_on_another_members_activity_through_the_api(client, two_members):
    a, activity_a, b, activity_b = two_members
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(a.user)}"}
    assert client.get(f"/api/v1/activities/{activity_a.pk}/", **auth).status_code == 200
    response = client.get(f"/api/v1/activities/{activity_b.pk}/", **auth)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert (
        client.patch(
            f"/api/v1/activities/{activity_b.pk}/",
            {"name": "x"},
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/members/{b.pk}/", **auth).status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/activities/", **auth).json()["results"]}
    assert listed == {activity_a.pk}


def test_members_of_a_collective_see_each_other_and_the_shared_activity(client, two_members):
    a, activity_a, b, activity_b = two_members
    MembershipFactory(activity=activity_b, member=a, role=ActivityRole.CONTRIBUTOR)
    client.force_login(a.user)
    assert client.get(f"/activities/{activity_b.pk}/").status_code == 200
    assert client.get(f"/members/{b.pk}/").status_code == 200
    # a contributor works in the activity but may not change its brand
    assert client.get(f"/activities/{activity_b.pk}/settings/").status_code == 403


def test_advisor_reads_the_members_of_their_office_only(client):
    office, other_office = OfficeFactory(), OfficeFactory()
    followed, followed_activity = member_with_activity(office)
    stranger, stranger_activity = member_with_activity(other_office)
    advisor = advisor_of(office)
    client.force_login(advisor)
    assert client.get(f"/members/{followed.pk}/").status_code == 200
    assert client.get(f"/activities/{followed_activity.pk}/").status_code == 200
    assert client.get(f"/members/{stranger.pk}/").status_code == 404
    assert client.get(f"/activities/{stranger_activity.pk}/").status_code == 404
    # read-only on the activity: no settings page
    assert client.get(f"/activities/{followed_activity.pk}/settings/").status_code == 403
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(advisor)}"}
    assert client.get(f"/api/v1/members/{stranger.pk}/", **auth).status_code == 404
    ids = {row["id"] for row in client.get("/api/v1/members/", **auth).json()["results"]}
    assert ids == {followed.pk}


def test_entity_staff_see_their_entity_and_nothing_of_another(client):
    office, foreign_office = OfficeFactory(), OfficeFactory()
    member, activity = member_with_activity(office)
    foreign, foreign_activity = member_with_activity(foreign_office)
    for role, service in (
        (Role.ACCOUNTANT, ""),
        (Role.SUPPORT, SupportService.LEGAL),
        (Role.ADMIN, ""),
    ):
        user = staff(role, office.entity, service)
        client.force_login(user)
        assert client.get(f"/members/{member.pk}/").status_code == 200, role
        assert client.get(f"/activities/{activity.pk}/").status_code == 200, role
        assert client.get(f"/members/{foreign.pk}/").status_code == 404, role
        assert client.get(f"/activities/{foreign_activity.pk}/").status_code == 404, role
        can_edit = client.get(f"/activities/{activity.pk}/settings/").status_code
        assert can_edit == (200 if role == Role.ADMIN else 403), role


def test_the_scoping_selectors_agree_with_the_pages(two_members):
    a, activity_a, b, activity_b = two_members
    assert list(permissions.activities(a.user)) == [activity_a]
    assert list(permissions.members(a.user)) == [a]
    assert permissions.members(None).count() == 0


def test_a_member_who_left_can_no_longer_change_their_activity(client):
    member, activity = member_with_activity(status="left")
    client.force_login(member.user)
    assert client.get(f"/activities/{activity.pk}/").status_code == 200  # history stays readable
    assert client.get(f"/activities/{activity.pk}/settings/").status_code == 403
    assert client.get("/activities/new/").status_code == 403


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(client, two_members):
    a, activity_a, *_ = two_members
    response = client.get(f"/activities/{activity_a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/activities/").status_code in (401, 403)
    bad = client.get("/api/v1/activities/", HTTP_AUTHORIZATION="Token cpg_not-a-real-token")
    assert bad.status_code == 401
    assert "error" in bad.json()
