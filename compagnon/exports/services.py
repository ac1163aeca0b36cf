"""Downloading an export is recorded in the entity's audit log (who took the books, when)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_noop

from compagnon.audit.services import record

from .catalogue import Export


def download(*, actor, entity, export: Export, year: int, **options) -> StreamingHttpResponse:
    name = export.filename(entity, year)
    record(
        actor=actor,
        action="exports.downloaded",
        obj=entity,
        entity=entity,
        message=gettext_noop("Export %(file)s downloaded"),
        params={"file": name},
    )
    response = StreamingHttpResponse(
        export.stream(entity, year, **options), content_type=export.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
