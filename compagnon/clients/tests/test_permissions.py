"""A member never reaches another member's clients; staff read what they follow, and only the
people working in the activity (or the entity's administrators) change its clients."""

import pytest

from compagnon.accounts.models import Role, SupportService
from compagnon.clients.models import Client
from compagnon.core.tests.factories import (
    MembershipFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.members.models import ActivityRole

from .factories import ClientFactory, ClientImportFactory, CommitmentFactory, ContactFactory

pytestmark = pytest.mark.django_db


def api(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def two_members():
    """Two members of the same office, each with an activity and a client, sharing nothing."""
    office = OfficeFactory()
    a, activity_a = member_with_activity(office)
    b, activity_b = member_with_activity(office)
    return a, ClientFactory(activity=activity_a), b, ClientFactory(activity=activity_b)


def test_member_gets_404_on_another_members_client_pages(client, two_members):
    a, mine, b, theirs = two_members
    contact = ContactFactory(client=theirs)
    entry = CommitmentFactory(client=theirs)
    theirs_import = ClientImportFactory(activity=theirs.activity)
    client.force_login(a.user)
    assert client.get(f"/clients/{mine.pk}/").status_code == 200
    assert client.get(f"/clients/{mine.pk}/edit/").status_code == 200
    for url in (
        f"/clients/{theirs.pk}/",
        f"/clients/{theirs.pk}/edit/",
        f"/clients/{theirs.pk}/contacts/{contact.pk}/edit/",
        f"/clients/import/{theirs_import.pk}/",
        f"/clients/import/{theirs_import.pk}/file/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/clients/{theirs.pk}/edit/", {"name": "Hijacked", "kind": "company"}),
        (f"/clients/{theirs.pk}/archive/", {}),
        (f"/clients/{theirs.pk}/contacts/new/", {"contact-name": "Spy"}),
        (f"/clients/{theirs.pk}/contacts/{contact.pk}/delete/", {}),
        (f"/clients/{theirs.pk}/relationship/", {"entry-kind": "meeting", "entry-title": "x"}),
        (f"/clients/{theirs.pk}/relationship/{entry.pk}/done/", {"done": "1"}),
        (f"/clients/import/{theirs_import.pk}/confirm/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    theirs.refresh_from_db()
    entry.refresh_from_db()
    assert theirs.name != "Hijacked" and not theirs.archived and not entry.done
    assert theirs.contacts.count() == 1
    page = client.get("/clients/").content.decode()
    assert mine.name in page and theirs.name not in page


def test_member_gets_404_on_another_members_client_through_the_api(client, two_members):
    a, mine, b, theirs = two_members
    contact = ContactFactory(client=theirs)
    entry = CommitmentFactory(client=theirs)
    theirs_import = ClientImportFactory(activity=theirs.activity)
    auth = api(a.user)
    assert client.get(f"/api/v1/clients/{mine.pk}/", **auth).status_code == 200
    response = client.get(f"/api/v1/clients/{theirs.pk}/", **auth)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }
    json = {"content_type": "application/json"}
    for method, url in (
        ("patch", f"/api/v1/clients/{theirs.pk}/"),
        ("delete", f"/api/v1/clients/{theirs.pk}/"),
        ("post", f"/api/v1/clients/{theirs.pk}/archive/"),
        ("get", f"/api/v1/clients/{theirs.pk}/contacts/"),
        ("post", f"/api/v1/clients/{theirs.pk}/contacts/"),
        ("delete", f"/api/v1/clients/{theirs.pk}/contacts/{contact.pk}/"),
        ("get", f"/api/v1/clients/{theirs.pk}/relationship/"),
        ("post", f"/api/v1/clients/{theirs.pk}/relationship/"),
        ("post", f"/api/v1/clients/{theirs.pk}/relationship/{entry.pk}/done/"),
        ("get", f"/api/v1/client-imports/{theirs_import.pk}/"),
        ("post", f"/api/v1/client-imports/{theirs_import.pk}/confirm/"),
    ):
        data = {"name": "Hijacked", "kind": "meeting", "title": "x"}
        response = getattr(client, method)(url, data, **json, **auth)
        assert response.status_code == 404, (method, url, response.status_code)
    listed = {row["id"] for row in client.get("/api/v1/clients/", **auth).json()["results"]}
    assert listed == {mine.pk}
    imports = client.get("/api/v1/client-imports/", **auth).json()["results"]
    assert imports == []
    # creating a client in someone else's activity: that activity does not exist for them
    response = client.post(
        "/api/v1/clients/",
        {"activity": theirs.activity_id, "name": "Sneaky", "kind": "individual"},
        **json,
        **auth,
    )
    assert response.status_code == 400 and "activity" in response.json()["error"]["fields"]
    assert not Client.objects.filter(name="Sneaky").exists()
    theirs.refresh_from_db()
    assert theirs.name != "Hijacked" and not theirs.archived


def test_advisor_reads_clients_of_their_office_members_but_cannot_change_them(client):
    office, other_office = OfficeFactory(), OfficeFactory()
    member, activity = member_with_activity(office)
    followed = ClientFactory(activity=activity)
    CommitmentFactory(client=followed, title="Prune the hedge")
    stranger = ClientFactory(activity=member_with_activity(other_office)[1])
    advisor = advisor_of(office)
    client.force_login(advisor)

    page = client.get(f"/clients/{followed.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Prune the hedge" in body
    assert f"/clients/{followed.pk}/edit/" not in body and "Add to the log" not in body
    assert client.get(f"/clients/{stranger.pk}/").status_code == 404
    assert client.get(f"/clients/{followed.pk}/edit/").status_code == 403
    for url, data in (
        (f"/clients/{followed.pk}/edit/", {"name": "Renamed", "kind": "company"}),
        (f"/clients/{followed.pk}/archive/", {}),
        (f"/clients/{followed.pk}/contacts/new/", {"contact-name": "Someone"}),
        (f"/clients/{followed.pk}/relationship/", {"entry-kind": "meeting"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert client.get("/clients/new/").status_code == 403
    listed = client.get("/clients/").content.decode()
    assert followed.name in listed and stranger.name not in listed
    assert "New client" not in listed

    auth = api(advisor)
    assert client.get(f"/api/v1/clients/{followed.pk}/", **auth).status_code == 200
    assert client.get(f"/api/v1/clients/{stranger.pk}/", **auth).status_code == 404
    json = {"content_type": "application/json"}
    response = client.patch(f"/api/v1/clients/{followed.pk}/", {"name": "Renamed"}, **json, **auth)
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    for method, url in (
        ("delete", f"/api/v1/clients/{followed.pk}/"),
        ("post", f"/api/v1/clients/{followed.pk}/contacts/"),
        ("post", f"/api/v1/clients/{followed.pk}/relationship/"),
    ):
        response = getattr(client, method)(url, {"name": "x"}, **json, **auth)
        assert response.status_code == 403, (method, url)
    response = client.post(
        "/api/v1/clients/", {"activity": activity.pk, "name": "New one"}, **json, **auth
    )
    assert response.status_code == 403
    followed.refresh_from_db()
    assert followed.name != "Renamed" and not followed.archived
    assert not Client.objects.filter(name="New one").exists()


def test_entity_staff_read_their_entity_and_only_the_administrator_changes(client):
    office, foreign_office = OfficeFactory(), OfficeFactory()
    customer = ClientFactory(activity=member_with_activity(office)[1])
    foreign = ClientFactory(activity=member_with_activity(foreign_office)[1])
    for role, service in (
        (Role.ACCOUNTANT, ""),
        (Role.SUPPORT, SupportService.CLIENT_RELATIONS),
        (Role.ADMIN, ""),
    ):
        user = staff(role, office.entity, service)
        client.force_login(user)
        assert client.get(f"/clients/{customer.pk}/").status_code == 200, role
        assert client.get(f"/clients/{foreign.pk}/").status_code == 404, role
        expected = 200 if role == Role.ADMIN else 403
        assert client.get(f"/clients/{customer.pk}/edit/").status_code == expected, role


def test_a_contributor_of_a_collective_works_with_its_clients(client):
    office = OfficeFactory()
    holder, activity = member_with_activity(office)
    contributor, _ = member_with_activity(office)
    MembershipFactory(activity=activity, member=contributor, role=ActivityRole.CONTRIBUTOR)
    shared = ClientFactory(activity=activity)
    client.force_login(contributor.user)
    assert client.get(f"/clients/{shared.pk}/edit/").status_code == 200
    response = client.post(
        f"/clients/{shared.pk}/relationship/",
        {"entry-kind": "meeting", "entry-title": "Met the new manager", "entry-date": "2026-01-10"},
    )
    assert response.status_code == 302
    assert shared.relationship_entries.get().author == contributor.user


def test_a_member_who_left_reads_their_clients_but_no_longer_changes_them(client):
    member, activity = member_with_activity(status="left")
    kept = ClientFactory(activity=activity)
    client.force_login(member.user)
    assert client.get(f"/clients/{kept.pk}/").status_code == 200
    assert client.get(f"/clients/{kept.pk}/edit/").status_code == 403
    assert client.get("/clients/new/").status_code == 403
    assert client.post(f"/clients/{kept.pk}/archive/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, two_members):
    a, mine, *_ = two_members
    response = client.get(f"/clients/{mine.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/clients/").status_code in (401, 403)
