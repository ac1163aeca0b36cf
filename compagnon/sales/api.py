"""API for quotes, invoices and credit notes: CRUD on drafts, transitions as actions, PDF."""

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import choice_param, id_param

from . import services
from .models import (
    CHARGE_REASON_REQUIRED,
    CatalogueItem,
    Document,
    DocumentLine,
    Kind,
    PaymentState,
    State,
    VatBreakdown,
)


class LineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentLine
        fields = [
            "kind",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "discount_percent",
            "vat_category",
            "vat_rate",
            "net_amount",
        ]
        read_only_fields = ["net_amount"]


class VatSerializer(serializers.ModelSerializer):
    class Meta:
        model = VatBreakdown
        fields = ["category", "rate", "taxable_amount", "tax_amount", "allowance_amount", "charge_amount"]


class EInvoiceSummarySerializer(serializers.Serializer):
    format = serializers.CharField()
    passed = serializers.BooleanField()
    validated_at = serializers.DateTimeField()
    archived_at = serializers.DateTimeField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, required=False)
    einvoice = serializers.SerializerMethodField()
    vat_breakdown = VatSerializer(many=True, read_only=True)
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    pdf_url = serializers.SerializerMethodField()
    payment_state = serializers.ChoiceField(
        choices=PaymentState.choices, read_only=True,
        help_text="Issued invoices and deposits: awaiting, partial or paid (kept by bank "
        "reconciliation); none for drafts, quotes, statements and credit notes.",
    )
    paid_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True,
        help_text="What bank payments and credits have settled so far.",
    )
    amount_due = serializers.SerializerMethodField(
        help_text="payable − paid_amount: what the client still owes; null when no payment is "
        "expected (payment_state none).",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "state",
            "number",
            "activity",
            "client",
            "issue_date",
            "due_date",
            "valid_until",
            "language",
            "title",
            "intro",
            "closing",
            "terms",
            "buyer_reference",
            "order_reference",
            "exemption_code",
            "discount_percent",
            "discount_amount",
            "charge_amount",
            "charge_reason",
            "quote",
            "credited",
            "currency",
            "line_total",
            "allowance_total",
            "charge_total",
            "tax_exclusive",
            "tax_total",
            "tax_inclusive",
            "prepaid",
            "payable",
            "lines",
            "vat_breakdown",
            "pdf_url",
            "payment_reference",
            "payment_state",
            "paid_amount",
            "amount_due",
            "einvoice",
            "created_at",
            "updated_at",
            "issued_at",
        ]
        read_only_fields = [
            "payment_reference",
            "payment_state",
            "paid_amount",
            "amount_due",
            "id",
            "state",
            "number",
            "issue_date",
            "due_date",
            "quote",
            "credited",
            "currency",
            "line_total",
            "allowance_total",
            "charge_total",
            "tax_exclusive",
            "tax_total",
            "tax_inclusive",
            "prepaid",
            "payable",
            "created_at",
            "updated_at",
            "issued_at",
        ]

    @extend_schema_field(EInvoiceSummarySerializer(allow_null=True))
    def get_einvoice(self, obj):
        from django.core.exceptions import ObjectDoesNotExist

        try:
            e = obj.einvoice  # e-invoicing's reverse relation: no import of the app above sales
        except ObjectDoesNotExist:
            return None
        return {"format": e.format, "passed": e.passed, "validated_at": e.validated_at, "archived_at": e.archived_at}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = permissions.scoped_by_activity(
                request.user, Client.objects.all()
            )
            self.fields["activity"].queryset = permissions.activities(request.user)
        if (
            self.instance is not None
            and not isinstance(self.instance, list | tuple)
            and hasattr(self.instance, "pk")
        ):
            self.fields["kind"].read_only = True
            self.fields["activity"].read_only = True
            self.fields["client"].read_only = True

    @extend_schema_field(
        serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, read_only=True)
    )
    def get_amount_due(self, obj):
        # The same figure as the money page's "still due" (payments.selectors.OUTSTANDING), read
        # from the row itself: no query per document.
        if obj.payment_state == PaymentState.NONE:
            return None
        return f"{obj.payable - obj.paid_amount:.2f}"

    def get_pdf_url(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None:
            return None
        return request.build_absolute_uri(f"/api/v1/documents/{obj.pk}/pdf/")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        current = self.instance if isinstance(self.instance, Document) else None
        amount = attrs.get("charge_amount", getattr(current, "charge_amount", None))
        reason = attrs.get("charge_reason", getattr(current, "charge_reason", ""))
        if amount and not (reason or "").strip():
            raise serializers.ValidationError({"charge_reason": [CHARGE_REASON_REQUIRED]})
        return attrs


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(
        choices=[State.SENT, State.ACCEPTED, State.REFUSED, State.EXPIRED, State.IN_PRODUCTION]
    )


class InvoiceFromQuoteSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["final", "deposit", "partial"])
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class CreditNoteSerializer(serializers.Serializer):
    lines = LineSerializer(many=True, required=False, help_text="Omit to credit the whole invoice.")


