import datetime

from django.core.management.base import BaseCommand, CommandError

from compagnon.ereporting import builder, services
from compagnon.ereporting.models import ReportKind
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = "Build (and with --send, send) the e-reports of an entity for the periods of one month."

    def add_arguments(self, parser):
        parser.add_argument("--entity", type=int, required=True)
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--send", action="store_true")

    def handle(self, *args, entity, month, send=False, **options):
        found = Entity.objects.filter(pk=entity).first()
        if found is None:
            raise CommandError(f"no entity {entity}")
        try:
            first = datetime.date.fromisoformat(f"{month}-01")
        except ValueError as exc:
            raise CommandError("--month is YYYY-MM") from exc
        regime = services.settings_for(found).regime
        for kind in ReportKind.values:
            for start, end in builder.periods(regime, kind, first.year, first.month):
                report = services.build_report(actor=None, entity=found, kind=kind, start=start, end=end)
                line = f"{report.flow_number} {start}–{end} v{report.version}: {report.figures['count']} line(s), " \
                       f"books {'match' if report.proof.get('ok') else 'DO NOT match'}"
                if send and report.state == "ready":
                    services.send_report(actor=None, report=report)
                    line += ", sent"
                self.stdout.write(line)
