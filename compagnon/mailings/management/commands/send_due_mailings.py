"""Start the scheduled mailings whose time has come and restart sendings that stalled.

The task worker normally does both by itself (a scheduled mailing's start is enqueued for its
time; each batch enqueues the next). This command is the safety net for a backend that cannot
defer tasks or a worker that was down: run it every few minutes (cron or the timer); it is
idempotent. ``--inline`` sends in this process instead of the worker (no worker at all)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ... import sending, tasks
from ...models import Delivery, EmailState, Mailing, MailingState

QUIET_FOR = datetime.timedelta(minutes=10)


class Command(BaseCommand):
    help = "Start due scheduled mailings and restart stalled sendings (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true", help="send the emails in this process")

    def handle(self, *args, inline=False, **options):
        now = timezone.now()
        interrupted = sending.mark_interrupted(now=now)
        started = sum(sending.start_due(pk, now=now) for pk in Mailing.objects.filter(
            state=MailingState.SCHEDULED, scheduled_for__lte=now).values_list("pk", flat=True))
        resumed = sent = 0
        for m in Mailing.objects.filter(state=MailingState.SENDING).order_by("id"):
            if inline:
                sending.queue_mailing(m.pk)
                while True:
                    result = sending.send_batch(m.pk)
                    sent += result["sent"]
                    if result["claimed"] < sending.BATCH_SIZE:
                        break
                resumed += 1
                continue
            if m.recipient_count is None:
                tasks.queue_mailing.enqueue(mailing_id=m.pk)
                resumed += 1
                continue
            rows = Delivery.objects.filter(mailing_id=m.pk)
            if not rows.filter(email_state__in=[EmailState.WAITING, EmailState.SENDING]).exists():
                sending.finish(m.pk)
            elif not rows.filter(claimed_at__gte=now - QUIET_FOR).exists():
                tasks.send_batch.enqueue(mailing_id=m.pk)
                resumed += 1
        self.stdout.write(f"mailings: {started} started, {resumed} resumed, {sent} emails sent here, "
                          f"{interrupted} interrupted emails marked failed")
