"""API of an issued document's e-invoice: download in any format, the validation report kept at
issue time, sending through Peppol.

The URLs stay under the document (``/api/v1/documents/<id>/einvoice/``…) but live here, not in
sales' API: e-invoicing builds on issued documents and sales never imports it (see
docs/decisions/0011-issue-steps-registry.md).
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from compagnon import permissions
from compagnon.sales.models import Document

from . import services
from .models import EInvoice


@extend_schema(tags=["sales"])
class DocumentEInvoiceViewSet(viewsets.GenericViewSet):
    """The e-invoice of a document you may see (the activities you work in or follow)."""

    def get_queryset(self):
        return permissions.scoped_by_activity(self.request.user, Document.objects.all()).select_related("entity")

    @extend_schema(
        parameters=[OpenApiParameter("type", str, enum=["ubl", "cii", "facturx"],
                                     description="default: the entity's format (BE: ubl, FR: facturx); "
                                                 "named 'type' because DRF reserves 'format'")],
        responses={(200, "application/octet-stream"): OpenApiResponse(
            description="UBL or CII XML (application/xml), or the Factur-X PDF (application/pdf)")},
    )
    @action(detail=True, methods=["get"], url_path="einvoice", url_name="einvoice")
    def einvoice(self, request, pk=None):
        """The e-invoice of an issued invoice or credit note, in any format."""
        document = self.get_object()
        fmt = request.query_params.get("type") or services.default_format(document.entity.jurisdiction)
        data, name, mime = services.download(document, fmt)
        response = HttpResponse(data, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(responses={200: OpenApiResponse(description="the validation report kept at issue time")})
    @action(detail=True, methods=["get"], url_path="einvoice-report", url_name="einvoice-report")
    def einvoice_report(self, request, pk=None):
        einvoice = EInvoice.objects.filter(document=self.get_object()).first()
        if einvoice is None:
            raise NotFound()
        return Response({"format": einvoice.format, "passed": einvoice.passed,
                         "validated_at": einvoice.validated_at, "report": einvoice.report})

    @extend_schema(request=None, responses={201: OpenApiResponse(description="the queued transmission")})
    @action(detail=True, methods=["post"], url_path="send-peppol", url_name="send-peppol")
    def send_peppol(self, request, pk=None):
        t = services.send_via_peppol(actor=request.user, document=self.get_object())
        return Response({"id": t.pk, "channel": t.channel, "recipient": t.recipient, "status": t.status},
                        status=status.HTTP_201_CREATED)
