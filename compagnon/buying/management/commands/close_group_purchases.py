"""Settle the group purchases whose deadline has passed: ordered (one email to the supplier) when
the minimum was reached, cancelled (participants notified) when not.

    manage.py close_group_purchases

Idempotent: a purchase already settled is not open any more, so it can run daily from a timer."""

from django.core.management.base import BaseCommand

from compagnon.buying.group import close_past_deadline


class Command(BaseCommand):
    help = "Order or cancel the group purchases whose deadline has passed."

    def handle(self, *args, **options):
        counts = close_past_deadline()
        self.stdout.write(f"Group purchases: {counts['ordered']} ordered, {counts['cancelled']} cancelled.")
