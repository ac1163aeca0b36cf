"""Time logged on a phone without network is sent later, maybe twice: it is logged once.

The phone (core/static/core/offline.js) sends the form it kept with the header
X-Compagnon-Queued and gets a short JSON answer instead of a page.
"""

import json
import uuid

import pytest

from compagnon.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db

QUEUED = {"HTTP_X_COMPAGNON_QUEUED": "1"}


def entry_form(day, tilleuls, key, **extra):
    return {
        "date": day.isoformat(),
        "duration": "1h30",
        "client": tilleuls.pk,
        "description": "Hedge trimming",
        "billable": "on",
        "client_key": str(key),
        **extra,
    }


def test_a_form_sent_twice_from_the_phone_logs_the_time_once(client, gardener, last_week):
    member, activity, tilleuls, _ = gardener
    client.force_login(member.user)
    key = uuid.uuid4()
    url = f"/activities/{activity.pk}/time/"

    first = client.post(url, entry_form(last_week, tilleuls, key), **QUEUED)
    again = client.post(url, entry_form(last_week, tilleuls, key), **QUEUED)

    assert first.status_code == again.status_code == 200
    assert json.loads(first.content)["replayed"] is False
    assert json.loads(again.content)["replayed"] is True
    assert "1h30" in json.loads(again.content)["message"]
    entry = TimeEntry.objects.get()
    assert (entry.duration, entry.client_key) == (90, key)


def test_the_same_form_on_the_page_twice_logs_once_too(client, gardener, last_week):
    """A double tap, or a retry after an answer that got lost, on the ordinary page."""
    member, activity, tilleuls, _ = gardener
    client.force_login(member.user)
    key = uuid.uuid4()
    for _ in range(2):
        response = client.post(f"/activities/{activity.pk}/time/", entry_form(last_week, tilleuls, key))
        assert response.status_code == 302
    assert TimeEntry.objects.count() == 1


def test_two_entries_typed_one_after_the_other_are_two_entries(client, gardener, last_week):
    member, activity, tilleuls, _ = gardener
    client.force_login(member.user)
    for _ in range(2):
        client.post(f"/activities/{activity.pk}/time/", entry_form(last_week, tilleuls, uuid.uuid4()), **QUEUED)
    assert TimeEntry.objects.count() == 2


def test_a_queued_entry_the_server_refuses_says_which_field_and_why(client, gardener, last_week):
    member, activity, tilleuls, _ = gardener
    client.force_login(member.user)
    response = client.post(
        f"/activities/{activity.pk}/time/",
        entry_form(last_week, tilleuls, uuid.uuid4(), duration="lots"),
        **QUEUED,
    )
    assert response.status_code == 400
    (problem,) = json.loads(response.content)["errors"]
    assert problem.startswith("Time spent:")
    assert "1h30" in problem
    assert not TimeEntry.objects.exists()


def test_the_log_time_form_carries_a_fresh_key_each_time_it_is_shown(client, gardener):
    member, activity, *_ = gardener
    client.force_login(member.user)
    keys = set()
    for _ in range(2):
        page = client.get(f"/activities/{activity.pk}/time/")
        keys.add(str(page.context["form"].initial["client_key"]))
        assert 'data-queue="time"' in page.content.decode()
    assert len(keys) == 2
