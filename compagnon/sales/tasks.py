from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django_tasks import task

from . import steps
from .pdf import render_pdf, sha256


@task()
def render_document_pdf(*, document_id: int) -> str:
    """Render and archive a document's PDF from its frozen content. Idempotent: an archived PDF
    is never rendered again (its hash is part of the legal record).

    The PDF steps registered in :mod:`compagnon.sales.steps` run on it first (e-invoicing: the CII
    goes inside a Factur-X, a UBL is archived beside it)."""
    from .models import Document

    with transaction.atomic():
        document = Document.objects.select_for_update(of=("self",)).get(pk=document_id)
        if document.pdf:
            return document.pdf.name
        data = render_pdf(document.frozen)
        if document.is_legal:
            data = steps.run_pdf_steps(document, data)
        name = f"{document.number or document.pk}.pdf".replace("/", "-")
        document.pdf.save(name, ContentFile(data), save=False)
        document.pdf_sha256 = sha256(data)
        document.save(update_fields=["pdf", "pdf_sha256"])
        return document.pdf.name


@task(priority=10)
def render_draft_pdf(*, document_id: int) -> str:
    """Render a draft's PDF into the preview cache (``pdf_cache.prepared`` asks for it when a member
    downloads the draft PDF). Before the archived PDFs in the queue: a member is waiting for it.
    Nothing is written to the database; a document issued or deleted meanwhile is skipped."""
    from . import pdf_cache
    from .models import Document, State

    document = Document.objects.filter(pk=document_id, state=State.DRAFT).first()
    if document is None:
        return ""
    return pdf_cache.render_for_worker(document)


def archived_pdf(document) -> tuple[bytes, str]:
    """The archived PDF's bytes and SHA-256, archiving it first if the background task has not yet."""
    if not document.pdf:
        render_document_pdf.call(document_id=document.pk)
        document.refresh_from_db(fields=["pdf", "pdf_sha256"])
    with document.pdf.open("rb") as f:
        data = f.read()
    digest = sha256(data)
    if document.pdf_sha256 and not constant_time_compare(digest, document.pdf_sha256):
        raise RuntimeError(f"The archived PDF of document {document.pk} does not match its recorded SHA-256.")
    return data, digest
