"""The permission scope costs one cache read per request when a shared cache is configured, and a
change of role or membership shows on the very next request; the activity rules read the
memberships once per request however many objects a page checks (compagnon/permissions.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon import permissions
from compagnon.accounts.models import Role
from compagnon.members.models import ActivityRole, MemberStatus
from compagnon.sales.tests.factories import ClientFactory, draft, issued_invoice

from .factories import MembershipFactory, RoleFactory, member_with_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = {**settings.CACHES, "permissions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                           "LOCATION": "permission-tests"}}
    settings.PERMISSION_CACHE = "permissions"
    from django.core.cache import caches

    caches["permissions"].clear()
    yield caches["permissions"]
    caches["permissions"].clear()


def scope_queries(queries) -> int:
    return sum(1 for q in queries if 'FROM "members_member"' in q["sql"] or "accounts_roleassignment" in q["sql"])


def bell_queries(queries) -> int:
    """The unread-notification count, cached in the same shared cache (notifications.selectors)."""
    return sum(1 for q in queries if "notifications_notification" in q["sql"])


def user_queries(queries) -> int:
    return sum(1 for q in queries if q["sql"].split(" WHERE ")[0].endswith('FROM "accounts_user"'))


def membership_reads(queries) -> int:
    return sum(1 for q in queries if q["sql"].split(" WHERE ")[0].endswith('FROM "members_activitymembership"'))


def test_a_member_s_second_page_reads_the_user_the_scope_and_the_memberships_from_the_cache(client, shared_cache):
    member, _activity = member_with_activity()
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/documents/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/documents/").status_code == 200
    assert (scope_queries(first), user_queries(first), membership_reads(first)) == (2, 1, 1)
    assert (scope_queries(second), user_queries(second), membership_reads(second)) == (0, 0, 0)
    assert len(second) == len(first) - 2 - 1 - 1 - bell_queries(first)


def test_a_new_password_still_ends_the_other_sessions_with_the_user_in_the_cache(client, shared_cache):
    from django.test import Client

    member, _activity = member_with_activity()
    other_phone = Client()
    other_phone.force_login(member.user)
    client.force_login(member.user)
    assert other_phone.get("/documents/").status_code == 200  # the user is in the cache now
    user = type(member.user).objects.get(pk=member.user.pk)
    user.set_password("a new long password 42")
    user.save()
    assert other_phone.get("/documents/").status_code == 302  # signed out: the session's hash is stale
    assert client.get("/documents/").status_code == 302


def test_a_deactivated_user_is_signed_out_at_the_next_request_with_the_user_in_the_cache(client, shared_cache):
    member, _activity = member_with_activity()
    client.force_login(member.user)
    assert client.get("/documents/").status_code == 200
    user = type(member.user).objects.get(pk=member.user.pk)
    user.is_active = False
    user.save()
    assert client.get("/documents/").status_code == 302


def test_a_membership_added_shows_on_the_next_request_with_the_memberships_in_the_cache(client, shared_cache):
    member, activity = member_with_activity()
    colleague, theirs = member_with_activity(member.office)
    theirs_draft = draft(colleague, theirs, ClientFactory(activity=theirs))
    client.force_login(member.user)
    assert client.get(f"/documents/{theirs_draft.pk}/").status_code == 404
    MembershipFactory(activity=theirs, member=member, role=ActivityRole.CONTRIBUTOR)
    assert client.get(f"/documents/{theirs_draft.pk}/").status_code == 200


def test_a_new_role_shows_on_the_next_request(client, shared_cache):
    member, _activity = member_with_activity()
    client.force_login(member.user)
    client.get("/documents/")
    assert not permissions.scope_for(type(member.user).objects.get(pk=member.user.pk)).is_admin
    RoleFactory(user=member.user, role=Role.ADMIN, office=None, entity=member.entity)
    assert permissions.scope_for(type(member.user).objects.get(pk=member.user.pk)).is_admin


def test_a_member_who_left_loses_the_right_to_change_at_once(client, shared_cache):
    member, activity = member_with_activity()
    invoice = draft(member, activity, ClientFactory(activity=activity))
    client.force_login(member.user)
    assert "editor" in client.get(f"/documents/{invoice.pk}/").templates[0].name
    member.status = MemberStatus.LEFT
    member.save()
    page = client.get(f"/documents/{invoice.pk}/")
    assert page.status_code == 200 and "editor" not in page.templates[0].name  # read only now


def test_without_a_shared_cache_nothing_is_kept_between_requests(client, settings):
    settings.PERMISSION_CACHE = ""
    member, _activity = member_with_activity()
    client.force_login(member.user)
    client.get("/documents/")
    with CaptureQueriesContext(connection) as again:
        client.get("/documents/")
    assert scope_queries(again) == 2


def test_the_document_page_reads_the_memberships_once(client):
    member, activity = member_with_activity()
    invoice = issued_invoice(member, activity, ClientFactory(activity=activity))
    client.force_login(member.user)
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/documents/{invoice.pk}/").status_code == 200
    # the rules' own reads (not the scoping subqueries of other queries)
    reads = [q for q in page if q["sql"].split(" WHERE ")[0].endswith('FROM "members_activitymembership"')]
    assert len(reads) == 1, [q["sql"][:120] for q in reads]


def test_a_membership_added_meanwhile_counts_for_the_same_user_object():
    member, activity = member_with_activity()
    colleague, _theirs = member_with_activity(member.office)
    user = colleague.user
    assert not user.has_perm("members.work_in_activity", activity)
    MembershipFactory(activity=activity, member=colleague, role=ActivityRole.CONTRIBUTOR)
    assert user.has_perm("members.work_in_activity", activity)
    assert not user.has_perm("members.change_activity", activity)  # a contributor, not the holder


def test_a_member_s_scoped_queries_name_their_activities_and_follow_a_membership_change():
    """A member (and nothing else) is scoped by the list of their activities, read once per request,
    not by a subquery on the memberships: and a membership added or removed counts at once."""
    from compagnon.members.models import Activity, ActivityMembership
    from compagnon.sales.models import Document

    member, activity = member_with_activity()
    colleague, theirs = member_with_activity(member.office)
    mine = draft(member, activity, ClientFactory(activity=activity))
    other = draft(colleague, theirs, ClientFactory(activity=theirs))
    user = member.user
    scoped = permissions.scoped_by_activity(user, Document.objects.all())
    assert "members_activitymembership" not in str(scoped.query)
    assert list(scoped) == [mine]
    joined = MembershipFactory(activity=theirs, member=member, role=ActivityRole.CONTRIBUTOR)
    assert set(permissions.scoped_by_activity(user, Document.objects.all())) == {mine, other}
    assert set(permissions.activities(user)) == {activity, theirs}
    ActivityMembership.objects.filter(pk=joined.pk).delete()
    assert list(permissions.scoped_by_activity(user, Document.objects.all())) == [mine]
    assert list(permissions.activities(user)) == [activity]
    assert Activity.objects.count() == 2


def test_a_member_who_is_also_staff_keeps_the_reach_of_their_role():
    member, activity = member_with_activity()
    _colleague, theirs = member_with_activity(member.office)
    RoleFactory(user=member.user, role=Role.ADMIN, office=None, entity=member.entity)
    user = type(member.user).objects.get(pk=member.user.pk)
    assert set(permissions.activities(user)) == {activity, theirs}
