"""Background work of collections. Arguments are plain JSON values; every task may run twice.

* ``run_collections`` — the daily run (daily.run_collections), once per day however many copies
  run, on however many workers, and whether cron runs ``manage.py run_collections`` too
  (``core.schedule.run_once``); with ``reschedule=True`` it first enqueues itself for the next
  morning when the backend can defer (the database backend), once per day however many copies ran
  (``core.schedule.enqueue_once``): a chain started twice is one chain.
* ``execute_actions`` — performs claimed actions (each at most once, see execution.execute_action).
* ``send_announcement_digests`` — the email twin of the announcement notifications.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)
RUN_AT = datetime.time(6, 0)  # local time of the daily run


def _day(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


JOB = "dunning.run_collections"


@task()
def run_collections(*, date: str | None = None, reschedule: bool = False) -> dict:
    """The daily run, unless another process already ran this day: then an empty summary with
    ``"skipped": True``. Tomorrow's run is enqueued first, so a failing day does not end the chain."""
    day = _day(date)
    if reschedule:
        schedule_next(day)
    return run_day(day)


def run_day(day: datetime.date, *, inline: bool = False) -> dict:
    """``daily.run_collections`` for ``day``, once per day whoever asks (the task, cron)."""
    from compagnon.core.schedule import run_once

    from . import daily

    outcome = run_once(JOB, day, lambda: daily.run_collections(today=day, inline=inline))
    if not outcome.ran:
        return {"day": day.isoformat(), "planned": 0, "announced": 0, "claimed": 0, "skipped": True}
    return outcome.result


def schedule_next(day: datetime.date) -> bool:
    """Enqueue tomorrow's run at RUN_AT, once per day however many copies ask. Backends that
    cannot defer (the immediate one of tests) leave it to cron: ``manage.py run_collections``."""
    from compagnon.core.schedule import enqueue_once

    if not run_collections.get_backend().supports_defer:
        return False
    tomorrow = day + datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(tomorrow, RUN_AT))
    return enqueue_once(JOB, tomorrow, lambda: run_collections.using(run_after=when).enqueue(
        date=tomorrow.isoformat(), reschedule=True))


@task()
def execute_actions(*, ids: str, day: str | None = None) -> dict:
    """Carry out the actions ``ids`` (comma-separated: one string, because django-tasks walks every
    element of a list argument to check it is JSON, which cost more than the whole selection for
    50,000 ids)."""
    from . import execution

    return execution.execute_batch([int(x) for x in ids.split(",") if x], today=_day(day))


@task()
def replan_entity(*, entity_id: int) -> int:
    from . import plans

    return plans.replan_entity(entity_id)


@task()
def announce_actions(*, since: str, until: str) -> int:
    """Write the in-app announcements of (since, until] and enqueue their email digests."""
    from . import daily

    return daily.write_announcements(_day(since) if since else None, _day(until))


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


@task()
def send_announcement_digests(*, user_ids: list[int], since: str, until: str) -> int:
    """One email per person: the actions of their activities announced between ``since``
    (excluded) and ``until``, each with a one-click link to hold it (or to give the OK it waits for)."""
    from compagnon.accounts.models import User
    from compagnon.members.models import ActivityMembership, ActivityRole, MemberStatus

    from . import decisions
    from .models import TO_ANNOUNCE, AutomatedAction

    sent = 0
    base = base_url()
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        activities = (ActivityMembership.objects.filter(member__user_id=user.pk, role=ActivityRole.HOLDER)
                      .exclude(member__status=MemberStatus.LEFT).values("activity_id"))
        qs = (AutomatedAction.objects.filter(TO_ANNOUNCE, activity_id__in=activities, announce_on__lte=until)
              .select_related("document", "client", "activity", "step").order_by("due_on", "id"))
        if since:
            qs = qs.filter(announce_on__gt=since)
        actions = list(qs[:200])
        if not actions:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = []
            for a in actions:
                what = _("%(date)s — %(step)s — %(document)s, %(client)s (%(activity)s)") % {
                    "date": date_format(a.due_on, "SHORT_DATE_FORMAT"), "step": str(a.step),
                    "document": a.document.number, "client": a.client.name, "activity": a.activity.name}
                hold = base + reverse("collections-one-click", args=[decisions.one_click_token(a.pk, user.pk, "hold")])
                lines.append(what)
                if a.needs_approval:
                    ok = base + reverse("collections-one-click", args=[decisions.one_click_token(a.pk, user.pk, "approve")])
                    lines.append("   " + _("Waits for your OK: %(url)s") % {"url": ok})
                lines.append("   " + _("Hold it: %(url)s") % {"url": hold})
            subject = (_("Collections: %(n)s action planned") if len(actions) == 1
                       else _("Collections: %(n)s actions planned")) % {"n": len(actions)}
            body = "\n".join([
                _("Hello,"), "",
                _("These collection actions will run on the dates shown unless you hold them:"), "",
                *lines, "",
                _("Your preferences (ask before every step, pause everything…) are on each activity's collections page."),
            ])
        sent += EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
    return sent


@task()
def send_member_email(*, user_ids: list[int], action_id: int, kind: str = "letter") -> int:
    """Tell the activity's holders that a letter is ready to post (the PDF attached)."""
    from compagnon.accounts.models import User

    from .models import AutomatedAction

    action = AutomatedAction.objects.select_related("document", "client").filter(pk=action_id).first()
    if action is None or not action.letter:
        return 0
    with action.letter.open("rb") as f:
        data = f.read()
    name = action.letter.name.rsplit("/", 1)[-1]
    url = base_url() + reverse("document-detail", args=[action.document_id])
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("Letter to post: %(document)s") % {"document": action.document.number}
            body = _("Hello,\n\nThe attached letter to %(client)s about %(document)s is ready. Print it and post it "
                     "(by registered mail for a formal notice).\n\n%(url)s") % {
                "client": action.client.name, "document": action.document.number, "url": url}
        message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
        message.attach(name, data, "application/pdf")
        sent += message.send()
    return sent
