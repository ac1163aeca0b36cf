"""A member logs time from their phone and sees the week."""

import datetime

import pytest

from compagnon.timesheets.models import TimeEntry

from .conftest import client_of, log

pytestmark = pytest.mark.django_db


def post_time(http, activity, **data):
    return http.post(f"/activities/{activity.pk}/time/", data)


def test_a_member_logs_time_as_they_type_it_and_sees_the_week_totals(client, gardener, last_week):
    member, activity, tilleuls, martin = gardener
    client.force_login(member.user)
    tuesday = last_week + datetime.timedelta(days=1)
    for day, duration, who, what in (
        (last_week, "1h30", tilleuls, "Hedge trimming"),
        (tuesday, "45", tilleuls, "Weeding"),
        (tuesday, "2h", martin, "Lawn mowing"),
    ):
        response = post_time(
            client,
            activity,
            date=day.isoformat(),
            duration=duration,
            client=who.pk,
            description=what,
            billable="on",
        )
        assert response.status_code == 302, response.content
    entries = TimeEntry.objects.order_by("date", "id")
    assert [e.duration for e in entries] == [90, 45, 120]
    assert all(e.member == member for e in entries)

    page = client.get(f"/activities/{activity.pk}/time/?week={tuesday.isoformat()}")
    html = page.content.decode()
    week = page.context["week"]
    assert week.total == "4h15"
    assert [d.total for d in week.days[:3]] == ["1h30", "2h45", ""]
    assert {row["client"].name: row["total"] for row in week.per_client} == {
        tilleuls.name: "2h15",
        martin.name: "2h",
    }
    for text in ("4h15", "2h45", "Hedge trimming", "Lawn mowing"):
        assert text in html


def test_the_log_form_defaults_to_today_and_offers_the_activitys_clients_only(client, gardener):
    member, activity, tilleuls, martin = gardener
    from compagnon.core.tests.factories import member_with_activity

    _other, other_activity = member_with_activity()
    stranger = client_of(other_activity, name="Someone Else's Client")
    client.force_login(member.user)
    html = client.get(f"/activities/{activity.pk}/time/").content.decode()
    assert f'value="{datetime.date.today().isoformat()}"' in html
    assert tilleuls.name in html and stranger.name not in html
    response = post_time(
        client, activity, date="", duration="1h", client=stranger.pk, description="x"
    )
    assert response.status_code == 400
    assert TimeEntry.objects.count() == 0


def test_the_log_form_through_htmx_swaps_in_the_new_week(client, gardener):
    member, activity, tilleuls, _martin = gardener
    client.force_login(member.user)
    today = datetime.date.today()
    response = client.post(
        f"/activities/{activity.pk}/time/",
        {
            "date": today.isoformat(),
            "duration": "1h30",
            "client": tilleuls.pk,
            "description": "Pruning",
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="time-app",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="time-app"' in html and "<html" not in html
    assert "1h30 logged on" in html and "Pruning" in html


def test_a_duration_that_cannot_be_read_is_refused_and_nothing_typed_is_lost(client, gardener):
    member, activity, tilleuls, _martin = gardener
    client.force_login(member.user)
    data = {
        "date": datetime.date.today().isoformat(),
        "duration": "an hour",
        "description": "Mowing the lawn",
    }
    response = post_time(client, activity, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the time as 1h30, 2h or a number of minutes" in html
    assert 'value="Mowing the lawn"' in html and 'value="an hour"' in html
    htmx = client.post(f"/activities/{activity.pk}/time/", data, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and "Write the time as 1h30" in htmx.content.decode()
    for duration, message in (("25h", "at most 24h"), ("0", "at least one minute")):
        response = post_time(client, activity, **{**data, "duration": duration})
        assert response.status_code == 400 and message in response.content.decode()
    assert TimeEntry.objects.count() == 0


def test_time_cannot_be_logged_in_the_future(client, gardener):
    member, activity, tilleuls, _martin = gardener
    client.force_login(member.user)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = post_time(
        client, activity, date=tomorrow.isoformat(), duration="1h", description="Planned work"
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()


def test_a_member_corrects_then_deletes_an_entry(client, gardener, last_week):
    member, activity, tilleuls, martin = gardener
    entry = log(member, activity, tilleuls, last_week, 60, "Hedge trimming")
    client.force_login(member.user)
    url = f"/activities/{activity.pk}/time/{entry.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="1h"' in page.content.decode()
    response = client.post(
        url,
        {
            "date": last_week.isoformat(),
            "duration": "1h45",
            "client": martin.pk,
            "description": "Hedge trimming and cleanup",
            "billable": "on",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.duration, entry.client, entry.description) == (
        105,
        martin,
        "Hedge trimming and cleanup",
    )
    assert client.post(f"{url}delete/").status_code == 302
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_an_expense_is_recorded_for_a_client(client, gardener):
    member, activity, tilleuls, _martin = gardener
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/time/expenses/",
        {
            "date": datetime.date.today().isoformat(),
            "client": tilleuls.pk,
            "description": "Compost",
            "amount": "30.00",
            "vat_rate": "20.0",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/activities/{activity.pk}/time/expenses/").content.decode()
    assert "Compost" in page and "30.00" in page


def test_the_demo_adds_two_weeks_of_believable_time(gardener):
    from compagnon.timesheets.demo import seed_demo_time

    member, activity, tilleuls, _martin = gardener
    entries = seed_demo_time(activity, tilleuls, member)
    today = datetime.date.today()
    assert 1 <= len(entries) <= 20
    assert all(today - datetime.timedelta(days=13) <= e.date <= today for e in entries)
    assert all(e.date.weekday() < 5 and 1 <= e.duration <= 240 for e in entries)
    assert activity.expense_entries.count() == 1
    assert seed_demo_time(activity, tilleuls, member) == []  # again: nothing doubled
