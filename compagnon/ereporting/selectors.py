"""Reads of e-reporting, always within the entities whose books the user keeps."""

from __future__ import annotations

from django.db.models import QuerySet

from compagnon.sales.models import Document

from .models import Report
from .rules import entity_ids


def reports(user) -> QuerySet[Report]:
    return Report.objects.filter(entity_id__in=entity_ids(user)).select_related("entity")


def report(user, pk) -> Report | None:
    try:
        return reports(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def latest_reports(entity) -> list[Report]:
    """The last version of each (kind, period) of the entity, recent periods first."""
    seen, latest = set(), []
    for r in Report.objects.filter(entity=entity).order_by("-period_start", "kind", "-version")[:500]:
        if (r.kind, r.period_start) not in seen:
            seen.add((r.kind, r.period_start))
            latest.append(r)
    return latest


def versions(report: Report) -> QuerySet[Report]:
    return Report.objects.filter(entity_id=report.entity_id, kind=report.kind,
                                 period_start=report.period_start).order_by("-version")


def report_documents(report: Report) -> QuerySet[Document]:
    ids = report.figures.get("documents", [])
    return (Document.objects.filter(entity_id=report.entity_id, pk__in=ids).select_related("client", "activity")
            .order_by("issue_date", "number"))
