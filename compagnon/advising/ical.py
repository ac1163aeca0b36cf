"""An appointment as an iCalendar file (RFC 5545, the ``icalendar`` library), attached to the
member's emails and downloadable from the appointment's page. ``METHOD:PUBLISH`` with a stable
UID and the appointment's ``sequence``: a calendar that imported it updates it (a new time, a
cancellation) instead of adding a second event. The advisor's notes are never put in it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import AppointmentState


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def uid(appointment) -> str:
    return f"advising-appointment-{appointment.pk}@compagnon"


def appointment_ics(appointment) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Compagnon//Advising//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid(appointment))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("sequence", appointment.sequence)
    event.add("summary", _("Appointment with %(name)s: %(topic)s")
              % {"name": str(appointment.advisor), "topic": appointment.topic})
    where = appointment.place or appointment.video_url
    if where:
        event.add("location", where)
    lines = [appointment.topic]
    if appointment.video_url:
        lines.append(_("Video link: %(url)s") % {"url": appointment.video_url})
        event.add("url", appointment.video_url)
    from django.urls import reverse

    lines.append(base_url() + reverse("advising-appointment", args=[appointment.pk]))
    event.add("description", "\n".join(lines))
    cancelled = appointment.state == AppointmentState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
