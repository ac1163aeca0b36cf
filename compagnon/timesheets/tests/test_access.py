"""Time belongs to the activity: outsiders get 404 (pages and API), followers read only, and the
lists cost the same number of queries whatever their length."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import (
    MembershipFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
)
from compagnon.members.models import MemberStatus
from compagnon.sales.models import Document, Kind
from compagnon.timesheets import services
from compagnon.timesheets.models import TimeEntry

from .conftest import client_of, log

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def two_gardeners(gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    other, other_activity = member_with_activity(member.office)
    other_client = client_of(other_activity, name="Villa Rose")
    services.set_hourly_rate(actor=other.user, activity=other_activity, hourly_rate=40)
    entry = log(other, other_activity, other_client, last_week, 60, "Secret garden")
    statement = services.build_statement(
        actor=other.user,
        activity=other_activity,
        client=other_client,
        period_start=last_week,
        period_end=last_week,
    )
    return member, activity, tilleuls, other, other_activity, other_client, entry, statement


def test_another_member_gets_404_on_the_time_pages(client, two_gardeners):
    member, activity, _c, _o, other_activity, other_client, entry, statement = two_gardeners
    client.force_login(member.user)
    a = other_activity.pk
    for url in (
        f"/activities/{a}/time/",
        f"/activities/{a}/time/{entry.pk}/",
        f"/activities/{a}/time/expenses/",
        f"/activities/{a}/time/rates/",
        f"/activities/{a}/statements/",
        f"/activities/{a}/statements/{statement.pk}/",
        # their entry and statement through my own activity's URLs
        f"/activities/{activity.pk}/time/{entry.pk}/",
        f"/activities/{activity.pk}/statements/{statement.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/activities/{a}/time/", {"duration": "1h", "description": "x", "date": "2020-01-01"}),
        (f"/activities/{a}/time/{entry.pk}/", {"duration": "1h", "description": "x"}),
        (f"/activities/{a}/time/{entry.pk}/delete/", {}),
        (f"/activities/{a}/statements/", {"client": other_client.pk}),
        (f"/activities/{a}/statements/{statement.pk}/delete/", {}),
        (f"/activities/{a}/statements/{statement.pk}/state/", {"to_state": "sent"}),
    ):
        assert client.post(url, data).status_code == 404, url
    entry.refresh_from_db()
    assert entry.duration == 60 and Document.objects.filter(pk=statement.pk).exists()


def test_another_member_gets_404_through_the_api(client, two_gardeners, last_week):
    member, activity, tilleuls, other, other_activity, other_client, entry, _s = two_gardeners
    mine = log(member, activity, tilleuls, last_week, 30, "My own")
    h = auth(member.user)
    url = f"/api/v1/time-entries/{entry.pk}/"
    assert client.get(url, **h).status_code == 404
    response = client.patch(url, {"duration": 5}, content_type="application/json", **h)
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    assert client.delete(url, **h).status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/time-entries/", **h).json()["results"]}
    assert listed == {mine.pk}
    created = client.post(
        "/api/v1/time-entries/",
        {"activity": other_activity.pk, "duration": "1h", "description": "Sneaky"},
        content_type="application/json",
        **h,
    )
    assert created.status_code == 400  # the activity is not one the caller may choose
    built = client.post(
        "/api/v1/statements/build/",
        {
            "activity": other_activity.pk,
            "client": other_client.pk,
            "period_start": last_week.isoformat(),
            "period_end": last_week.isoformat(),
        },
        content_type="application/json",
        **h,
    )
    assert built.status_code == 404
    assert TimeEntry.objects.filter(activity=other_activity).count() == 1


def test_the_api_logs_time_as_typed_and_builds_the_statement(client, gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    h = auth(member.user)
    for duration, minutes in (("1h30", 90), (45, 45), ("2h", 120)):
        response = client.post(
            "/api/v1/time-entries/",
            {
                "activity": activity.pk,
                "client": tilleuls.pk,
                "date": last_week.isoformat(),
                "duration": duration,
                "description": "Hedge trimming",
            },
            content_type="application/json",
            **h,
        )
        assert response.status_code == 201, response.json()
        assert response.json()["duration"] == minutes
        assert response.json()["member"] == member.pk
    bad = client.post(
        "/api/v1/time-entries/",
        {"activity": activity.pk, "duration": "soon", "description": "x"},
        content_type="application/json",
        **h,
    )
    assert bad.status_code == 400 and "duration" in bad.json()["error"]["fields"]
    body = {
        "activity": activity.pk,
        "client": tilleuls.pk,
        "period_start": last_week.isoformat(),
        "period_end": last_week.isoformat(),
    }
    response = client.post("/api/v1/statements/build/", body, content_type="application/json", **h)
    assert response.status_code == 201, response.json()
    doc = Document.objects.get(pk=response.json()["id"])
    assert doc.kind == Kind.STATEMENT and doc.tax_exclusive == 170  # 4h15 at 40 €/h
    assert response.json()["time_entries"] == 3
    again = client.post("/api/v1/statements/build/", body, content_type="application/json", **h)
    assert again.status_code == 400
    assert "Nothing to put on a statement" in again.json()["error"]["fields"]["period"][0]


def test_an_advisor_reads_the_time_but_cannot_log_or_bill(client, gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    log(member, activity, tilleuls, last_week, 60, "Hedge trimming")
    advisor = advisor_of(member.office)
    client.force_login(advisor)
    page = client.get(f"/activities/{activity.pk}/time/?week={last_week.isoformat()}")
    assert page.status_code == 200
    assert (
        "Hedge trimming" in page.content.decode() and "Log this time" not in page.content.decode()
    )
    assert client.get(f"/activities/{activity.pk}/statements/").status_code == 200
    data = {"duration": "1h", "description": "x", "date": last_week.isoformat()}
    assert client.post(f"/activities/{activity.pk}/time/", data).status_code == 403
    response = client.post(
        "/api/v1/time-entries/",
        {"activity": activity.pk, "duration": "1h", "description": "x"},
        content_type="application/json",
        **auth(advisor),
    )
    assert response.status_code == 403


def test_a_colleague_in_a_collective_logs_time_and_a_member_who_left_cannot(gardener, last_week):
    member, activity, tilleuls, _martin = gardener
    colleague = MembershipFactory(activity=activity).member
    entry = log(colleague, activity, tilleuls, last_week, 30, "Helping out")
    assert entry.member == colleague
    colleague.status = MemberStatus.LEFT
    colleague.save()
    from django.core.exceptions import PermissionDenied

    from compagnon import permissions

    permissions.forget_scope(colleague.user)
    with pytest.raises(PermissionDenied):
        log(colleague, activity, tilleuls, last_week, 30, "After leaving")


def count_queries(http, url, **extra) -> int:
    http.get(url, **extra)
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def test_the_lists_cost_the_same_number_of_queries_whatever_their_length(
    client, gardener, last_week
):
    member, activity, tilleuls, martin = gardener
    colleague = MembershipFactory(activity=activity).member

    def grow(n):
        for i in range(n):
            who = member if i % 2 else colleague
            log(
                who,
                activity,
                [tilleuls, martin][i % 2],
                last_week + datetime.timedelta(days=i % 5),
                15 + i,
                f"Task {i}",
            )
            services.add_expense(
                actor=member.user,
                activity=activity,
                client=tilleuls,
                date=last_week,
                description=f"Expense {i}",
                amount=10 + i,
            )

    def build_one(client_obj):
        services.build_statement(
            actor=member.user,
            activity=activity,
            client=client_obj,
            period_start=last_week,
            period_end=last_week + datetime.timedelta(days=6),
        )

    client.force_login(member.user)
    h = auth(member.user)
    urls = [
        (f"/activities/{activity.pk}/time/?week={last_week.isoformat()}", {}),
        (f"/activities/{activity.pk}/time/expenses/", {}),
        (f"/activities/{activity.pk}/statements/", {}),
        ("/api/v1/time-entries/", h),
    ]
    grow(3)
    build_one(tilleuls)
    small = [count_queries(client, url, **extra) for url, extra in urls]
    grow(12)
    build_one(martin)
    large = [count_queries(client, url, **extra) for url, extra in urls]
    assert large == small
