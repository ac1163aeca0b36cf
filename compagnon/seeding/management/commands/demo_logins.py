from django.core.management.base import BaseCommand

from .seed_demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        for email, what in DEMO_LOGINS:
            self.stdout.write(f"    {email:<24} {what}")
