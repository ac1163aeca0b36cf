"""Supplier invoices and suppliers through the API: list and read the invoices of the activities
you see, upload an e-invoice or a paper invoice's PDF/photo (multipart), complete, approve, refuse,
cancel and pay them; the suppliers of your entity. Same selectors, rules and services as the pages."""

from decimal import Decimal

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
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import id_param

from . import categories, selectors, services, suppliers, workflow
from .models import (
    Supplier,
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceVat,
    VatTreatment,
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
    "source",
    "supplier",
    "category",
    "status",
    "refusal_reason",
]


class SupplierInvoiceListSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: "kind" and "state" enums of other contexts share the names.
    kind = serializers.CharField(
        read_only=True, help_text="invoice or credit_note (empty when the file was rejected)."
    )
    state = serializers.CharField(
        read_only=True,
        help_text="draft (to check), to_approve (awaiting the second approval), approved (booked), "
        "in_batch (in a payment batch), paid, refused (see refusal_reason), cancelled, or rejected "
        "(not readable: see error).",
    )
    status = serializers.CharField(
        read_only=True,
        help_text="The state as people read it: an invoice whose transfer batch was cancelled is "
        "approved again.",
    )
    source = serializers.CharField(read_only=True, help_text="einvoice or paper.")
    supplier = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the supplier, once known.")
    category = serializers.CharField(read_only=True, help_text="What the purchase is for (decides the account).")

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
            "reading",
            "reading_state",
            "member_approved_at",
            "approved_at",
            "paid_at",
            "cancel_reason",
            "vat_treatment",
            "vat_treatment_suggested",
            "vat_treatment_hints",
            "reverse_charge_rate",
            "vat_treatment_confirmed_at",
            "credit_used",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **SupplierInvoiceListSerializer.Meta.extra_kwargs,
            "vat_treatment_hints": {"help_text": "Why it is suggested: [kind, value] pairs (code, country, mention, "
                                                 "no_vat)."},
        }

    # plain strings: both fields share one choice set (the schema would name it twice)
    vat_treatment = serializers.CharField(
        read_only=True, help_text="How the VAT is booked, as the accountant confirmed it: empty (as charged), "
        "eu_goods, eu_services, import_services or domestic (reverse charge: VAT due and deductible both booked).")
    vat_treatment_suggested = serializers.CharField(
        read_only=True, help_text="What the invoice suggests (same values), before the accountant confirms.")
    credit_used = serializers.SerializerMethodField(
        help_text="A credit note: how much of it was deducted from payments to the supplier so far.")

    def get_credit_used(self, obj) -> Decimal | None:
        if not obj.is_credit_note:
            return None
        from .payment import credit_used

        return credit_used(obj)

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_download(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-supplier-invoice-file", kwargs={"pk": obj.pk})
        )


class PaperUploadSerializer(serializers.Serializer):
    activity = ScopedActivityField(help_text="Id of the activity the invoice is for.")
    file = serializers.FileField(help_text="PDF or photo (JPEG, PNG, WebP) of the invoice; at most 20 MB.")


class VatRowSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="VAT rate in percent, e.g. 20.00")
    net = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Amount excl. VAT at this rate")
    vat = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="VAT at this rate")


class DetailsSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(required=False, allow_null=True, help_text="Id of a supplier of the entity")
    category = serializers.ChoiceField(choices=[c.key for c in categories.CATEGORIES], required=False,
                                       allow_blank=True)
    kind = serializers.ChoiceField(choices=["invoice", "credit_note"], required=False, allow_blank=True,
                                   help_text="Paper invoices only.")
    number = serializers.CharField(required=False, allow_blank=True, help_text="Paper invoices only.")
    issue_date = serializers.DateField(required=False, allow_null=True, help_text="Paper invoices only.")
    due_date = serializers.DateField(required=False, allow_null=True,
                                     help_text="Empty: the supplier's terms (an e-invoice keeps its own).")
    payment_reference = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    vat = VatRowSerializer(many=True, required=False, help_text="Paper invoices only: amounts per VAT rate.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Why (read by the member).")


class VatTreatmentSerializer(serializers.Serializer):
    treatment = serializers.CharField(allow_blank=True, max_length=16,
                                      help_text="Empty: the VAT as the supplier charged it; else the reverse-charge "
                                                "case: " + ", ".join(c for c in VatTreatment.values if c) + ".")
    rate = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, allow_null=True,
                                    help_text="The VAT rate to self-assess (default: the standard rate).")


class PaySerializer(serializers.Serializer):
    batch = serializers.IntegerField(help_text="Id of a draft transfer batch of the invoices' entity")
    invoices = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "entity", "name", "country", "company_number", "vat_number", "iban", "bic", "street",
                  "postcode", "city", "email", "category", "payment_days", "created_at", "updated_at"]
        read_only_fields = ["id", "entity", "created_at", "updated_at"]
        validators = []  # the service checks duplicates, naming the supplier that has the number
        extra_kwargs = {"category": {"help_text": "Usual category of its invoices (a key of the categories)"}}

    def validate(self, attrs):
        return attrs  # the service checks identifiers, IBAN and duplicates with the pages' messages


