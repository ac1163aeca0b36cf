from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from .pdf import render_pdf, sha256


@task()
def render_document_pdf(*, document_id: int) -> str:
    """Render and archive a document's PDF from its frozen content. Idempotent: an archived PDF
    is never rendered again (its hash is part of the legal record)."""
    from .models import Document

    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.pdf:
            return document.pdf.name
        data = render_pdf(document.frozen)
        if document.is_legal:
            from compagnon.einvoice.services import archive

            data = archive(document, data)  # Factur-X: the CII goes inside; UBL: archived beside
        name = f"{document.number or document.pk}.pdf".replace("/", "-")
        document.pdf.save(name, ContentFile(data), save=False)
        document.pdf_sha256 = sha256(data)
        document.save(update_fields=["pdf", "pdf_sha256"])
        return document.pdf.name
