from django.core.management.base import BaseCommand

from compagnon.advising.followup import rebuild


class Command(BaseCommand):
    help = ("Recompute every member's advising follow-up row (last and next appointment, open next steps, "
            "last yearly review) from the appointments, steps and reviews; prints how many were wrong.")

    def handle(self, *args, **options):
        members, changed = rebuild()
        self.stdout.write(f"rebuild_follow_ups: {members} members checked, {changed} rows written")
