"""An invoice issued from a quote of a job joins the job's thread (``sales.steps.on_issued``)."""

from __future__ import annotations

from .models import JobDocument


def link_from_quote(document, *, actor=None, **kwargs):
    quote_id = getattr(document, "quote_id", None)
    if not quote_id:
        return
    job_ids = JobDocument.objects.filter(document_id=quote_id).values_list("job_id", flat=True)
    JobDocument.objects.bulk_create(
        [JobDocument(job_id=j, document=document) for j in job_ids], ignore_conflicts=True
    )


def connect():
    from compagnon.sales.steps import on_issued

    on_issued("jobs.link_invoice", link_from_quote, order=500)
