"""A member's visits as an iCalendar feed (RFC 5545, the ``icalendar`` library): read-only, at a
secret address the member renews to revoke it. Each event says where (the commune, or the exact
address when the member is assigned — always the case in their own feed) and what to do; client
phone numbers and emails are never put in the feed."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Unavailability, Visit, VisitState

PAST_DAYS = 30
FUTURE_DAYS = 180


def member_calendar(member, *, today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    since, until = (
        today - datetime.timedelta(days=PAST_DAYS),
        today + datetime.timedelta(days=FUTURE_DAYS),
    )
    cal = Calendar()
    cal.add("prodid", "-//Compagnon//Field service//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Visits of %(name)s") % {"name": str(member)})
    visits = (
        Visit.objects.filter(member=member, day__gte=since, day__lte=until, starts_at__isnull=False)
        .exclude(state=VisitState.CANCELLED)
        .select_related("client", "contract")
        .prefetch_related("tasks")
    )
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@compagnon")
        event.add("dtstamp", visit.updated_at)
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        event.add("summary", f"{visit.client.name} — {visit.city}")
        event.add("location", visit.full_address)
        lines = [t.name for t in visit.tasks.all()]
        if visit.contract and visit.contract.access_notes:
            lines.append(visit.contract.access_notes)
        if visit.notes and visit.notes not in lines:
            lines.append(visit.notes)
        event.add("description", "\n".join(lines))
        if visit.latitude is not None and visit.longitude is not None:
            event.add("geo", (float(visit.latitude), float(visit.longitude)))
        cal.add_component(event)
    for u in Unavailability.objects.filter(
        member=member, ends_at__gte=timezone.now() - datetime.timedelta(days=PAST_DAYS)
    ):
        event = Event()
        event.add("uid", f"unavailable-{u.pk}@compagnon")
        event.add("dtstamp", u.starts_at)
        event.add("dtstart", u.starts_at)
        event.add("dtend", u.ends_at)
        event.add("summary", u.reason or _("Unavailable"))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
