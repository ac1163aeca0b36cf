"""manage.py support_link_cases: give every collections case without a support request its request
(the receiver does it for new cases; this is for cases made while support was not installed, e.g.
loaded from a dump). Idempotent: a second run makes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Give every collections case without a support request its request (idempotent)."

    def handle(self, *args, **options):
        from compagnon.dunning.models import CaseNote, CollectionCase
        from compagnon.support import selectors
        from compagnon.support.cases import backfill
        from compagnon.support.models import SupportRequest

        with transaction.atomic():
            made = backfill(CollectionCase, SupportRequest, CaseNote, policy_for=selectors.policy)
        self.stdout.write(f"{made} collections case(s) linked to a support request.")
