"""``manage.py flag_payment_declarations``: tell the advisors about payments their members declared
received that the bank has still not shown after the entity's number of days (default 15).
Idempotent: each declaration is flagged once. Run it daily (cron or the worker's scheduler)."""

from django.core.management.base import BaseCommand

from compagnon.payments import declarations


class Command(BaseCommand):
    help = "Flag to the advisors the payment declarations still open after the entity's number of days."

    def handle(self, *args, **options):
        flagged = declarations.flag_old()
        self.stdout.write(f"{flagged} declaration(s) flagged")
