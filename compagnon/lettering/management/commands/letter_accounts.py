"""manage.py letter_accounts --entity ID: letter what payments link (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from compagnon.lettering.automatic import letter_entity
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = "Letter the client and supplier accounts of an entity where payments link the lines. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--entity", type=int, action="append", help="entity id (repeat; default: all)"
        )

    def handle(self, *args, entity=None, **options):
        entities = Entity.objects.order_by("pk")
        if entity:
            entities = entities.filter(pk__in=entity)
            if entities.count() != len(set(entity)):
                raise CommandError(f"No entity with id {', '.join(map(str, entity))}.")
        for e in entities:
            result = letter_entity(e)
            self.stdout.write(
                f"{e.name}: {result.lettered} lettered, {result.kept} already lettered, "
                f"{result.undone} undone"
            )
