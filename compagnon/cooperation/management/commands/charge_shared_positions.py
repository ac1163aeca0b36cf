"""Charge each running shared position's monthly cost to its activities, once per month.

    manage.py charge_shared_positions              # the previous month
    manage.py charge_shared_positions --month 2026-11

Idempotent: a month already charged is left alone (unique position + month), so it can run daily
from a timer. Positions whose shares are not all accepted, or without a cost, are skipped."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compagnon.cooperation.positions import charge_all


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"--month must be YYYY-MM, got {value!r}") from None


class Command(BaseCommand):
    help = "Post the monthly charge of the shared positions (default: the previous month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the previous month)")

    def handle(self, *args, **options):
        if options.get("month"):
            month = _month(options["month"])
        else:
            month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        try:
            counts = charge_all(month=month)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"{month:%Y-%m}: {counts['charged']} charged, {counts['already']} already charged, "
            f"{counts['skipped']} skipped"
        )
