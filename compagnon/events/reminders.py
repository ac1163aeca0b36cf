"""Reminders before an event: each confirmed registration is reminded once per kind
(``ReminderSent`` is unique per registration and kind), by notification and email, in each
person's language. Run hourly or daily (``manage.py send_event_reminders``): a run sends what is
due in the window ahead and never what was already sent; two runs at the same moment skip each
other's rows (``SKIP LOCKED`` on PostgreSQL)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EventStatus, Registration, RegistrationStatus, ReminderKind, ReminderSent
from .services import event_url, when
from .tell import tell

# kind → how long before the start the reminder becomes due
WINDOWS = {ReminderKind.DAY_BEFORE: datetime.timedelta(hours=24)}
BATCH = 500


def send_reminders(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {kind.value: _send(kind, now, now + ahead) for kind, ahead in WINDOWS.items()}


def _send(kind: str, now, until) -> int:
    sent = 0
    while True:
        with transaction.atomic():
            regs = list(
                Registration.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(
                    status=RegistrationStatus.CONFIRMED,
                    event__status=EventStatus.PUBLISHED,
                    event__starts_at__gt=now,
                    event__starts_at__lte=until,
                )
                .filter(~Exists(ReminderSent.objects.filter(registration=OuterRef("pk"), kind=kind)))
                .select_related("event__office", "member__user")
                .order_by("id")[:BATCH]
            )
            if not regs:
                return sent
            ReminderSent.objects.bulk_create([ReminderSent(registration=r, kind=kind, sent_at=now) for r in regs])
            for reg in regs:
                transaction.on_commit(lambda reg=reg: _remind(reg, kind))
            sent += len(regs)


def _remind(reg: Registration, kind: str) -> None:
    ev = reg.event
    where = ", ".join(p for p in (ev.place, ev.online_url) if p)
    tell(
        [reg.member.user],
        title=lambda: _("Reminder: %(title)s, %(when)s") % {"title": ev.title, "when": when(ev)},
        body=lambda: _("Where: %(where)s. If you cannot come, cancel your registration so that someone waiting "
                       "gets your place.") % {"where": where},
        url=event_url(ev), key=f"events:reminder:{kind}:{reg.pk}", email=True,
    )
