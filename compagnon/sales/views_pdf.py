from django.http import FileResponse, HttpResponse

from .freeze import snapshot
from .pdf import render_pdf


def pdf_response(document):
    """The archived PDF of an issued or sent document; a rendered preview for a draft."""
    if document.pdf:
        response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.number or document.pk}.pdf"'
        return response
    data = render_pdf(document.frozen if document.frozen else snapshot(document, freeze_logo=False))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draft-{document.pk}.pdf"'
    return response
