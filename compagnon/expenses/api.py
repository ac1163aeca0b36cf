"""Expense claims through the API: list and read the claims you see, create one with its receipt
(multipart), change and submit your drafts, approve or refuse (staff), price a trip, list the
categories of an activity, read what a Factur-X PDF says. Same selectors and services as pages."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
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
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.params import choice_param, id_param

from . import categories, later, receipts, scales, selectors, services, vat
from .models import ClaimKind, ClaimState, ExpenseClaim, ExpenseVat, Vehicle


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.activities(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedClientField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from compagnon.clients.models import Client

        return permissions.scoped_by_activity(self.context["request"].user, Client.objects.all())


class ClaimVatSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpenseVat
        fields = ["rate", "tax_amount"]


class ClaimSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft, submitted, approved, refused or paid.")
    kind = serializers.CharField(read_only=True, help_text="receipt, mileage or per_diem.")
    state = serializers.CharField(read_only=True, help_text="The stored state (paid is read from the transfer).")
    vat = ClaimVatSerializer(many=True, read_only=True, source="vat_lines")
    member = serializers.CharField(source="member.__str__", read_only=True)
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                      help_text="A claim that looks the same (file or details).")
    client = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    entry = serializers.SerializerMethodField(help_text="The ledger entry's reference once booked.")
    receipt_download = serializers.SerializerMethodField()

    class Meta:
        model = ExpenseClaim
        fields = ["id", "activity", "member", "kind", "state", "status", "date", "supplier", "category",
                  "description", "client", "project", "amount", "vat_recoverable", "vat", "receipt_name",
                  "receipt_type", "receipt_sha256", "origin", "destination", "distance_km", "vehicle",
                  "fiscal_power", "electric", "meals", "meal_rate", "pricing", "submitted_at", "decided_at",
                  "auto_approved", "refusal_reason", "duplicate_of", "duplicate_reason", "entry",
                  "receipt_download", "reading_state", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"reading_state": {"help_text": "A claim kept with its photo only (details_later): pending "
                                                       "while the worker reads the receipt, then done, nothing or "
                                                       "failed; empty for the others."}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_entry(self, obj) -> str | None:
        return obj.entry.reference if obj.entry_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_receipt_download(self, obj) -> str | None:
        if not obj.receipt:
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("api-expense-claim-receipt", kwargs={"pk": obj.pk}))


class ClaimInputSerializer(serializers.Serializer):
    activity = ScopedActivityField(help_text="Id of the activity the expense is for.")
    kind = serializers.ChoiceField(choices=ClaimKind.choices, default=ClaimKind.RECEIPT)
    date = serializers.DateField(required=False, allow_null=True, default=None,
                                 help_text="The date on the receipt or of the trip (required unless details_later).")
    category = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Amount incl. VAT (receipts), e.g. 12.50.")
    supplier = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    client = ScopedClientField(required=False, allow_null=True, default=None)
    project = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    vat_recoverable = serializers.BooleanField(required=False, default=False)
    vat_rates = serializers.ListField(child=serializers.CharField(max_length=10), required=False, default=list,
                                      max_length=5, help_text="VAT rates shown on the receipt (percent).")
    vat_amounts = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                        max_length=5, help_text="The VAT amount at each rate, in the same order.")
    receipt = serializers.FileField(required=False, allow_null=True, default=None,
                                    help_text="Photo (JPEG, PNG, WebP) or PDF; at most 20 MB.")
    origin = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    destination = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    distance_km = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    vehicle = serializers.ChoiceField(choices=Vehicle.choices, required=False, default=Vehicle.CAR)
    fiscal_power = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                            max_value=50)
    electric = serializers.BooleanField(required=False, default=False)
    meals = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=60)
    meal_rate = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    client_key = serializers.UUIDField(required=False, allow_null=True, default=None,
                                       help_text="Chosen by the client: the same key twice creates one claim.")
    submit = serializers.BooleanField(required=False, default=False, help_text="Send it for approval at once.")
    details_later = serializers.BooleanField(
        required=False, default=False,
        help_text="Only the receipt (and optionally date, description, client): the claim is kept as a draft, its "
                  "receipt is read in the background and fills in amount, supplier, VAT and date (reading_state); "
                  "the member is notified to check and send it. Other fields are ignored.")

    def kwargs(self) -> dict:
        d = dict(self.validated_data)
        rates, amounts = d.pop("vat_rates"), d.pop("vat_amounts")
        d["vat_lines"] = list(zip(rates, amounts + [""] * (len(rates) - len(amounts)), strict=False))
        d.pop("activity")
        d.pop("details_later", None)
        return d


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why; the member reads it.")


class MileageQuerySerializer(serializers.Serializer):
    activity = ScopedActivityField()
    date = serializers.DateField()
    distance_km = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=0)
    vehicle = serializers.ChoiceField(choices=Vehicle.choices, default=Vehicle.CAR)
    fiscal_power = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=50)
    electric = serializers.BooleanField(required=False, default=False)


class MileagePriceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    km_before = serializers.DecimalField(max_digits=9, decimal_places=1)
    details = serializers.JSONField()


class CategorySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    account = serializers.CharField()
    vat_recoverable = serializers.BooleanField()


class SuggestionSerializer(serializers.Serializer):
    suggestion = serializers.JSONField(allow_null=True, help_text="null: not a Factur-X / e-invoice PDF.")
    reading = serializers.UUIDField(
        allow_null=True, help_text="A photo or another PDF is read in the background: poll "
        "GET /api/v1/receipt-readings/{reading}/. null: read at once (Factur-X) or not readable.")
    off = serializers.BooleanField(help_text="true: photos are not read on this server (no OCR engine).")


class ReceiptUploadSerializer(serializers.Serializer):
    receipt = serializers.FileField()


@extend_schema(tags=["expenses"])
class ExpenseClaimViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Expense claims of the activities you see (members: theirs; advisors: their offices';
    accountants: their entities'). POST (multipart, or JSON without a receipt) creates one; with
    ``submit`` it is sent for approval (approved at once under the entity's threshold)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = ClaimSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExpenseClaim.objects.none()
        activity_id = id_param(self.request, "activity")
        state = choice_param(self.request, "state", ClaimState.values)
        return (selectors.claim_list(self.request.user, activity_id=activity_id, state=state)
                .select_related("entry").prefetch_related("vat_lines"))

    def get_object(self):
        try:
            return selectors.claim_detail(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    def _answer(self, claim, code=status.HTTP_200_OK):
        claim = selectors.claim_detail(self.request.user, claim.pk)
        return Response(ClaimSerializer(claim, context={"request": self.request}).data, status=code)

    @extend_schema(parameters=[
        OpenApiParameter("activity", int, description="Only this activity's claims"),
        OpenApiParameter("state", str, enum=ClaimState.values, description="Only claims in this state"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": ClaimInputSerializer, "application/json": ClaimInputSerializer},
                   responses={201: ClaimSerializer})
    def create(self, request, *args, **kwargs):
        data = ClaimInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["details_later"]:
            if d["kind"] != ClaimKind.RECEIPT or d["receipt"] is None:
                raise ValidationError({"receipt": _("Send the photo or the PDF of the receipt: only a receipt can "
                                                    "be kept for its details to be read later.")})
            claim = later.keep_for_later(actor=request.user, activity=d["activity"], receipt=d["receipt"],
                                         date=d["date"], description=d["description"], client=d["client"],
                                         client_key=d["client_key"])
        else:
            claim = services.save_claim(actor=request.user, activity=d["activity"], **data.kwargs())
        return self._answer(claim, status.HTTP_200_OK if hasattr(claim, "replayed") else status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": ClaimInputSerializer, "application/json": ClaimInputSerializer},
                   responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], url_path="change", url_name="change")
    def change(self, request, pk=None):
        """Change a draft or refused claim (all its fields, like a new one)."""
        claim = self.get_object()
        data = ClaimInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        kwargs = data.kwargs()
        kwargs.pop("client_key", None)
        claim = services.save_claim(actor=request.user, activity=claim.activity, claim=claim, **kwargs)
        return self._answer(claim)

    @extend_schema(request=None, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(services.submit_claim(actor=request.user, claim=self.get_object()))

    @extend_schema(request=None, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(services.approve_claim(actor=request.user, claim=self.get_object()))

    @extend_schema(request=RefuseSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = RefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.refuse_claim(actor=request.user, claim=self.get_object(),
                                                  reason=data.validated_data["reason"]))

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The receipt as uploaded")})
    @action(detail=True, methods=["get"])
    def receipt(self, request, pk=None):
        claim = self.get_object()
        if not claim.receipt:
            raise Http404
        return FileResponse(claim.receipt.open("rb"), as_attachment=True, filename=claim.receipt_name or "receipt",
                            content_type=claim.receipt_type or "application/octet-stream")


def _activity(request, pk):
    try:
        return selectors.activity(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@extend_schema(tags=["expenses"])
class CategoriesView(APIView):
    @extend_schema(parameters=[OpenApiParameter("activity", int, required=True)],
                   responses={200: CategorySerializer(many=True)})
    def get(self, request):
        """The expense categories of an activity's country and the account each books to."""
        pk = id_param(request, "activity")
        if pk is None:
            raise Http404
        country = _activity(request, pk).entity.jurisdiction
        return Response([{"key": c.key, "label": str(c.label), "account": c.accounts[country][0],
                          "vat_recoverable": vat.recoverable(country, c.key)}
                         for c in categories.for_country(country)])


