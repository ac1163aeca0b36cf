"""Supplier invoices through the API: list and read those of the activities you see, upload a
file (multipart) to receive one. Same selectors and service as the pages."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import id_param

from . import selectors, services
from .models import (
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceVat,
)
from .views import KNOWN_TYPES


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    """An activity the requesting user can see (others do not exist for them)."""

    def get_queryset(self):
        return permissions.activities(self.context["request"].user)


class UploadSerializer(serializers.Serializer):
    activity = ScopedActivityField(help_text="Id of the activity receiving the invoice.")
    file = serializers.FileField(
        help_text="UBL invoice or credit note, CII XML, or Factur-X / ZUGFeRD PDF; at most 20 MB."
    )


class SupplierInvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierInvoiceLine
        fields = [
            "position",
            "line_id",
            "description",
            "detail",
            "quantity",
            "unit_code",
            "unit_price",
            "base_quantity",
            "net_amount",
            "vat_category",
            "vat_rate",
        ]
        read_only_fields = fields


class SupplierInvoiceVatSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierInvoiceVat
        fields = [
            "category",
            "rate",
            "taxable_amount",
            "tax_amount",
            "exemption_reason",
            "exemption_code",
        ]
        read_only_fields = fields


class SupplierInvoiceAttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(
        help_text="Where to download the file; null for an external reference (see uri)."
    )

    class Meta:
        model = SupplierInvoiceAttachment
        fields = [
            "id",
            "document_id",
            "description",
            "filename",
            "mime_type",
            "size",
            "uri",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, obj) -> str | None:
        if not obj.file:
            return None
        return self.context["request"].build_absolute_uri(
            reverse(
                "api-supplier-invoice-attachment",
                kwargs={"pk": obj.invoice_id, "attachment_pk": obj.pk},
            )
        )


SUMMARY_FIELDS = [
    "id",
    "activity",
    "kind",
    "state",
    "original_name",
    "error",
    "error_line",
    "syntax",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "supplier_name",
    "tax_inclusive",
    "payable",
    "validation_passed",
    "created_at",
]


class SupplierInvoiceListSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: "kind" and "state" enums of other contexts share the names.
    kind = serializers.CharField(
        read_only=True, help_text="invoice or credit_note (empty when the file was rejected)."
    )
    state = serializers.CharField(
        read_only=True, help_text="draft (read), or rejected (not readable: see error)."
    )

    class Meta:
        model = SupplierInvoice
        fields = SUMMARY_FIELDS
        read_only_fields = fields
        extra_kwargs = {
            "error": {"help_text": "Why the file could not be read (rejected only)."},
            "error_line": {"help_text": "Line of the file where the problem is, when known."},
        }


class SupplierInvoiceSerializer(SupplierInvoiceListSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    lines = SupplierInvoiceLineSerializer(many=True, read_only=True)
    vat_breakdown = SupplierInvoiceVatSerializer(many=True, read_only=True, source="vat_lines")
    attachments = SupplierInvoiceAttachmentSerializer(many=True, read_only=True)
    file_download = serializers.SerializerMethodField(help_text="The original file, as received.")

    class Meta:
        model = SupplierInvoice
        fields = [
            *SUMMARY_FIELDS,
            "file_size",
            "sha256",
            "type_code",
            "customization_id",
            "supplier_trading_name",
            "supplier_vat_id",
            "supplier_company_id",
            "supplier_company_id_scheme",
            "supplier_endpoint",
            "supplier_endpoint_scheme",
            "supplier_street",
            "supplier_additional_street",
            "supplier_postcode",
            "supplier_city",
            "supplier_country",
            "supplier_iban",
            "supplier_bic",
            "buyer_name",
            "buyer_vat_id",
            "buyer_company_id",
            "buyer_reference",
            "order_reference",
            "preceding_invoice",
            "payment_reference",
            "payment_means_code",
            "payment_terms",
            "notes",
            "line_total",
            "allowance_total",
            "charge_total",
            "tax_exclusive",
            "tax_total",
            "prepaid",
            "rounding",
            "lines",
            "vat_breakdown",
            "attachments",
            "validation_report",
            "created_by",
            "file_download",
        ]
        read_only_fields = fields
        extra_kwargs = SupplierInvoiceListSerializer.Meta.extra_kwargs

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_download(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-supplier-invoice-file", kwargs={"pk": obj.pk})
        )


@extend_schema(tags=["purchases"])
class SupplierInvoiceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices and credit notes received from suppliers by the activities you see.

    POST a file (multipart: ``activity``, ``file``) to receive one. The answer is 201 with the
    supplier invoice: ``state`` "draft" with what was read and its ``validation_report``, or
    "rejected" when the file is no readable e-invoice (``error`` names the problem and
    ``error_line`` the line); the file is kept either way. The same file sent twice to an
    activity is refused (400, ``file``).
    """

    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return SupplierInvoiceListSerializer if self.action == "list" else SupplierInvoiceSerializer

    def _activity_id(self) -> int | None:
        pk = id_param(self.request, "activity")  # malformed: 400 naming the parameter
        if pk is None:
            return None
        try:
            return selectors.activity(self.request.user, pk).pk
        except ObjectDoesNotExist:
            raise Http404 from None  # someone else's activity does not exist for this user

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupplierInvoice.objects.none()
        if self.action == "list":
            return selectors.supplier_invoice_list(
                self.request.user, activity_id=self._activity_id()
            )
        return selectors.supplier_invoices(self.request.user).select_related("created_by")

    def get_object(self):
        try:
            return selectors.supplier_invoice_detail(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "activity", int, description="Only this activity's invoices (404 if not yours)"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=UploadSerializer, responses={201: SupplierInvoiceSerializer})
    def create(self, request, *args, **kwargs):
        upload = UploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        invoice = services.upload_supplier_invoice(
            actor=request.user,
            activity=upload.validated_data["activity"],
            uploaded_file=upload.validated_data["file"],
        )
        invoice = selectors.supplier_invoice_detail(request.user, invoice.pk)
        return Response(
            SupplierInvoiceSerializer(invoice, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The original file (XML or PDF), as received"
            )
        }
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, pk=None):
        invoice = self.get_object()
        pdf = invoice.original_name.lower().endswith(".pdf") or invoice.syntax == "factur-x"
        return FileResponse(
            invoice.file.open("rb"),
            as_attachment=True,
            filename=invoice.original_name or "invoice",
            content_type="application/pdf" if pdf else "application/xml",
        )

    @extend_schema(
        parameters=[OpenApiParameter("attachment_pk", int, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="An attached file")
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        invoice = self.get_object()
        try:
            attachment = selectors.attachment(request.user, invoice, int(attachment_pk))
        except ObjectDoesNotExist:
            raise Http404 from None
        if not attachment.file:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename or "attachment",
            content_type=attachment.mime_type
            if attachment.mime_type in KNOWN_TYPES
            else "application/octet-stream",
        )
