"""The daily run: plan the new documents, announce what comes, hand the due actions over to
execution (see ``compagnon.dunning.services`` for the whole story)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from compagnon.core.signals import collections_held
from compagnon.sales.models import DocumentCounter

from . import planning
from .base import (
    EXECUTE_CHUNK,
    _push_dates,
    _today,
    announced_through,
    holders_by_activity,
    next_announce_day,
    notifications_installed,
)
from .execution import execute_batch
from .models import (
    RUNNABLE,
    TO_ANNOUNCE,
    AutomatedAction,
    CollectionPlan,
    CollectionRun,
    PlanningCursor,
)
from .plans import _lock_cursors

# --- the daily run -----------------------------------------------------------------------------


@dataclass
class RunSummary:
    day: str
    planned: int = 0
    announced: int = 0
    claimed: int = 0
    timings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("day", "planned", "announced", "claimed", "timings")}


def run_collections(*, today: datetime.date | None = None, batch_size: int = EXECUTE_CHUNK,
                    inline: bool = False) -> dict:
    """The daily run (see the module docstring). Safe to run twice, or twice at the same time."""
    import time

    today = _today(today)
    summary = RunSummary(day=today.isoformat())
    CollectionRun.objects.get_or_create(day=today)
    t = time.perf_counter()
    summary.planned = plan_new_documents(today)
    summary.timings["plan"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    summary.announced, _written = announce(today)
    summary.timings["announce"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    summary.claimed = claim_due(today, batch_size=batch_size, inline=inline)
    summary.timings["claim"] = round(time.perf_counter() - t, 4)
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        previous = run.summary or {}
        run.summary = {k: (previous.get(k, 0) + v if isinstance(v, int) else v) for k, v in summary.as_dict().items()}
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
    return summary.as_dict()


def plan_new_documents(today: datetime.date) -> int:
    """Actions for the invoices issued and quotes sent since the last run (numbering range scans)."""
    inserted = 0
    earliest = next_announce_day(today)
    for plan in CollectionPlan.objects.filter(active=True).prefetch_related("steps"):
        steps = [s for s in plan.steps.all() if s.active]
        if not steps:
            continue
        orders = planning.first_orders(steps)
        with transaction.atomic():
            cursors = _lock_cursors(plan.entity_id)
            for counter in DocumentCounter.objects.filter(entity_id=plan.entity_id, series__in=["invoice", "quote"]):
                cursor = cursors.get((counter.series, counter.year))
                done = cursor.last_sequence if cursor else 0
                if counter.last <= done:
                    continue
                group = "quote" if counter.series == "quote" else "invoice"
                for step in steps:
                    if planning.group_of(step) == group:
                        inserted += planning.insert_actions(
                            step, first_order=orders[group], earliest=earliest, entity_id=plan.entity_id,
                            series_range=(counter.series, counter.year, done, counter.last))
                if cursor is None:
                    PlanningCursor.objects.create(entity_id=plan.entity_id, series=counter.series,
                                                  year=counter.year, last_sequence=counter.last)
                else:
                    cursor.last_sequence = counter.last
                    cursor.save(update_fields=["last_sequence"])
    return inserted


def announce(today: datetime.date) -> tuple[int, int]:
    """Announce what falls between the last announced day and today, and record today as
    announced. The announcements themselves (one in-app notification per activity holder, one
    email per person) are written by ``tasks.announce_actions`` after commit, like every side
    effect. Returns (actions announced, 0)."""
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        if run.announced:
            return 0, 0
        since = announced_through()
        count = 0
        if since is None or since < today:
            qs = announcement_queryset(since, today)
            # announced late (no run on their day): they still get their whole notice period
            if since is None or since < today - datetime.timedelta(days=1):
                _push_dates(qs.filter(announce_on__lt=today), today)
            count = qs.count()
        run.announced = True
        run.save(update_fields=["announced"])
        if count:
            from .tasks import announce_actions

            since_iso = since.isoformat() if since else ""
            transaction.on_commit(lambda: announce_actions.enqueue(since=since_iso, until=today.isoformat()))
        return count, 0


def announcement_queryset(since: datetime.date | None, until: datetime.date):
    qs = AutomatedAction.objects.filter(TO_ANNOUNCE, announce_on__lte=until)
    return qs.filter(announce_on__gt=since) if since is not None else qs


def write_announcements(since: datetime.date | None, until: datetime.date) -> int:
    """The in-app notifications of the actions announced in (since, until], one per activity
    holder and activity (idempotent: keyed), then the email digests. Returns notifications written.
    One grouped, index-only read (how many, the first day, how many wait for an OK): the emails
    list the actions one by one."""
    from django.db.models import Count, Min

    rows = (announcement_queryset(since, until).order_by().values("activity_id")
            .annotate(total=Count("*"), first=Min("due_on"),
                      waiting=Count("needs_approval", filter=Q(needs_approval=True)))
            .values_list("activity_id", "total", "first", "waiting"))
    by_activity = {activity_id: {"total": total, "first": first, "waiting": waiting}
                   for activity_id, total, first, waiting in rows}
    notified, users = _notify_announcements(by_activity, until)
    if users:
        since_iso = since.isoformat() if since else ""
        chunks = [sorted(users)[i:i + 200] for i in range(0, len(users), 200)]
        _enqueue_digests(chunks, since_iso, until)
    return notified


def _enqueue_digests(chunks, since_iso: str, today: datetime.date) -> None:
    from contextlib import nullcontext

    from .tasks import send_announcement_digests

    with transaction.atomic() if send_announcement_digests.get_backend().supports_defer else nullcontext():
        for chunk in chunks:
            send_announcement_digests.enqueue(user_ids=chunk, since=since_iso, until=today.isoformat())


def _notify_announcements(by_activity: dict, today) -> tuple[int, set]:
    """One notification per activity holder and activity: what runs in the coming days."""
    if not by_activity:
        return 0, set()
    from compagnon.members.models import Activity

    holders = holders_by_activity(by_activity)
    users = {u.pk for people in holders.values() for u in people}
    if not notifications_installed():
        return 0, users
    from compagnon.notifications.services import Message, notify_many

    names = dict(Activity.objects.filter(pk__in=list(by_activity)).values_list("pk", "name"))
    messages = []
    for activity_id, entry in by_activity.items():
        url = reverse("collections-activity", args=[activity_id])
        name = names.get(activity_id, "")

        def title(n=entry["total"], name=name):
            return (_("Collections: %(n)s action planned for %(activity)s") if n == 1
                    else _("Collections: %(n)s actions planned for %(activity)s")) % {"n": n, "activity": name}

        def body(entry=entry):
            lines = [_("The first one goes on %(date)s unless you hold it.")
                     % {"date": date_format(entry["first"], "DATE_FORMAT")}]
            if entry["waiting"]:
                lines.append((_("%(n)s of them waits for your OK.") if entry["waiting"] == 1
                              else _("%(n)s of them wait for your OK.")) % {"n": entry["waiting"]})
            lines.append(_("Open the list to hold any of them with one tap; the email lists them one by one."))
            return "\n".join(lines)

        for user in holders.get(activity_id, []):
            messages.append(Message(user=user, title=title, body=body, url=url,
                                    key=f"dunning:announce:{activity_id}:{today.isoformat()}"))
    notify_many(messages)
    return len(messages), users


def claim_due(today: datetime.date, *, batch_size: int = EXECUTE_CHUNK, inline: bool = False) -> int:
    """Hand the due runnable actions over to execution, once per day (see the module docstring)."""
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        if run.claimed:
            return 0
        ids = select_due(today)
        run.claimed = True
        run.save(update_fields=["claimed"])
        chunks = [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]
        if chunks:
            transaction.on_commit(lambda: _dispatch(chunks, today, inline))
    return len(ids)


def select_due(today: datetime.date) -> list[int]:
    """The due runnable actions, soonest first: one range scan of the partial index RUNNABLE."""
    return list(AutomatedAction.objects.filter(RUNNABLE, due_on__lte=today).exclude(collections_held("document"))
                .order_by("due_on", "id").values_list("id", flat=True))


def _dispatch(chunks, today, inline: bool) -> None:
    """After the run's commit: carry the batches out here (``inline``) or enqueue them, in one
    transaction when the backend is a queue (one commit for all, not one per task)."""
    from contextlib import nullcontext

    from .tasks import execute_actions

    if inline:
        for chunk in chunks:
            execute_batch(chunk, today=today)
        return
    with transaction.atomic() if execute_actions.get_backend().supports_defer else nullcontext():
        for chunk in chunks:
            execute_actions.enqueue(ids=",".join(map(str, chunk)), day=today.isoformat())
