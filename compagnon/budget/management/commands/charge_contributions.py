"""``manage.py charge_contributions [--entity ID]``: bring books written before decision 0017 to it.

Once per entity (idempotent, safe to run again): gives back to each activity the contribution
sales booked at issue, then charges the contribution on every cash receipt that never was, with
the budget's rules (compagnon/budget/contribution.py). Both entries are dated today in the misc
journal. ``check_books`` says when it is needed.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.budget import contribution
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = "Charge the cooperative's contribution on cash received (decision 0017), once."

    def add_arguments(self, parser):
        parser.add_argument("--entity", type=int, help="one entity (id); all of them by default")

    def handle(self, *args, entity=None, **options):
        entities = Entity.objects.order_by("pk")
        if entity:
            entities = entities.filter(pk=entity)
        today = timezone.localdate()
        for e in entities:
            switch, charged = contribution.catch_up(e, today=today)
            if switch is not None or charged:
                self.stdout.write(
                    f"{e.name}: {'contribution booked at issue given back, ' if switch else ''}"
                    f"{charged} cash receipt(s) charged"
                )
