"""Reminders: once per registration and kind however often the command runs, to people
registered (not waiting), in each person's language, for events starting within a day."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from compagnon.notifications.models import Notification

from .. import services
from ..models import ReminderSent
from ..reminders import send_reminders
from ..services import when
from .helpers import at, coop, event

pytestmark = pytest.mark.django_db


def test_each_registration_is_reminded_once_in_its_language(django_capture_on_commit_callbacks):
    c = coop()
    soon = event(c, days=20 / 24, capacity=2, title="Soirée des membres")
    later = event(c, days=3, title="Later")
    a, b, d, _e = c["members"]
    a.user.language, b.user.language = "fr", "nl"
    a.user.save()
    b.user.save()
    for m in (a, b, d):  # d waits
        services.register(actor=m.user, event=soon)
    services.register(actor=a.user, event=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == {"day_before": 2}
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == {"day_before": 0}
        out = io.StringIO()
        call_command("send_event_reminders", stdout=out)
    assert out.getvalue() == "Event reminders: 0 day_before.\n"
    assert ReminderSent.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.user.email, b.user.email])
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    for person, language in ((a, "fr"), (b, "nl")):
        with translation.override(language):
            expected = _("Reminder: %(title)s, %(when)s") % {"title": soon.title, "when": when(soon)}
        assert subjects[person.user.email] == expected
    assert subjects[a.user.email] != subjects[b.user.email]  # the date in each one's language
    assert Notification.objects.filter(user=d.user).count() == 0
    # a day later the other event is due: reminded then, once
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=at(2, 12)) == {"day_before": 1}
        assert send_reminders(now=at(2, 13)) == {"day_before": 0}


def test_cancelled_events_and_registrations_are_not_reminded(django_capture_on_commit_callbacks):
    c = coop()
    ev = event(c, days=5 / 24)
    other = event(c, days=6 / 24)
    services.register(actor=c["member"].user, event=ev)
    services.register(actor=c["colleague"].user, event=other)
    services.cancel_registration(actor=c["colleague"].user, event=other)
    services.cancel_event(actor=c["admin"], event=ev)
    assert send_reminders() == {"day_before": 0}
