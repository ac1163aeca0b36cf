"""Emails of advising, sent by the task worker after the change commits: the member's
appointment (planned, changed, cancelled) with its .ics file attached, in the member's language."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .ical import appointment_ics, base_url
from .models import Appointment

CHANGES = ("planned", "changed", "cancelled")


@task()
def send_appointment_email(*, appointment_id: int, change: str) -> int:
    appointment = (Appointment.objects.select_related("member__user", "advisor", "entity")
                   .filter(pk=appointment_id).first())
    if appointment is None or change not in CHANGES:
        return 0
    user = appointment.member.user
    if not user.email:
        return 0
    with translation.override(user.language or appointment.entity.default_language):
        subjects = {
            "planned": _("Appointment with %(name)s"),
            "changed": _("Appointment with %(name)s: changed"),
            "cancelled": _("Appointment with %(name)s: cancelled"),
        }
        subject = subjects[change] % {"name": str(appointment.advisor)}
        body = render_to_string("advising/email/appointment.txt", {
            "appointment": appointment, "change": change, "member": appointment.member,
            "url": base_url() + reverse("advising-appointment", args=[appointment.pk]),
            "mine_url": base_url() + reverse("advising-mine"),
        })
        message = EmailMessage(subject=subject, body=body, to=[user.email])
        message.attach(f"appointment-{appointment.pk}.ics", appointment_ics(appointment),
                       "text/calendar; charset=utf-8; method=PUBLISH")
        return message.send()
