"""Every state change of e-reporting: build a report, send it, follow the platform's answers.

``build_report`` reads the period (builder.py), proves its amounts against the ledger (proof.py),
writes the XML (xml.py, checked against the schema) and keeps it. Building a period again returns
the same report when nothing changed; when something changed, an unsent report is rewritten and a
sent one gets a *correction*: the next version, the earlier one marked replaced. ``send_report``
hands it to the platform (pdp.py) once; a report whose proof failed is never sent.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require

from . import builder, pdp, proof, xml
from . import rules as _rules  # noqa: F401 - registers the permissions checked below
from .models import EReportingSettings, Report, ReportKind, ReportState

PROCESSING_RULE = {
    ReportKind.TRANSACTIONS: "B2BInt",
    ReportKind.PAYMENTS: "B2BInt",
    ReportKind.TRANSACTIONS_DAILY: "B2C",
    ReportKind.PAYMENTS_DAILY: "B2C",
}


def today() -> datetime.date:
    """The day the periods are judged by (one place, so tests can move it)."""
    return timezone.localdate()


def settings_for(entity) -> EReportingSettings:
    found = EReportingSettings.objects.filter(entity=entity).first()
    return found or EReportingSettings(entity=entity)


def _check_period(entity, kind: str, start: datetime.date, end: datetime.date) -> None:
    if entity.jurisdiction != "FR":
        raise ValidationError({"entity": _("E-reporting is French: %(entity)s is not a French entity.")
                               % {"entity": entity.name}})
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose one of the four reports.")})
    regime = settings_for(entity).regime
    expected = builder.period_containing(regime, kind, start)
    if expected != (start, end):
        raise ValidationError({"period_start": _("For this entity and report, the period containing %(day)s runs "
                                                 "from %(start)s to %(end)s.")
                               % {"day": start.isoformat(), "start": expected[0].isoformat(),
                                  "end": expected[1].isoformat()}})
    if end >= today():
        raise ValidationError({"period_end": _("The period ends on %(end)s: a report is built once its period is "
                                               "over.") % {"end": end.isoformat()}})


def build_report(*, actor, entity, kind: str, start: datetime.date, end: datetime.date) -> Report:
    if actor is not None:
        require(actor, "ereporting.send_report", entity)
    _check_period(entity, kind, start, end)
    figures = builder.figures_for(entity, kind, start, end)
    summary = figures.as_json()
    with transaction.atomic():
        latest = (Report.objects.select_for_update(of=("self",)).filter(entity=entity, kind=kind, period_start=start)
                  .order_by("-version").first())
        if latest is not None and latest.figures == summary and latest.state != ReportState.REFUSED:
            return latest
        checked = proof.prove(entity, kind, figures)
        now = timezone.now()
        if latest is not None and latest.state == ReportState.READY:
            report, version = latest, latest.version
        else:
            version = latest.version + 1 if latest is not None else 1
            report = Report(entity=entity, kind=kind, period_start=start, period_end=end, version=version)
            if latest is not None and latest.state != ReportState.REFUSED:
                latest.state = ReportState.REPLACED
                latest.save(update_fields=["state"])
        report.tracking_id = f"CPG-{entity.pk}-{kind}-{start:%Y%m%d}-v{version}-{uuid.uuid4().hex[:8]}"
        data = xml.write(entity=entity, kind=kind, start=start, end=end, version=version,
                         tracking_id=report.tracking_id, figures=figures, issued_at=now)
        if report.file:
            report.file.delete(save=False)
        report.file.save(report.file_name, ContentFile(data), save=False)
        report.sha256 = hashlib.sha256(data).hexdigest()
        report.figures, report.proof, report.state = summary, checked, ReportState.READY
        report.built_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save()
        record(actor=actor, action="ereport.built", obj=report, entity=entity,
               message=gettext_noop("E-report %(report)s built: its amounts match the books.") if checked["ok"]
               else gettext_noop("E-report %(report)s built: its amounts do not match the books."),
               params={"report": str(report.file_name)})
    return report


def send_report(*, actor, report: Report, client: pdp.FlowClient | None = None) -> Report:
    if actor is not None:
        require(actor, "ereporting.send_report", report)
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        if report.state != ReportState.READY:
            raise ValidationError({"state": _("This report is %(state)s: only a report ready to send is sent.")
                                   % {"state": report.get_state_display()}})
        if not report.proof.get("ok"):
            raise ValidationError({"proof": _("The report's amounts do not match the books: it is not sent. Build "
                                              "it again once the books are corrected.")})
        with report.file.open("rb") as handle:
            data = handle.read()
        try:
            flow = (client or pdp.FlowClient()).submit(
                data=data, name=report.file_name, syntax="FRR", processing_rule=PROCESSING_RULE[report.kind],
                tracking_id=report.tracking_id)
        except pdp.PlatformError as exc:
            raise ValidationError({"platform": _("The platform did not take the report: %(detail)s")
                                   % {"detail": str(exc)}}) from exc
        report.flow_id = str(flow.get("flowId") or "")
        report.state, report.sent_at = ReportState.SENT, timezone.now()
        report.save(update_fields=["flow_id", "state", "sent_at"])
        record(actor=actor, action="ereport.sent", obj=report, entity=report.entity,
               message=gettext_noop("E-report %(report)s sent to the platform."),
               params={"report": report.file_name})
    return report


def follow_reports(*, client: pdp.FlowClient | None = None) -> int:
    """Read the platform's acknowledgement of every sent report; returns how many changed."""
    client = client or pdp.FlowClient()
    changed = 0
    for report in Report.objects.filter(state=ReportState.SENT).exclude(flow_id=""):
        state, details = pdp.ack(client.metadata(report.flow_id))
        if state == "Pending":
            continue
        with transaction.atomic():
            locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
            if locked.state != ReportState.SENT:
                continue
            locked.state = ReportState.ACCEPTED if state == "Ok" else ReportState.REFUSED
            locked.detail = details
            locked.save(update_fields=["state", "detail"])
            record(actor=None, action=f"ereport.{locked.state}", obj=locked, entity=locked.entity,
                   message=gettext_noop("E-report %(report)s accepted by the platform.")
                   if locked.state == ReportState.ACCEPTED else gettext_noop("E-report %(report)s refused by the "
                                                                            "platform: %(detail)s"),
                   params={"report": locked.file_name, "detail": details or "—"})
        changed += 1
    return changed


def due_periods(entity, today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """The periods of the last two months that are over, for each report of the entity's regime."""
    regime = settings_for(entity).regime
    found = []
    first = today.replace(day=1)
    for back in (2, 1, 0):
        month_start = (first - datetime.timedelta(days=27 * back)).replace(day=1)
        for kind in ReportKind.values:
            for start, end in builder.periods(regime, kind, month_start.year, month_start.month):
                if end < today and (kind, start, end) not in found:
                    found.append((kind, start, end))
    return found