@extend_schema(tags=["purchases"])
class SupplierViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Suppliers of your entity, shared by its members. Members add them; accountants change them
    (an IBAN decides who is paid). Identifiers are checked: SIREN/SIRET (Luhn), KBO/BCE (mod 97),
    EU VAT numbers, IBAN and BIC."""

    serializer_class = SupplierSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Supplier.objects.none()
        return selectors.suppliers(self.request.user)

    def get_object(self):
        try:
            return selectors.supplier(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    def _entity(self):
        from compagnon import permissions as perms

        scope = perms.scope_for(self.request.user)
        entity_id = scope.member_entity_id if scope.member_active else None
        entity_id = entity_id or next(iter(sorted(perms.money_entities(self.request.user))), None)
        entity = perms.entities(self.request.user).filter(pk=entity_id).first() if entity_id else None
        if entity is None:
            raise Http404
        return entity

    def create(self, request, *args, **kwargs):
        data = SupplierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = suppliers.save_supplier(actor=request.user, entity=self._entity(), **data.validated_data)
        return Response(SupplierSerializer(supplier).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        supplier = self.get_object()
        data = SupplierSerializer(supplier, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {f: getattr(supplier, f) for f in suppliers.FIELDS} | dict(data.validated_data)
        supplier = suppliers.save_supplier(actor=request.user, entity=supplier.entity, supplier=supplier, **values)
        return Response(SupplierSerializer(supplier).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema(tags=["purchases"])
class SupplierInvoiceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices and credit notes received from suppliers by the activities you see.

    POST a file (multipart: ``activity``, ``file``) to receive one. The answer is 201 with the
    supplier invoice: ``state`` "draft" with what was read and its ``validation_report``, or
    "rejected" when the file is no readable e-invoice (``error`` names the problem and
    ``error_line`` the line); the file is kept either way. The same file sent twice to an
    activity is refused (400, ``file``).
    """

    parser_classes = [MultiPartParser, FormParser, JSONParser]

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

    def _detail(self, request, invoice, code=status.HTTP_200_OK):
        invoice = selectors.supplier_invoice_detail(request.user, invoice.pk)
        return Response(SupplierInvoiceSerializer(invoice, context={"request": request}).data, status=code)

    @extend_schema(request=PaperUploadSerializer, responses={201: SupplierInvoiceSerializer})
    @action(detail=False, methods=["post"], url_path="paper", url_name="paper")
    def paper(self, request):
        """A paper invoice: its PDF or photo is kept as a draft (``source`` paper) and read in the
        background (``reading``, ``reading_state``); complete it with ``details``. A Factur-X PDF
        is received as an e-invoice instead."""
        upload = PaperUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        invoice = workflow.enter_paper_invoice(actor=request.user, activity=upload.validated_data["activity"],
                                               uploaded_file=upload.validated_data["file"])
        return self._detail(request, invoice, status.HTTP_201_CREATED)

    @extend_schema(request=DetailsSerializer, responses={200: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="details", url_name="details")
    def details(self, request, pk=None):
        """Supplier, category and (paper invoices) number, dates and amounts per VAT rate."""
        invoice = self.get_object()
        data = DetailsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supplier_id = values.pop("supplier", None)
        supplier = None
        if supplier_id:
            supplier = selectors.suppliers(request.user).filter(pk=supplier_id, entity_id=invoice.entity_id).first()
            if supplier is None:
                raise serializers.ValidationError({"supplier": ["Unknown supplier for this entity."]})
        rows = [(r["rate"], r["net"], r["vat"]) for r in values.pop("vat", [])]
        invoice = workflow.save_details(actor=request.user, invoice=invoice, supplier=supplier, vat_rows=rows,
                                        **values)
        return self._detail(request, invoice)

    @extend_schema(request=None, responses={200: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="approve", url_name="approve")
    def approve(self, request, pk=None):
        """The member's approval (books it, or sends it to the second approval above the
        threshold), or the advisor's/accountant's second approval."""
        return self._detail(request, workflow.approve(actor=request.user, invoice=self.get_object()))

    @extend_schema(request=ReasonSerializer, responses={200: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="refuse", url_name="refuse")
    def refuse(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = workflow.refuse(actor=request.user, invoice=self.get_object(),
                                  reason=data.validated_data.get("reason", ""))
        return self._detail(request, invoice)

    @extend_schema(request=ReasonSerializer, responses={200: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel")
    def cancel(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = workflow.cancel(actor=request.user, invoice=self.get_object(),
                                  reason=data.validated_data.get("reason", ""))
        return self._detail(request, invoice)

    @extend_schema(request=VatTreatmentSerializer, responses={200: SupplierInvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="vat-treatment", url_name="vat-treatment")
    def vat_treatment(self, request, pk=None):
        """The accountant confirms how the VAT is booked (reverse charge or not), before booking."""
        from . import vat

        data = VatTreatmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = vat.confirm(actor=request.user, invoice=self.get_object(),
                              treatment=data.validated_data["treatment"], rate=data.validated_data.get("rate"))
        return self._detail(request, invoice)

    @extend_schema(request=PaySerializer, responses={200: SupplierInvoiceListSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="pay", url_name="pay")
    def pay(self, request):
        """Put approved invoices in a draft transfer batch (accountants): one transfer each, or one per
        supplier and activity less the supplier's credit notes (see docs/purchases.md)."""
        from compagnon import permissions as perms
        from compagnon.payouts.models import PayoutBatch

        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = PayoutBatch.objects.filter(pk=data.validated_data["batch"],
                                           entity_id__in=perms.money_entities(request.user)).first()
        if batch is None:
            raise Http404
        wanted = set(data.validated_data["invoices"])
        invoices = list(selectors.supplier_invoices(request.user).filter(pk__in=wanted))
        if len(invoices) != len(wanted):
            raise Http404
        done = workflow.add_to_batch(actor=request.user, batch=batch, invoices=invoices)
        return Response(SupplierInvoiceListSerializer(done, many=True, context={"request": request}).data)
