"""Demo: the e-reports of last month for each French entity, built and checked against the books
(not sent: the demo has no platform), so that the accountant finds a month already prepared."""

from __future__ import annotations

import datetime

from . import builder, services
from .models import EReportingSettings, Regime, ReportKind


def seed_demo_ereporting(entities) -> int:
    built = 0
    today = services.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    for entity in entities:
        if entity.jurisdiction != "FR":
            continue
        conf, _created = EReportingSettings.objects.get_or_create(entity=entity, defaults={"regime": Regime.NORMAL})
        for kind in ReportKind.values:
            for start, end in builder.periods(conf.regime, kind, last_month.year, last_month.month):
                services.build_report(actor=None, entity=entity, kind=kind, start=start, end=end)
                built += 1
    return built
