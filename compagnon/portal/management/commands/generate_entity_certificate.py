from django.core.management.base import BaseCommand, CommandError

from compagnon.organisation.models import Entity
from compagnon.portal.certificates import current_certificate, generate_self_signed


class Command(BaseCommand):
    help = ("Generate a self-signed certificate that seals the PDFs the entity's clients sign online. "
            "Keeps a valid existing one unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("entity_id", type=int)
        parser.add_argument("--force", action="store_true", help="Generate a new certificate even if one is valid.")
        parser.add_argument("--days", type=int, default=3 * 365, help="Validity in days (default: 3 years).")

    def handle(self, *args, entity_id, force, days, **options):
        import datetime

        entity = Entity.objects.filter(pk=entity_id).first()
        if entity is None:
            raise CommandError(f"No entity with id {entity_id}.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        certificate = None if force else current_certificate(entity)
        if certificate is not None:
            self.stdout.write(f"{entity.name} already has a valid certificate: {certificate.subject}, "
                              f"SHA-256 {certificate.fingerprint_sha256}, until {certificate.not_after:%Y-%m-%d}. "
                              "Use --force to generate a new one.")
            return
        certificate = generate_self_signed(entity, validity=datetime.timedelta(days=days))
        self.stdout.write(self.style.SUCCESS(
            f"Certificate generated for {entity.name}: {certificate.subject}, SHA-256 {certificate.fingerprint_sha256}, "
            f"valid until {certificate.not_after:%Y-%m-%d}."))