def _lines(data) -> list[dict] | None:
    if data is None:
        return None
    return [{k: v for k, v in row.items() if k != "net_amount"} for row in data]


@extend_schema(tags=["sales"])
class DocumentViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Quotes, invoices, deposit invoices and credit notes of the activities you work in or follow.

    Drafts are created, updated (lines replaced as a whole) and deleted; everything after that is an
    action: `issue`, `transition` (quotes), `invoice` (from a quote), `credit-note`, `duplicate`.
    """

    serializer_class = DocumentSerializer

    def get_queryset(self):
        qs = (
            permissions.scoped_by_activity(self.request.user, Document.objects.defer("frozen"))
            .select_related("einvoice")
            .defer("einvoice__report")
            .prefetch_related(
                Prefetch("lines", queryset=DocumentLine.objects.order_by("position", "id")),
                "vat_breakdown",
            )
            .order_by("-created_at", "-id")
        )
        request = self.request
        if kind := choice_param(request, "kind", Kind.values):
            qs = qs.filter(kind=kind)
        if state := choice_param(request, "state", State.values):
            qs = qs.filter(state=state)
        for field in ("activity", "client"):
            if (pk := id_param(request, field)) is not None:
                qs = qs.filter(**{f"{field}_id": pk})
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("activity", int),
            OpenApiParameter("client", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lines = _lines(data.pop("lines", None))
        serializer.instance = services.create_document(
            actor=self.request.user,
            activity=data.pop("activity"),
            client=data.pop("client"),
            kind=data.pop("kind"),
            lines=lines,
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        lines = _lines(data.pop("lines", None))
        serializer.instance = services.save_draft(
            actor=self.request.user, document=serializer.instance, lines=lines, **data
        )

    def perform_destroy(self, instance):
        services.delete_draft(actor=self.request.user, document=instance)

    def _fresh(self, document, code=status.HTTP_200_OK):
        return Response(
            self.get_serializer(self.get_queryset().get(pk=document.pk)).data, status=code
        )

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._fresh(services.issue_document(actor=request.user, document=self.get_object()))

    @extend_schema(request=TransitionSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(
            services.change_quote_state(
                actor=request.user, document=self.get_object(), **data.validated_data
            )
        )

    @extend_schema(request=InvoiceFromQuoteSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def invoice(self, request, pk=None):
        data = InvoiceFromQuoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        doc = services.invoice_from_quote(
            actor=request.user,
            quote=self.get_object(),
            mode=v["mode"],
            percent=v.get("percent"),
            amount=v.get("amount"),
        )
        return self._fresh(doc, status.HTTP_201_CREATED)

    @extend_schema(request=CreditNoteSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, pk=None):
        data = CreditNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        doc = services.credit_note_for(
            actor=request.user,
            invoice=self.get_object(),
            lines=_lines(data.validated_data.get("lines")),
        )
        return self._fresh(doc, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        return self._fresh(
            services.duplicate_document(actor=request.user, document=self.get_object()),
            status.HTTP_201_CREATED,
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                description="The archived PDF (drafts: a preview)"
            )
        }
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        document = self.get_object()
        from .views_pdf import pdf_response

        return pdf_response(document, request)

    # The e-invoice actions (einvoice/, einvoice-report/, send-peppol/ under a document) live in
    # compagnon/einvoice/api.py: e-invoicing builds on sales, sales never imports it.


class CatalogueSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "activity",
            "name",
            "description",
            "unit",
            "unit_price",
            "vat_category",
            "vat_rate",
            "is_goods",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["activity"].queryset = permissions.activities(request.user)

    def validate(self, attrs):
        from compagnon.jurisdictions.base import ZERO_RATE_CATEGORIES

        cat, rate = attrs.get("vat_category", "S"), attrs.get("vat_rate", Decimal("20"))
        if cat in ZERO_RATE_CATEGORIES and rate != 0:
            raise serializers.ValidationError(
                {"vat_rate": ["The VAT rate must be 0 for this category."]}
            )
        return attrs


@extend_schema(tags=["sales"])
class CatalogueViewSet(viewsets.ModelViewSet):
    serializer_class = CatalogueSerializer

    def get_queryset(self):
        qs = permissions.scoped_by_activity(
            self.request.user, CatalogueItem.objects.all()
        ).order_by("name", "id")
        if (activity := id_param(self.request, "activity")) is not None:
            qs = qs.filter(activity_id=activity)
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        activity = data.pop("activity")
        data.pop("active", None)
        serializer.instance = services.save_catalogue_item(
            actor=self.request.user, activity=activity, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("activity", None)
        active = data.pop("active", None)
        item = services.save_catalogue_item(
            actor=self.request.user,
            activity=serializer.instance.activity,
            item=serializer.instance,
            **data,
        )
        if active is not None:
            item = services.set_catalogue_item_active(
                actor=self.request.user, item=item, active=active
            )
        serializer.instance = item

    def perform_destroy(self, instance):
        services.set_catalogue_item_active(actor=self.request.user, item=instance, active=False)
