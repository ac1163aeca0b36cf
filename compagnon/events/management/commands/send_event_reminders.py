"""Remind registered people of the events starting within the next 24 hours.

    manage.py send_event_reminders

Idempotent: each registration is reminded once per kind however often it runs (hourly or daily)."""

from django.core.management.base import BaseCommand

from compagnon.events.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind registered people of their events (once per registration and kind)."

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write("Event reminders: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")
