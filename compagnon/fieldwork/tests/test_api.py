"""The field-service API: the same scopes and services as the pages, the client's details null
until one is assigned, 404 outside one's sectors and entity."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compagnon.core.tests.factories import EntityFactory, api_token_for, staff
from compagnon.fieldwork import services
from compagnon.fieldwork.models import Contract, VisitState

from .factories import ClientFactory, ServiceFactory, VisitFactory, at

pytestmark = pytest.mark.django_db
DAY = datetime.date(2027, 5, 4)


def api(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return c


def _request(nantes):
    return services.submit_request(
        entity=nantes.entity,
        name="Agnès",
        email="agnes@example.org",
        phone="0611",
        description="Hedge",
        street="11 rue Mondésir",
        postcode="44000",
        city="Nantes",
    )


def test_requests_take_propose_decline(nantes):
    req = _request(nantes)
    member = api(nantes.member.user)
    listed = member.get("/api/v1/fieldwork/requests/").json()["results"]
    assert [r["id"] for r in listed] == [req.pk]
    assert (
        listed[0]["name"] is None and listed[0]["street"] is None and listed[0]["city"] == "Nantes"
    )
    assert api(nantes.outsider.user).get(f"/api/v1/fieldwork/requests/{req.pk}/").status_code == 404
    lead = api(nantes.lead.user)
    proposed = lead.post(
        f"/api/v1/fieldwork/requests/{req.pk}/propose/", {"member": nantes.member.pk}, format="json"
    )
    assert proposed.status_code == 200 and proposed.json()["proposed_member"] == nantes.member.pk
    declined = member.post(
        f"/api/v1/fieldwork/requests/{req.pk}/decline/", {"reason": "busy"}, format="json"
    )
    assert declined.status_code == 200 and declined.json()["proposed_member"] is None
    wrong = member.post(
        f"/api/v1/fieldwork/requests/{req.pk}/take/",
        {"activity": nantes.lead_activity.pk},
        format="json",
    )
    assert wrong.status_code == 400 and "activity" in wrong.json()["error"]["fields"]
    taken = member.post(
        f"/api/v1/fieldwork/requests/{req.pk}/take/",
        {"activity": nantes.activity.pk},
        format="json",
    )
    assert (
        taken.status_code == 201
        and taken.json()["state"] == "to_plan"
        and taken.json()["client_name"] == "Agnès"
    )
    detail = member.get(f"/api/v1/fieldwork/requests/{req.pk}/").json()
    assert detail["name"] == "Agnès" and detail["street"] == "11 rue Mondésir"
    again = lead.post(
        f"/api/v1/fieldwork/requests/{req.pk}/take/",
        {"activity": nantes.lead_activity.pk},
        format="json",
    )
    assert again.status_code == 403


def test_visits_by_day_and_plan(nantes, django_assert_max_num_queries):
    visit = VisitFactory(activity=nantes.activity, sector=nantes.sector)
    lead = api(nantes.lead.user)
    planned = lead.post(
        f"/api/v1/fieldwork/visits/{visit.pk}/plan/",
        {"member": nantes.member.pk, "day": DAY.isoformat(), "starts_at": at(DAY, 9).isoformat()},
        format="json",
    )
    assert planned.status_code == 200 and planned.json()["state"] == "planned"
    assert planned.json()["client_name"] is None  # the lead is not assigned to it
    other = VisitFactory(activity=nantes.activity, sector=nantes.sector)
    clash = lead.post(
        f"/api/v1/fieldwork/visits/{other.pk}/plan/",
        {"member": nantes.member.pk, "day": DAY.isoformat(), "starts_at": at(DAY, 10).isoformat()},
        format="json",
    )
    assert clash.status_code == 400 and "overlaps" in str(
        clash.json()["error"]["fields"]["starts_at"]
    )
    member = api(nantes.member.user)
    day = member.get(f"/api/v1/fieldwork/visits/?day={DAY}&member={nantes.member.pk}").json()[
        "results"
    ]
    assert [v["id"] for v in day] == [visit.pk] and day[0]["client_name"] == visit.client.name
    for _ in range(10):
        VisitFactory(
            activity=nantes.activity, sector=nantes.sector, day=DAY, state=VisitState.TO_PLAN
        )
    with django_assert_max_num_queries(12):
        assert member.get(f"/api/v1/fieldwork/visits/?sector={nantes.sector.pk}").status_code == 200
    assert api(nantes.outsider.user).get(f"/api/v1/fieldwork/visits/{visit.pk}/").status_code == 404
    assert member.get("/api/v1/fieldwork/visits/?day=2027-13-01").status_code == 400


def test_contracts_rhythm_tasks_and_generated_visits(nantes):
    customer = ClientFactory(activity=nantes.activity)
    member = api(nantes.member.user)
    made = member.post(
        "/api/v1/fieldwork/contracts/",
        {
            "activity": nantes.activity.pk,
            "client": customer.pk,
            "name": "Garden",
            "starts_on": "2099-01-04",
            "pricing": "visit",
            "price": "55.00",
            "vat_rate": "20.00",
            "member": nantes.member.pk,
            "sector": nantes.sector.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["city"] == "Nantes"  # the client's address
    rhythm = member.put(
        f"/api/v1/fieldwork/contracts/{pk}/recurrences/",
        [
            {"months": [4, 5, 6, 7, 8, 9, 10], "every_weeks": 2, "weekday": 1, "minutes": 120},
            {"months": [11, 12, 1, 2, 3], "every_weeks": 4, "weekday": 1, "minutes": 90},
        ],
        format="json",
    )
    assert rhythm.status_code == 200 and len(rhythm.json()["recurrences"]) == 2
    tasks = member.put(
        f"/api/v1/fieldwork/contracts/{pk}/tasks/",
        [{"name": "Mow", "every_visit": True}],
        format="json",
    )
    assert tasks.status_code == 200 and tasks.json()["tasks"][0]["name"] == "Mow"
    made = member.post(
        f"/api/v1/fieldwork/contracts/{pk}/generate-visits/", {"until": "2099-03-31"}, format="json"
    )
    assert (
        made.status_code == 201
        and len(made.json()) == 4
        and made.json()[0]["tasks"][0]["name"] == "Mow"
    )
    again = member.post(
        f"/api/v1/fieldwork/contracts/{pk}/generate-visits/", {"until": "2099-03-31"}, format="json"
    )
    assert again.json() == []
    assert api(nantes.outsider.user).get(f"/api/v1/fieldwork/contracts/{pk}/").status_code == 404
    # the lead sees the sector's contract, not the client's exact address
    seen = api(nantes.lead.user).get(f"/api/v1/fieldwork/contracts/{pk}/").json()
    assert seen["street"] is None and seen["postcode"] == "44000"
    assert (
        api(nantes.lead.user)
        .patch(f"/api/v1/fieldwork/contracts/{pk}/", {"name": "x"}, format="json")
        .status_code
        == 403
    )
    assert Contract.objects.get().name == "Garden"


def test_catalogue_slots_unavailability_and_feed(nantes):
    service = ServiceFactory(entity=nantes.entity)
    member = api(nantes.member.user)
    listed = member.get("/api/v1/fieldwork/services/").json()["results"]
    assert [s["name"] for s in listed] == ["Mowing"]
    refused = member.post(
        "/api/v1/fieldwork/services/",
        {
            "entity": nantes.entity.pk,
            "trade": service.trade_id,
            "name_fr": "a",
            "name_nl": "b",
            "name_en": "c",
            "unit_price": "10",
            "vat_rate": "20",
        },
        format="json",
    )
    assert refused.status_code == 403
    admin = api(staff("admin", nantes.entity))
    created = admin.post(
        "/api/v1/fieldwork/services/",
        {
            "entity": nantes.entity.pk,
            "trade": service.trade_id,
            "name_fr": "Taille",
            "name_nl": "Snoeien",
            "name_en": "Pruning",
            "unit_price": "42",
            "vat_rate": "120",
        },
        format="json",
    )
    assert created.status_code == 400 and "vat_rate" in created.json()["error"]["fields"]
    assert (
        api(staff("admin", EntityFactory())).get("/api/v1/fieldwork/services/").json()["results"]
        == []
    )
    start = at(timezone.localdate() + datetime.timedelta(days=5), 9)
    slot = member.post(
        "/api/v1/fieldwork/slots/",
        {
            "member": nantes.member.pk,
            "sector": nantes.sector.pk,
            "activity": nantes.activity.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert slot.status_code == 201, slot.json()
    away = member.post(
        "/api/v1/fieldwork/unavailability/",
        {
            "member": nantes.member.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start - datetime.timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert away.status_code == 400 and "ends_at" in away.json()["error"]["fields"]
    feed = member.get("/api/v1/fieldwork/calendar-feed/").json()["url"]
    renewed = member.post("/api/v1/fieldwork/calendar-feed/").json()["url"]
    assert feed != renewed and renewed.endswith(".ics")
    assert (
        api(staff("admin", nantes.entity)).get("/api/v1/fieldwork/calendar-feed/").status_code
        == 403
    )
