"""Who sees which jobs and offers, in pages and the API; the queries stay few."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compagnon.jobs import handover
from compagnon.jobs.models import Job, JobStep

from .helpers import day, declare, world

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_member_sees_the_jobs_of_their_activities_only(client):
    w = world()
    job = declare(w)
    for user, code in ((w.member.user, 200), (w.colleague.user, 200), (w.advisor, 200), (w.admin, 200),
                       (w.stranger.user, 404), (w.far.user, 404), (w.far_advisor, 404)):
        client.force_login(user)
        assert client.get(reverse("jobs-detail", args=[job.pk])).status_code == code, user
        assert api(user).get(f"/api/v1/jobs/jobs/{job.pk}/").status_code == code, user
    client.force_login(w.stranger.user)
    assert job.description.encode() not in client.get(reverse("jobs-list")).content
    assert api(w.stranger.user).get("/api/v1/jobs/jobs/").json()["results"] == []


def test_only_the_member_acts_on_steps_and_only_their_advisor_validates(client):
    w = world()
    job = declare(w)
    insurance = JobStep.objects.get(job=job, kind="insurance")
    client.force_login(w.stranger.user)
    assert client.post(reverse("jobs-step", args=[insurance.pk, "hold"])).status_code == 404
    assert api(w.stranger.user).post(f"/api/v1/jobs/steps/{insurance.pk}/hold/").status_code == 404
    assert api(w.far_advisor).post(f"/api/v1/jobs/steps/{insurance.pk}/validate/").status_code == 404
    assert api(w.member.user).post(f"/api/v1/jobs/steps/{insurance.pk}/validate/").status_code == 403
    client.force_login(w.advisor)
    queue = client.get(reverse("jobs-check"))
    assert queue.status_code == 200 and job.description.encode() in queue.content
    assert client.post(reverse("jobs-step", args=[insurance.pk, "validate"])).status_code == 302
    assert JobStep.objects.get(pk=insurance.pk).state == "done"
    client.force_login(w.far_advisor)
    assert job.description.encode() not in client.get(reverse("jobs-check")).content
    client.force_login(w.member.user)
    assert client.get(reverse("jobs-check")).status_code == 404


def test_the_api_declares_in_one_request_and_answers_the_checklist():
    w = world()
    response = api(w.member.user).post("/api/v1/jobs/jobs/", {
        "activity": w.activity.pk, "client_name": "Mme Durand", "client_email": "durand@example.org",
        "description": "Garden", "amount": "800.00", "starts_on": day(2).isoformat(), "ends_on": day(2).isoformat(),
        "postcode": "44000", "city": "Nantes", "wants_prefinancing": True,
    }, format="json")
    assert response.status_code == 201, response.content
    kinds = {s["kind"]: s["state"] for s in response.json()["steps"]}
    assert kinds == {"client": "done", "document": "waiting", "planning": "done", "insurance": "waiting",
                     "prefinancing": "missing"}
    step = next(s for s in response.json()["steps"] if s["kind"] == "prefinancing")
    assert step["missing"] == ["invoice"] and step["explanation"]
    # another member's activity: refused, nothing saved
    other = api(w.stranger.user).post("/api/v1/jobs/jobs/", {
        "activity": w.activity.pk, "client_name": "X", "description": "Y", "amount": "1",
        "starts_on": day(2).isoformat(), "ends_on": day(2).isoformat()}, format="json")
    assert other.status_code == 400 and "activity" in other.json()["error"]["fields"]
    assert Job.objects.count() == 1


def test_lists_keep_a_constant_number_of_queries(client, django_assert_max_num_queries):
    w = world()
    for _ in range(3):
        declare(w)
    client.force_login(w.member.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("jobs-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert api(w.member.user).get("/api/v1/jobs/jobs/").status_code == 200
    job = Job.objects.first()
    with django_assert_max_num_queries(30):
        assert client.get(reverse("jobs-detail", args=[job.pk])).status_code == 200
    for _ in range(3):
        declare(w)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("jobs-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert api(w.member.user).get("/api/v1/jobs/jobs/").status_code == 200


def test_offers_are_seen_by_colleagues_of_the_trade_and_zone_only(client):
    w = world()
    job = declare(w)
    offer = handover.offer_job(actor=w.member.user, job=job, client_agreed=True, trade=w.painting,
                               postcode_prefix="44", note="Kitchen, 12 m²")
    client.force_login(w.taker.user)
    assert job.description.encode() in client.get(reverse("jobs-offers")).content
    assert [o["id"] for o in api(w.taker.user).get("/api/v1/jobs/offers/").json()["results"]] == [offer.pk]
    for user in (w.stranger.user, w.far.user):  # no painting trade, or another zone
        assert api(user).get("/api/v1/jobs/offers/").json()["results"] == []
        assert api(user).post(f"/api/v1/jobs/offers/{offer.pk}/take/", {"activity": w.stranger_activity.pk},
                              format="json").status_code == 404
    client.force_login(w.stranger.user)
    assert job.description.encode() not in client.get(reverse("jobs-offers")).content
