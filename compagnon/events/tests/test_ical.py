"""The calendar feeds: valid iCalendar (parsed back), the agenda of my office and entity and my
registrations, at a secret address that renewing revokes."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from .. import services
from .helpers import coop, event

pytestmark = pytest.mark.django_db


def _events(body: bytes) -> dict:
    cal = Calendar.from_ical(body)
    return {str(e.get("summary")): e for e in cal.walk("VEVENT")}


def test_the_feeds_parse_back_and_show_what_the_member_sees(client):
    c = coop()
    mine = event(c, title="Office workshop", capacity=1)
    wide = event(c, where=c["entity"], title="Whole cooperative day")
    event(c, where=c["other_office"], title="Other office")
    event(c, where=c["foreign_office"], actor=c["foreign_admin"], title="Foreign")
    services.register(actor=c["colleague"].user, event=mine)
    services.register(actor=c["member"].user, event=mine)  # waiting
    services.register(actor=c["member"].user, event=wide)
    token = services.calendar_feed(c["member"].user).token
    r = client.get(reverse("events-ical-agenda", args=[token]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    agenda = _events(r.content)
    assert set(agenda) == {"Office workshop", "Whole cooperative day"}
    item = agenda["Office workshop"]
    assert item.decoded("dtstart") == mine.starts_at.replace(microsecond=0)
    assert str(item.get("location")) == "Office room"
    assert item["dtstart"].params["TZID"] == "Europe/Paris"
    assert len(Calendar.from_ical(r.content).walk("VTIMEZONE")) == 1
    assert str(item.get("uid")) == f"event-{mine.pk}@compagnon"
    mine_feed = _events(client.get(reverse("events-ical-mine", args=[token])).content)
    assert set(mine_feed) == {"Office workshop (waiting list)", "Whole cooperative day"}
    assert str(mine_feed["Office workshop (waiting list)"].get("status")) == "TENTATIVE"


def test_a_renewed_address_stops_the_old_one(client):
    c = coop()
    old = services.calendar_feed(c["member"].user).token
    assert client.get(reverse("events-ical-agenda", args=[old])).status_code == 200
    client.force_login(c["member"].user)
    assert client.post(reverse("events-feed-rotate")).status_code == 302
    new = services.calendar_feed(c["member"].user).token
    assert new != old
    assert client.get(reverse("events-ical-agenda", args=[old])).status_code == 404
    assert client.get(reverse("events-ical-mine", args=["nope"])).status_code == 404
    page = client.get(reverse("events-feed")).content.decode()
    assert new in page and old not in page
