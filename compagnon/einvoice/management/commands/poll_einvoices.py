from django.core.management.base import BaseCommand

from compagnon.einvoice.tasks import poll_transmissions


class Command(BaseCommand):
    help = "Ask the Peppol access point about every e-invoice still in flight (for cron)."

    def handle(self, *args, **options):
        changed = poll_transmissions.call()
        self.stdout.write(f"{changed} transmission(s) changed status")
