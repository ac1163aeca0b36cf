"""A small sector's week: the proposal respects the clients' hours, unavailability and trades;
a member's visits can be kept as they are; moving a visit; accepting plans the visits; who sees
what (HTML and API)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from compagnon.core.tests.factories import TradeFactory, staff
from compagnon.fieldwork.models import VisitState, VisitTask
from compagnon.fieldwork.tests.factories import (
    ServiceFactory,
    UnavailabilityFactory,
    VisitFactory,
    at,
)
from compagnon.planning import services
from compagnon.planning.models import Outcome, Proposal, ProposalState, Reason
from compagnon.planning.problem import monday_of

pytestmark = pytest.mark.django_db

MONDAY = monday_of(timezone.localdate()) + datetime.timedelta(days=7)
TUESDAY, WEDNESDAY = MONDAY + datetime.timedelta(days=1), MONDAY + datetime.timedelta(days=2)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PLANNING_SECONDS = 1


@pytest.fixture
def week(nantes):
    """Five visits to plan next week; the member is away Monday to Thursday; one visit needs a
    trade nobody has, one has to start between 14:00 and 15:00."""
    for day in range(4):
        start = MONDAY + datetime.timedelta(days=day)
        UnavailabilityFactory(
            member=nantes.member,
            starts_at=at(start, 0),
            ends_at=at(start, 23, 59),
            reason="Holiday",
        )
    visits = [
        VisitFactory(
            activity=nantes.activity, sector=nantes.sector, minutes=90, postcode=pc, city=city
        )
        for pc, city in [
            ("44000", "Nantes"),
            ("44300", "Nantes"),
            ("44400", "Rezé"),
            ("44700", "Orvault"),
        ]
    ]
    afternoon = visits[0]
    afternoon.window_start, afternoon.window_end = datetime.time(14), datetime.time(15)
    afternoon.save()
    pruning = VisitFactory(activity=nantes.lead_activity, sector=nantes.sector, minutes=60)
    service = ServiceFactory(entity=nantes.entity, trade=TradeFactory(code="pruning"))
    VisitTask.objects.create(visit=pruning, service=service, name="Prune the oak")
    nantes.visits, nantes.afternoon, nantes.pruning = visits, afternoon, pruning
    return nantes


def _propose(user, sector, django_capture_on_commit_callbacks, **kw):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.propose(actor=user, sector=sector, week=MONDAY, **kw)
    proposal.refresh_from_db()
    return proposal


def test_the_proposal_respects_hours_unavailability_and_trades(
    week, django_capture_on_commit_callbacks
):
    proposal = _propose(week.member.user, week.sector, django_capture_on_commit_callbacks)
    assert proposal.state == ProposalState.READY
    lines = {line.visit_id: line for line in proposal.items.all()}
    assert len(lines) == 5
    assert (
        lines[week.pruning.pk].reason == Reason.NO_SKILL and lines[week.pruning.pk].member is None
    )
    afternoon = timezone.localtime(lines[week.afternoon.pk].starts_at)
    assert datetime.time(14) <= afternoon.time() <= datetime.time(15)
    for visit in week.visits:
        line = lines[visit.pk]
        assert line.member is not None and MONDAY <= line.day <= MONDAY + datetime.timedelta(days=4)
        if line.member == week.member:
            assert line.day == MONDAY + datetime.timedelta(days=4)  # away the other days
        local = timezone.localtime(line.starts_at)
        assert local.date() == line.day and datetime.time(8) <= local.time()
        assert (local + datetime.timedelta(minutes=visit.minutes)).time() <= datetime.time(18)
    assert proposal.travel_minutes == sum(
        line.travel_minutes for line in lines.values()
    )  # no home is known: no drive home


def test_total_travel_adds_the_days_and_the_drives_home(week, django_capture_on_commit_callbacks):
    from compagnon.planning import selectors

    for member, postcode in ((week.lead, "44000"), (week.member, "44400")):
        member.postcode, member.city = postcode, ""
        member.save()
    proposal = _propose(week.lead.user, week.sector, django_capture_on_commit_callbacks)
    review = selectors.review(week.lead.user, proposal)
    assert proposal.travel_minutes == sum(row.travel for row in review["rows"]) > 0
    days = [day for row in review["rows"] for day in row.days]
    assert all(day.travel == sum(i.travel_minutes for i in day.items) + day.back for day in days)


def test_accepting_plans_the_visits(week, django_capture_on_commit_callbacks):
    proposal = _propose(week.lead.user, week.sector, django_capture_on_commit_callbacks)
    services.accept(actor=week.lead.user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    for line in proposal.items.exclude(member=None).select_related("visit"):
        line.visit.refresh_from_db()
        assert line.outcome == Outcome.PLANNED
        assert (line.visit.state, line.visit.member_id, line.visit.day, line.visit.starts_at) == (
            VisitState.PLANNED,
            line.member_id,
            line.day,
            line.starts_at,
        )
    week.pruning.refresh_from_db()
    assert week.pruning.state == VisitState.TO_PLAN
    with pytest.raises(PermissionDenied):  # accepted: it cannot be accepted again
        services.accept(actor=week.lead.user, proposal=proposal)


def test_kept_visits_stay_and_fill_the_day(week, django_capture_on_commit_callbacks):
    kept = VisitFactory(
        activity=week.lead_activity,
        sector=week.sector,
        member=week.lead,
        state=VisitState.PLANNED,
        day=TUESDAY,
        starts_at=at(TUESDAY, 10),
        minutes=480,
    )
    proposal = _propose(
        week.lead.user,
        week.sector,
        django_capture_on_commit_callbacks,
        keep_member_ids=[week.lead.pk],
    )
    line = proposal.items.get(visit=kept)
    assert line.kept and line.member == week.lead and line.starts_at == at(TUESDAY, 10)
    others = proposal.items.filter(member=week.lead, day=TUESDAY).exclude(visit=kept)
    assert (
        not others.exists()
    )  # 10:00-18:00 is taken, 8:00-10:00 cannot hold 90 minutes and travel back


def test_moving_a_visit_in_the_proposal(week, django_capture_on_commit_callbacks):
    proposal = _propose(week.lead.user, week.sector, django_capture_on_commit_callbacks)
    line = proposal.items.get(visit=week.visits[1])
    moved = services.move(actor=week.member.user, item=line, member=week.lead, day=WEDNESDAY)
    assert (moved.member, moved.day, moved.moved) == (week.lead, WEDNESDAY, True)
    assert timezone.localtime(moved.starts_at).date() == WEDNESDAY
    with pytest.raises(ValidationError):
        services.move(actor=week.member.user, item=line, member=week.outsider, day=WEDNESDAY)
    with pytest.raises(ValidationError):
        services.move(
            actor=week.member.user,
            item=line,
            member=week.lead,
            day=MONDAY + datetime.timedelta(days=5),
        )
    out = services.move(actor=week.member.user, item=line, member=None)
    assert out.member is None and out.reason == Reason.BY_HAND


def test_a_member_of_another_sector_sees_nothing(week, client, django_capture_on_commit_callbacks):
    proposal = _propose(week.lead.user, week.sector, django_capture_on_commit_callbacks)
    client.force_login(week.outsider.user)
    for url in (
        reverse("planning-proposal", args=[proposal.pk]),
        reverse("planning-sector", args=[week.sector.pk]),
        reverse("planning-proposal-status", args=[proposal.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("planning-proposal-accept", args=[proposal.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(week.outsider.user)
    assert api.get(f"/api/v1/planning/proposals/{proposal.pk}/").status_code == 404
    assert api.get("/api/v1/planning/proposals/").json()["count"] == 0
    assert api.post(f"/api/v1/planning/proposals/{proposal.pk}/accept/").status_code == 404
    answer = api.post(
        "/api/v1/planning/proposals/",
        {"sector": week.sector.pk, "week": MONDAY.isoformat()},
        format="json",
    )
    assert answer.status_code == 400 and "sector" in answer.json()["error"]["fields"]
    with pytest.raises(PermissionDenied):
        services.propose(actor=week.outsider.user, sector=week.sector, week=MONDAY)


def test_the_review_page(
    week, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(week.member.user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("planning-sector", args=[week.sector.pk]), {"week": MONDAY.isoformat()}
        )
    proposal = Proposal.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "planning-proposal", args=[proposal.pk]
    )
    with django_assert_max_num_queries(25):
        page = client.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "4 of 5 visits planned" in html
    assert "no member of the sector has the trade" in html
    assert "Accept and plan the visits" in html
    # more visits, same number of queries
    for _ in range(5):
        VisitFactory(activity=week.activity, sector=week.sector, minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planning-sector", args=[week.sector.pk]), {"week": MONDAY.isoformat()})
    bigger = Proposal.objects.order_by("-id").first()
    with django_assert_max_num_queries(25):
        assert client.get(reverse("planning-proposal", args=[bigger.pk])).status_code == 200
    assert (
        Proposal.objects.get(pk=proposal.pk).state == ProposalState.DISCARDED
    )  # replaced by the newer one
    # move by the form, then accept as the lead
    line = bigger.items.filter(member=week.lead).first()
    moved = client.post(
        reverse("planning-proposal-move", args=[bigger.pk, line.pk]),
        {"member": week.member.pk, "day": (MONDAY + datetime.timedelta(days=4)).isoformat()},
    )
    assert moved.status_code == 302
    bad = client.post(
        reverse("planning-proposal-move", args=[bigger.pk, line.pk]),
        {"member": week.member.pk, "day": ""},
    )
    assert bad.status_code == 400 and "Choose the day of the visit." in bad.content.decode()


def test_a_computing_proposal_is_polled(week, client):
    proposal = Proposal.objects.create(sector=week.sector, week=MONDAY, created_by=week.lead.user)
    client.force_login(week.lead.user)
    page = client.get(reverse("planning-proposal", args=[proposal.pk]))
    assert 'hx-trigger="every 2s"' in page.content.decode()
    services.compute(proposal.pk)
    answer = client.get(
        reverse("planning-proposal-status", args=[proposal.pk]), HTTP_HX_REQUEST="true"
    )
    assert answer["HX-Refresh"] == "true"


def test_the_api(week, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(week.lead.user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/api/v1/planning/proposals/",
            {"sector": week.sector.pk, "week": TUESDAY.isoformat()},
            format="json",
        )
    assert answer.status_code == 201 and answer.json()["week"] == MONDAY.isoformat()
    pk = answer.json()["id"]
    detail = api.get(f"/api/v1/planning/proposals/{pk}/").json()
    assert detail["state"] == "ready" and len(detail["lines"]) == 5
    line = next(x for x in detail["lines"] if x["member"] is not None)
    moved = api.post(
        f"/api/v1/planning/proposals/{pk}/move/",
        {"line": line["id"], "member": week.lead.pk, "day": WEDNESDAY.isoformat()},
        format="json",
    )
    assert moved.status_code == 200
    assert (
        next(x for x in moved.json()["lines"] if x["id"] == line["id"])["day"]
        == WEDNESDAY.isoformat()
    )
    refused = api.post(
        f"/api/v1/planning/proposals/{pk}/move/",
        {"line": line["id"], "member": week.outsider.pk, "day": WEDNESDAY.isoformat()},
        format="json",
    )
    assert refused.status_code == 400 and "member" in refused.json()["error"]["fields"]
    accepted = api.post(f"/api/v1/planning/proposals/{pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert {x["outcome"] for x in accepted.json()["lines"] if x["member"]} == {"planned"}


def test_staff_of_the_entity_see_and_propose(week, django_capture_on_commit_callbacks):
    admin = staff("admin", week.entity)
    proposal = _propose(admin, week.sector, django_capture_on_commit_callbacks)
    assert proposal.state == ProposalState.READY
    accountant = staff("accountant", week.entity)
    api = APIClient()
    api.force_authenticate(accountant)
    assert api.get(f"/api/v1/planning/proposals/{proposal.pk}/").status_code == 200
    assert api.post(f"/api/v1/planning/proposals/{proposal.pk}/accept/").status_code == 403


def test_the_demo_proposes_next_week(week):
    from compagnon.planning.demo import seed_demo_planning

    week.sector.lead = week.lead
    week.sector.save(update_fields=["lead"])
    done = seed_demo_planning(week.entity, seconds=1)
    assert done["proposals"] == 1 and done["planned"] == 4
    assert Proposal.objects.get().state == ProposalState.READY
    assert seed_demo_planning(week.entity)["proposals"] == 0  # once
