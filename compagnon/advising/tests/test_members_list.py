"""The advisor's list of their members, most in need of attention first, with what other apps say
(unpaid invoices, expense claims waiting); filters; and the same number of queries for 3 members
or 30 — as for the member's "My advisor" page with 1 appointment or 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.tests.factories import member_with_activity
from compagnon.members import services as members
from compagnon.members.models import Member
from compagnon.sales.tests.factories import ClientFactory, issued_invoice

from .. import services
from ..followup import rebuild
from ..models import FollowUp, StepOwner
from .helpers import at, auth, coop, days, held, planned

pytestmark = pytest.mark.django_db


def _names(body: str, people) -> list[str]:
    body = body[body.index('id="list"'):]  # the list itself, after the next appointments
    found = sorted((body.index(str(m.user)), str(m.user)) for m in people if str(m.user) in body)
    return [name for _i, name in found]


def test_members_come_by_attention(client):
    c = coop()
    held(c, member="yanis", day=-10)
    planned(c, member="yanis", when=at(days(20)))                  # met and planned: nothing to do
    services.add_step(actor=c["advisor"], member=c["camille"], text="Call the bank", due_on=days(-2))
    held(c, member="camille", day=-5)                              # overdue next step
    late, _activity = member_with_activity(c["nantes"], advisor=c["advisor"])
    services.plan_appointment(actor=c["advisor"], member=late, starts_at=at(days(-1)), topic="Forgotten",
                              place="office")  # planned yesterday, never recorded
    never, _activity = member_with_activity(c["nantes"], advisor=c["advisor"])  # never met
    client.force_login(c["advisor"])
    body = client.get(reverse("advising-members")).content.decode()
    assert _names(body, [c["camille"], c["yanis"], late, never]) == [
        str(late.user), str(c["camille"].user), str(never.user), str(c["yanis"].user)]
    assert "Appointment to record" in body and "1 overdue next step" in body and "never met" in body
    assert str(c["ines"].user) not in body  # another office: not followed by this advisor
    body = client.get(reverse("advising-members"), {"attention": "overdue"}).content.decode()
    assert _names(body, [c["camille"], c["yanis"], late, never]) == [str(c["camille"].user)]
    body = client.get(reverse("advising-members"), {"attention": "any", "q": never.user.last_name}).content.decode()
    assert str(never.user) in body and str(c["camille"].user) not in body
    rows = client.get(reverse("api-advising-member-list"), **auth(c["advisor"])).json()["results"]
    assert [row["id"] for row in rows][:2] == [late.pk, c["camille"].pk]
    assert "unrecorded" in rows[0]["attention"] and rows[1]["overdue_steps"] == 1
    # an administrator sees every member of the entity; a status change counts as attention
    members.change_member_status(actor=c["admin"], member=c["yanis"], to_status="associate")
    client.force_login(c["admin"])
    body = client.get(reverse("advising-members"), {"attention": "changes"}).content.decode()
    assert str(c["yanis"].user) in body and str(c["ines"].user) in body and "associate since" in body
    assert str(c["outsider"].user) not in body
    # a maturity change counts too (read from the audit log)
    Member.objects.filter(entity=c["entity"]).update(status_since=days(-200))
    members.set_member_maturity(actor=c["admin"], member=c["ines"], maturity="developing")
    body = client.get(reverse("advising-members"), {"attention": "changes"}).content.decode()
    assert str(c["ines"].user) in body and str(c["yanis"].user) not in body


def test_figures_of_other_apps_and_the_follow_up_rows_rebuild(client):
    c = coop()
    client_ = ClientFactory(activity=c["camille_activity"])
    issued_invoice(c["camille"], c["camille_activity"], client_)
    client.force_login(c["advisor"])
    body = client.get(reverse("advising-members")).content.decode()
    assert "1 unpaid invoice" in body
    held(c)
    FollowUp.objects.all().delete()
    assert rebuild()[1] == 1  # camille's row, written again; the others have nothing to keep
    assert FollowUp.objects.get(member=c["camille"]).last_held_at is not None
    assert rebuild()[1] == 0  # nothing drifted


def _grow(c, n):
    for i in range(n):
        m, _a = member_with_activity(c["nantes"], advisor=c["advisor"])
        a = services.plan_appointment(actor=c["advisor"], member=m, starts_at=at(days(-3 - i)), topic=f"T{i}",
                                      place="office")
        services.hold(actor=c["advisor"], appointment=a, notes="n")
        services.add_step(actor=c["advisor"], member=m, text="step", due_on=days(-1), owner=StepOwner.MEMBER)


def _count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_for_3_or_30_members(client):
    c = coop()
    _grow(c, 1)
    client.force_login(c["advisor"])
    url = reverse("advising-members")
    token = auth(c["advisor"])
    api = reverse("api-advising-member-list")
    _count(client, api, **token)  # the token's first use is written down once
    small, small_api = _count(client, url), _count(client, api, **token)
    _grow(c, 29)
    assert _count(client, url) == small and _count(client, api, **token) == small_api
    assert small <= 20 and small_api <= 14


def test_my_advisor_costs_the_same_for_1_or_20_appointments(client):
    c = coop()
    held(c, shared=True)
    planned(c)
    client.force_login(c["camille"].user)
    url = reverse("advising-mine")
    small = _count(client, url)
    for i in range(9):
        held(c, shared=True, day=-10 - i, topic=f"Past {i}")
        planned(c, when=at(days(10 + i)), topic=f"Next {i}")
        services.add_step(actor=c["advisor"], member=c["camille"], text=f"Step {i}", due_on=days(i))
        if i < 3:
            services.request_appointment(actor=c["camille"].user, topic=f"Ask {i}")
    assert _count(client, url) == small
    assert small <= 15
