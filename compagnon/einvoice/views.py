"""The e-invoice of a document: downloads in every format, the validation report, Peppol sending."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.views_helpers import get_or_404
from compagnon.sales import selectors

from . import explain, services
from .models import EInvoice, Format


def panel_context(request, document) -> dict:
    einvoice = EInvoice.objects.filter(document=document).first()
    user = request.user
    can_send = (user.has_perm("sales.change_document", document) and einvoice is not None
                and bool(services.peppol_recipient(document)))
    return {
        "document": document,
        "einvoice": einvoice,
        "explained": explain.explain_report(einvoice.report.get("fired", [])) if einvoice else [],
        "formats": Format.choices,
        "transmissions": list(document.transmissions.all()[:10]),
        "peppol_recipient": services.peppol_recipient(document),
        "can_send_peppol": can_send,
        "request": request,
    }


@login_required
@require_GET
def download(request, pk, fmt):
    document = get_or_404(selectors.document_detail, request.user, pk)
    try:
        data, name, mime = services.download(document, fmt)
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report(request, pk):
    document = get_or_404(selectors.document_detail, request.user, pk)
    einvoice = EInvoice.objects.filter(document=document).first()
    if einvoice is None:
        raise Http404
    fired = einvoice.report.get("fired", [])
    return render(request, "einvoice/report.html", {"document": document, "einvoice": einvoice, "fired": fired,
                                                    "explained": explain.explain_report(fired)})


@login_required
@require_POST
def send_peppol(request, pk):
    document = get_or_404(selectors.document_detail, request.user, pk)
    try:
        transmission = services.send_via_peppol(actor=request.user, document=document)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("E-invoice queued for the Peppol network, to %(to)s.") % {
            "to": transmission.recipient})
    return redirect("document-detail", pk=pk)
