"""manage.py send_message_digests: the emails about new messages that are due.

Run it hourly (or at least daily, at the hour digests should arrive): each person who chose the
daily digest (the default) gets at most one per day, with the messages of others they have neither
read nor been emailed; people who chose "at once" get what their task missed. Idempotent: a
message is in at most one email, however often it runs and on however many machines.
"""

from django.core.management.base import BaseCommand

from compagnon.messaging.digests import send_digests


class Command(BaseCommand):
    help = "Send the daily digests of new messages (and the 'at once' emails a task missed). Idempotent."

    def handle(self, *args, **options):
        out = send_digests()
        self.stdout.write(f"Message emails: {out['daily']} daily digests, {out['immediately']} catch-up emails.")
