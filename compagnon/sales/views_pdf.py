"""PDF answers shared by the document page and the API."""

from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from .freeze import snapshot
from .pdf_cache import cached_pdf, content_digest, prepared


def rendered_pdf_response(request, document, snap: dict, *, filename: str, pending=None) -> HttpResponse:
    """The PDF of ``snap`` (a draft's, or an issued document's before it is archived), rendered
    once per content (``pdf_cache``). The caller has already checked the user may read it.

    ``private, no-cache`` + ETag: the browser keeps the PDF, asks again each time and gets 304
    while the content is unchanged — before the cache is even read."""
    digest = content_digest(document, snap)
    etag = f'W/"{digest}"'  # weak: a render after expiry may differ in its metadata, not in print
    response = get_conditional_response(request, etag=etag)
    if response is None:
        data = prepared(document, snap, digest) if pending is not None else cached_pdf(digest, snap)
        if data is None:
            return pending()
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


def pdf_response(document, request):
    """The archived PDF of an issued or sent document; a rendered preview for a draft."""
    if document.pdf:
        response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.number or document.pk}.pdf"'
        return response
    if document.frozen and not document.is_draft:
        snap = document.frozen
    else:
        snap = snapshot(document, freeze_logo=False)
    return rendered_pdf_response(request, document, snap, filename=f"draft-{document.pk}.pdf")