@extend_schema(tags=["expenses"])
class MileageView(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=MileageQuerySerializer, responses={200: MileagePriceSerializer})
    def post(self, request):
        """Price a trip with the official scale (nothing is saved). 400 on ``date`` when there is no
        scale for that country and year."""
        data = MileageQuerySerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        member = selectors.member_of(request.user)
        fields = {"date": d["date"], "vehicle": d["vehicle"], "fiscal_power": d["fiscal_power"]}
        before = services._km_before(member)(fields) if member else 0
        try:
            price = scales.price_trip(d["activity"].entity.jurisdiction, d["date"], distance_km=d["distance_km"],
                                      vehicle=d["vehicle"], fiscal_power=d["fiscal_power"], electric=d["electric"],
                                      km_before=before)
        except scales.NoScale as exc:
            raise serializers.ValidationError({"date": [exc.message]}) from None
        return Response(MileagePriceSerializer({"amount": price.amount, "km_before": before,
                                                "details": price.details}).data)


@extend_schema(tags=["expenses"])
class SuggestView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": ReceiptUploadSerializer}, responses={200: SuggestionSerializer})
    def post(self, request):
        """What a receipt says, for the member to confirm: a Factur-X PDF at once (date, supplier,
        total, VAT per rate); a photo or another PDF is read in the background (``reading``)."""
        data = ReceiptUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["receipt"]
        content = upload.read(receipts.MAX_BYTES + 1)
        suggestion = receipts.facturx_suggestion(content, upload.name)
        job = None
        if suggestion is None and any(services.may_claim(request.user, a) for a in selectors.my_activities(request.user)):
            job = receipts.start_reading(request.user, content)
        return Response({"suggestion": suggestion, "reading": job.pk if job else None,
                         "off": suggestion is None and job is None and not receipts.reading_on()})


