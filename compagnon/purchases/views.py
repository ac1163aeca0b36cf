"""Pages: the supplier invoices of an activity, with the upload form, and one invoice with what
was read from it and its validation report.

Everything lives under an activity (/activities/<pk>/supplier-invoices/): the activity and the
invoice come from the permission layer (404 outside the user's scope); uploading needs the
``members.change_activity`` rule (403 for people who only follow the activity, e.g. advisors).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors, get_or_404

from . import selectors, services
from .forms import UploadForm
from .models import SupplierInvoice, Syntax
from .views_workflow import workflow_context

# Attachments are always downloaded, never shown inline; these types keep their own name.
KNOWN_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/csv",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _activity(request, pk):
    activity = get_or_404(selectors.activity, request.user, pk)
    activity.can_receive = services.may_receive(request.user, activity)
    return activity


def _list_context(request, activity, form):
    qs = selectors.supplier_invoice_list(request.user, activity_id=activity.pk)
    return {
        "activity": activity,
        "form": form,
        "page": paginate(request, qs, 25),
    }


@login_required
def invoice_list(request, pk):
    activity = _activity(request, pk)
    if request.method != "POST":
        return render(
            request, "purchases/invoice_list.html", _list_context(request, activity, UploadForm())
        )
    if not activity.can_receive:
        raise PermissionDenied(
            _("Only the holders of this activity can add its supplier invoices.")
        )
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            invoice = services.upload_supplier_invoice(
                actor=request.user, activity=activity, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _say_how_it_went(request, invoice)
            return redirect("supplier-invoice-detail", pk=activity.pk, invoice_pk=invoice.pk)
    return render(
        request, "purchases/invoice_list.html", _list_context(request, activity, form), status=400
    )


def _say_how_it_went(request, invoice: SupplierInvoice) -> None:
    if invoice.is_rejected:
        messages.error(
            request,
            _("This file could not be read as an e-invoice. It is kept; see why below."),
        )
    elif invoice.validation_report.get("error"):
        messages.warning(
            request,
            _("Invoice %(number)s received, but it could not be checked against the rules.")
            % {"number": invoice.number},
        )
    elif invoice.validation_passed:
        messages.success(
            request,
            _("Invoice %(number)s from %(supplier)s received; it passes the rules.")
            % {"number": invoice.number, "supplier": invoice.supplier_name},
        )
    else:
        messages.warning(
            request,
            _(
                "Invoice %(number)s from %(supplier)s received, but it breaks some rules: see "
                "the validation report."
            )
            % {"number": invoice.number, "supplier": invoice.supplier_name},
        )


def _invoice(request, pk, invoice_pk) -> SupplierInvoice:
    return get_or_404(selectors.supplier_invoice_detail, request.user, invoice_pk, activity_id=pk)


@login_required
def invoice_detail(request, pk, invoice_pk):
    invoice = _invoice(request, pk, invoice_pk)
    report = invoice.validation_report
    return render(
        request,
        "purchases/invoice_detail.html",
        {
            "invoice": invoice,
            "activity": invoice.activity,
            "report": report,
            "errors": invoice.fired_errors,
            "warnings": invoice.fired_warnings,
            "lines": list(invoice.lines.all()),
            "vat_lines": list(invoice.vat_lines.all()),
            "attachments": list(invoice.attachments.all()),
            **workflow_context(request, invoice),
        },
    )


@login_required
def invoice_file(request, pk, invoice_pk):
    """The file exactly as it was received."""
    invoice = _invoice(request, pk, invoice_pk)
    if invoice.file_type:
        content_type = invoice.file_type
    elif invoice.syntax == Syntax.FACTUR_X or invoice.original_name.lower().endswith(".pdf"):
        content_type = "application/pdf"
    elif invoice.syntax:
        content_type = "application/xml"
    else:
        content_type = "application/octet-stream"
    return FileResponse(
        invoice.file.open("rb"),
        as_attachment=True,
        filename=invoice.original_name or "invoice",
        content_type=content_type,
    )


@login_required
def attachment_file(request, pk, invoice_pk, attachment_pk):
    invoice = _invoice(request, pk, invoice_pk)
    attachment = get_or_404(selectors.attachment, request.user, invoice, attachment_pk)
    if not attachment.file:
        raise Http404  # an external reference: nothing to download
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename or "attachment",
        content_type=attachment.mime_type
        if attachment.mime_type in KNOWN_TYPES
        else "application/octet-stream",
    )
