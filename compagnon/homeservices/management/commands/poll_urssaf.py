"""Daily: read from URSSAF the statuses of the immediate-advance payment requests still moving."""

from django.core.management.base import BaseCommand, CommandError

from compagnon.homeservices import immediate, urssaf


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        try:
            result = immediate.poll()
        except urssaf.UrssafError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result['read']} requests read, {result['changed']} changed.")
