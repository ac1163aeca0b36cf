"""Open needs from the requests nobody took become public calls; the teams' load in one query."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.fieldwork.models import Request, RequestState, Visit, VisitState
from compagnon.permissions import scope_for
from compagnon.recruiting import selectors, services
from compagnon.recruiting.models import Call

pytestmark = pytest.mark.django_db


def request(w, postcode="44100", state=RequestState.NEW, trade=None):
    return Request.objects.create(entity=w.entity, name="Client", email="c@example.org", description="Hedge",
                                  postcode=postcode, city="Nantes", trade=trade or w.gardening, state=state)


def test_unassigned_requests_become_a_published_call_and_the_form_preselects_the_trade(client, w):
    request(w), request(w), request(w, state=RequestState.OFFERED)
    request(w, state=RequestState.TAKEN)
    request(w, postcode="44000", trade=w.it)
    client.force_login(w.advisor)
    page = client.get(reverse("recruiting-needs"))
    needs = page.context["needs"]
    assert [(n.trade, n.postcode, n.count) for n in needs] == [(w.gardening, "44100", 3), (w.it, "44000", 1)]
    published = client.post(reverse("recruiting-needs"), {"trade": w.gardening.pk, "entity": w.entity.pk,
                                                          "postcode": "44100", "city": "Nantes", "requests_count": 3})
    assert published.status_code == 302
    call = Call.objects.get()
    public = client.get(reverse("recruiting-calls", args=[w.entity.pk]))
    assert public.status_code == 200
    link = reverse("recruiting-apply", args=[w.entity.pk]) + f"?trade=gardening&amp;call={call.pk}"
    assert link in public.content.decode()
    client.logout()
    listed = client.get(f"/api/v1/recruiting/calls/?entity={w.entity.pk}")
    assert listed.status_code == 200 and listed.json()["results"][0]["trade_code"] == "gardening"
    form = client.get(reverse("recruiting-apply", args=[w.entity.pk]) + f"?trade=gardening&call={call.pk}")
    assert form.context["call"] == call
    services.unpublish_call(actor=w.advisor, call=call)
    assert client.get(f"/api/v1/recruiting/calls/?entity={w.entity.pk}").json()["results"] == []


def test_members_neither_see_needs_nor_publish(client, w):
    client.force_login(w.member.user)
    assert client.get(reverse("recruiting-needs")).status_code == 404
    assert client.get(reverse("recruiting-load")).status_code == 404
    assert client.get("/api/v1/recruiting/team-load/").status_code == 404


def visit(w, member, day, minutes):
    from compagnon.fieldwork.tests.factories import ClientFactory

    return Visit.objects.create(activity=w.activity, client=ClientFactory(activity=w.activity), sector=w.sector, member=member, day=day, minutes=minutes,
                                state=VisitState.PLANNED, postcode="44000", city="Nantes")


def test_the_teams_load_per_member_and_week_in_one_query(client, w, django_assert_num_queries):
    monday = selectors.week_start(timezone.localdate())
    visit(w, w.member, monday, 120)
    visit(w, w.member, monday + datetime.timedelta(days=1), 1260)  # 23 h that week: over their 20 h
    visit(w, w.member, monday + datetime.timedelta(weeks=1), 90)
    visit(w, w.colleague, monday + datetime.timedelta(weeks=2), 60)
    Visit.objects.filter(pk=visit(w, w.colleague, monday, 600).pk).update(state=VisitState.CANCELLED)
    scope_for(w.advisor)
    with django_assert_num_queries(1):
        groups = selectors.team_load(w.advisor, start=monday, weeks=4)
    rows = {r.member: r for r in groups[0].rows}
    mine, theirs = rows[w.member], rows[w.colleague]
    assert mine.hours == [Decimal("23.0"), Decimal("1.5"), Decimal("0.0"), Decimal("0.0")] and mine.over
    assert theirs.hours == [Decimal("0.0"), Decimal("0.0"), Decimal("1.0"), Decimal("0.0")] and not theirs.over
    assert mine.share == 31 and groups[0].weekly == Decimal("30")
    client.force_login(w.advisor)
    page = client.get(reverse("recruiting-load"))
    assert page.status_code == 200 and 'class="num over"' in page.content.decode()
    api = client.get("/api/v1/recruiting/team-load/?weeks=2").json()
    assert {r["member"]: r["hours"] for r in api}[w.member.pk] == ["23.0", "1.5"]
    assert client.get("/api/v1/recruiting/team-load/?weeks=9").status_code == 400
    assert client.get(reverse("recruiting-load") + "?start=0001-01-01").status_code == 400


def test_the_load_query_stays_one_with_more_sectors_and_members(w, django_assert_num_queries):
    from compagnon.core.tests.factories import member_with_activity
    from compagnon.fieldwork.models import SectorMembership
    from compagnon.fieldwork.tests.factories import SectorFactory

    for n in range(3):
        sector = SectorFactory(entity=w.entity, office=w.office, name=f"S{n}", trades=[w.gardening])
        for _ in range(4):
            m, _a = member_with_activity(w.office)
            SectorMembership.objects.create(sector=sector, member=m, weekly_hours=Decimal("15"))
    scope_for(w.admin)
    with django_assert_num_queries(1):
        groups = selectors.team_load(w.admin, weeks=8)
    assert sum(len(g.rows) for g in groups) == 14
