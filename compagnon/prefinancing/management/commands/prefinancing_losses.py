"""Take the losses that are due on advances whose invoice has been in litigation for the
entity's delay (``Policy.loss_after_days``): the guarantee fund covers what is left, or the
activity's budget bears it, as the policy says. For cron, once a day::

    manage.py prefinancing_losses                    # today
    manage.py prefinancing_losses --date 2026-06-01

Idempotent: an advance whose loss was taken is no longer outstanding, so a second run finds
nothing more.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Cover the advances on invoices the client never paid (after the entity's litigation delay)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        from compagnon.prefinancing import services

        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date takes YYYY-MM-DD") from None
        done = services.take_due_losses(today=day)
        self.stdout.write(f"{done} loss(es) taken")
