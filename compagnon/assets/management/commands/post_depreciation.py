"""``manage.py post_depreciation --entity ID --until DATE``: post the depreciation of the entity's
fixed assets for every calendar year ended by DATE and not posted yet (idempotent: running it
again posts nothing more). Entries dated 31 December, misc journal, on each asset's activity."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from compagnon.assets.services import post_depreciation
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = "Post the yearly depreciation of fixed assets up to a date (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--entity", type=int, required=True, help="the entity's id")
        parser.add_argument(
            "--until", required=True, help="YYYY-MM-DD: the years ended by this day are posted"
        )

    def handle(self, *args, entity, until, **options):
        try:
            day = datetime.date.fromisoformat(until)
        except ValueError:
            raise CommandError(f"--until {until!r}: give a date as YYYY-MM-DD") from None
        found = Entity.objects.filter(pk=entity).first()
        if found is None:
            raise CommandError(f"No entity {entity}")
        try:
            posted = post_depreciation(entity=found, until=day)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"{found.name}: {posted} depreciation entr{'y' if posted == 1 else 'ies'} posted"
        )
