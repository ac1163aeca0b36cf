"""The daily e-reporting pass (``manage.py ereporting_daily``, run by the daily timer):

1. for each French entity that asked for it (``send_automatically``), build the reports of the
   periods that are over and send those ready (a report whose amounts do not match the books
   waits for an accountant, who sees why on its page);
2. with a platform configured, receive what it sent (supplier invoices, invoice statuses) and read
   its answer to the reports sent.

Idempotent: a period already reported returns its report; a flow already received is skipped.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.organisation.models import Entity

from . import inbox, pdp, services
from .models import EReportingSettings, ReportState

logger = logging.getLogger(__name__)


def run(*, today=None, client: pdp.FlowClient | None = None) -> dict:
    today = today or timezone.localdate()
    done = {"built": 0, "sent": 0, "not_sent": 0, "received": {}, "followed": 0}
    automatic = EReportingSettings.objects.filter(send_automatically=True, entity__jurisdiction="FR")
    for conf in automatic.select_related("entity"):
        entity: Entity = conf.entity
        for kind, start, end in services.due_periods(entity, today):
            report = services.build_report(actor=None, entity=entity, kind=kind, start=start, end=end)
            done["built"] += 1
            if report.state != ReportState.READY or not pdp.configured():
                continue
            try:
                services.send_report(actor=None, report=report, client=client)
            except ValidationError as exc:
                logger.warning("e-report %s not sent: %s", report.pk, exc.messages)
                done["not_sent"] += 1
            else:
                done["sent"] += 1
    if pdp.configured() or client is not None:
        client = client or pdp.FlowClient()
        done["received"] = inbox.pull(client=client)
        done["followed"] = services.follow_reports(client=client)
    return done
