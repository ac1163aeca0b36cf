"""Background work of home services. Arguments are plain JSON values; every task may run twice.

* ``add_validated_sheet`` — a sheet was validated: put it on its period's draft invoice and make
  the client's survey (enqueued by the ``sheet_validated`` receiver, after the sheet's commit).
* ``render_certificates`` — draw a batch of tax certificates' PDFs (certificate_pdf.py), archive
  them, email each client their link. The January run enqueues one task per 100 certificates: as
  many worker processes as run render in parallel.
* ``send_urssaf_request`` — an invoice of an immediate-advance contract was issued: send URSSAF its
  payment request when the client is registered.
"""

from __future__ import annotations

from django_tasks import task


@task()
def add_validated_sheet(*, sheet_id: int) -> int | None:
    from compagnon.interventions.models import Sheet

    from . import invoicing, surveys

    sheet = (
        Sheet.objects.select_related("visit__contract", "visit__client").filter(pk=sheet_id).first()
    )
    if sheet is None:
        return None
    field_invoice = invoicing.add_sheet(sheet=sheet)
    survey = surveys.for_sheet(sheet)
    if survey is not None and survey.month is None:
        surveys.send(survey)
    return field_invoice.pk if field_invoice else None


@task()
def render_certificates(*, certificate_ids: list[int]) -> int:
    """Render, archive and email a batch of certificates (the January run enqueues one task per
    ``certificates.TASK_BATCH``: the worker processes share the batches)."""
    from . import certificates

    return len(certificates.archive_many(certificate_ids))


@task()
def send_urssaf_request(*, document_id: int, user_id: int) -> str:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from compagnon.sales.models import Document

    from . import immediate
    from .models import UrssafClient

    document = Document.objects.select_related("activity", "entity", "client").get(pk=document_id)
    if not UrssafClient.objects.filter(client_id=document.client_id).exists():
        return "client not registered"
    user = get_user_model().objects.get(pk=user_id)
    try:
        return immediate.request_payment(actor=user, document=document).urssaf_id
    except ValidationError as exc:
        return " ".join(exc.messages)
