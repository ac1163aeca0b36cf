"""The agenda and a member's registrations as iCalendar feeds (RFC 5545, the ``icalendar``
library), read-only, at the person's secret address (``CalendarFeed``; renewing it revokes the old
one, as the field-service feed does). Nothing private is put in them: events, places, links."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from . import selectors
from .models import EventStatus, RegistrationStatus
from .services import event_url
from .tell import absolute

PAST_DAYS = 30
MAX_EVENTS = 1000


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Compagnon//Agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def _vevent(ev, *, waiting: bool = False) -> VEvent:
    item = VEvent()
    item.add("uid", f"event-{ev.pk}@compagnon")
    item.add("dtstamp", ev.updated_at)
    item.add("dtstart", timezone.localtime(ev.starts_at).replace(microsecond=0))
    item.add("dtend", timezone.localtime(ev.ends_at).replace(microsecond=0))
    summary = ev.title if not waiting else _("%(title)s (waiting list)") % {"title": ev.title}
    item.add("summary", summary)
    where = ev.place or ev.online_url
    if where:
        item.add("location", where)
    item.add("description", "\n".join(p for p in (ev.description, ev.online_url) if p))
    item.add("url", absolute(event_url(ev)))
    cancelled = ev.status == EventStatus.CANCELLED
    item.add("status", "CANCELLED" if cancelled else "TENTATIVE" if waiting else "CONFIRMED")
    return item


def agenda_calendar(user, *, now: datetime.datetime | None = None) -> bytes:
    since = (now or timezone.now()) - datetime.timedelta(days=PAST_DAYS)
    cal = _calendar(_("Agenda of the cooperative"))
    for ev in selectors.agenda(user, now=since)[:MAX_EVENTS]:
        cal.add_component(_vevent(ev))
    cal.add_missing_timezones()
    return cal.to_ical()


def registrations_calendar(user, *, now: datetime.datetime | None = None) -> bytes:
    since = (now or timezone.now()) - datetime.timedelta(days=PAST_DAYS)
    cal = _calendar(_("My events"))
    regs = (
        selectors.my_registrations(user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(event__ends_at__gte=since)
        .exclude(event__status__in=[EventStatus.PROPOSED, EventStatus.DECLINED])
        .order_by("event__starts_at", "id")[:MAX_EVENTS]
    )
    for reg in regs:
        cal.add_component(_vevent(reg.event, waiting=reg.status == RegistrationStatus.WAITING))
    cal.add_missing_timezones()
    return cal.to_ical()
