"""The API of what happens at the client's: presences (POST idempotent by ``client_uuid``), sheets
(read, change with the version the phone started from — 409 when it changed elsewhere —, photos,
signature, validation), the sector's stock and equipment bookings, home QR codes, the position
consent. Same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.params import bool_param, id_param
from compagnon.fieldwork import rules as fieldwork_rules

from . import rules, selectors, services, services_stock
from .models import (
    Equipment,
    EquipmentBooking,
    HomeCode,
    Presence,
    Sheet,
    SheetPhoto,
    SheetSupply,
    SheetTask,
    StockItem,
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The sheet changed elsewhere."


def _get(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


@extend_schema_field(OpenApiTypes.INT)
class ScopedVisitField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return fieldwork_rules.visits(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedSectorField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return fieldwork_rules.sectors(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedEquipmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return rules.equipment(self.context["request"].user)


# --- presences ------------------------------------------------------------------------------------


class PresenceSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.__str__", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="in (arrived) or out (left).")
    method = serializers.CharField(
        read_only=True, help_text="tap (on the phone) or qr (the home's QR code)."
    )
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    accuracy_m = serializers.SerializerMethodField()

    class Meta:
        model = Presence
        fields = [
            "id",
            "visit",
            "member",
            "kind",
            "method",
            "at",
            "latitude",
            "longitude",
            "accuracy_m",
            "client_uuid",
            "received_at",
        ]
        read_only_fields = fields

    def _shown(self, obj) -> bool:
        return rules.sees_position(self.context["request"].user, obj)

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True))
    def get_latitude(self, obj):
        return str(obj.latitude) if obj.latitude is not None and self._shown(obj) else None

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True))
    def get_longitude(self, obj):
        return str(obj.longitude) if obj.longitude is not None and self._shown(obj) else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_accuracy_m(self, obj):
        return obj.accuracy_m if self._shown(obj) else None


class PresenceCreateSerializer(serializers.Serializer):
    visit = ScopedVisitField(help_text="One of your visits.")
    kind = serializers.CharField(max_length=3, help_text="in (arrived) or out (left).")
    at = serializers.DateTimeField(
        required=False, help_text="When it happened on the phone (default: now)."
    )
    client_uuid = serializers.UUIDField(
        help_text="Made on the phone: the same presence sent twice is stored once."
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text="Kept only when the member consented to share the position.",
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    accuracy_m = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100000
    )


@extend_schema(tags=["interventions"])
class PresenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Check-ins and check-outs of the visits you see (positions shown only to the member and the
    visit's sector)."""

    serializer_class = PresenceSerializer

    def get_queryset(self):
        return selectors.presences(
            self.request.user, visit_id=id_param(self.request.query_params, "visit")
        )

    @extend_schema(
        parameters=[OpenApiParameter("visit", int, description="Only this visit's presences.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=PresenceCreateSerializer,
        responses={201: PresenceSerializer, 200: PresenceSerializer},
    )
    def create(self, request):
        data = PresenceCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        existed = Presence.objects.filter(client_uuid=v["client_uuid"]).exists()
        presence = services.record_presence(
            actor=request.user,
            visit=v["visit"],
            kind=v["kind"],
            at=v.get("at"),
            client_uuid=v["client_uuid"],
            latitude=v.get("latitude"),
            longitude=v.get("longitude"),
            accuracy_m=v.get("accuracy_m"),
        )
        return Response(
            PresenceSerializer(presence, context={"request": request}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- sheets --------------------------------------------------------------------------------------


class SheetTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetTask
        fields = ["id", "name", "done"]
        read_only_fields = fields


class SheetSupplySerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetSupply
        fields = ["id", "item", "name", "quantity", "unit", "unit_price", "vat_rate"]
        read_only_fields = fields


class SheetPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True, help_text="before or after.")

    class Meta:
        model = SheetPhoto
        fields = ["id", "kind", "client_uuid", "url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("interventions-photo", args=[obj.pk])
        )


class SheetSerializer(serializers.ModelSerializer):
    tasks = SheetTaskSerializer(many=True, read_only=True)
    supplies = SheetSupplySerializer(many=True, read_only=True)
    photos = SheetPhotoSerializer(many=True, read_only=True)
    signature_url = serializers.SerializerMethodField()
    document = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The invoice this sheet is on (then it no longer changes).",
    )

    class Meta:
        model = Sheet
        fields = [
            "id",
            "visit",
            "state",
            "minutes",
            "remarks",
            "green_waste_kg",
            "client_signs_later",
            "signed_by",
            "signed_at",
            "signature_url",
            "member_validated_at",
            "client_validated_at",
            "validated_at",
            "document",
            "version",
            "tasks",
            "supplies",
            "photos",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_signature_url(self, obj):
        if not obj.signature:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("interventions-signature", args=[obj.pk])
        )


class SupplyInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A stock item of the visit's sector.",
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Free text when not from the stock.",
    )
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=0)


class SheetUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you started from; 409 when the sheet changed since."
    )
    edit_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Your editing session: successive changes of one session do not conflict.",
    )
    minutes = serializers.IntegerField(required=False, min_value=0, max_value=1440)
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    green_waste_kg = serializers.DecimalField(
        required=False, allow_null=True, max_digits=8, decimal_places=1, min_value=0
    )
    done_tasks = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    supplies = SupplyInputSerializer(many=True, required=False)
    client_signs_later = serializers.BooleanField(required=False)


class PhotoInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=6, help_text="before or after (the work).")
    file = serializers.FileField()
    client_uuid = serializers.UUIDField(required=False)


class SignatureInputSerializer(serializers.Serializer):
    strokes = serializers.CharField(
        max_length=200000, help_text="JSON: a list of strokes, each a list of [x, y] points."
    )
    signed_by = serializers.CharField(max_length=200)
    width = serializers.IntegerField(min_value=1, max_value=4000, default=600)
    height = serializers.IntegerField(min_value=1, max_value=4000, default=200)


class ValidateInputSerializer(serializers.Serializer):
    client_signs_later = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema(tags=["interventions"])
class SheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Intervention sheets of the visits you see; only the visit's member changes one."""

    serializer_class = SheetSerializer

    def get_queryset(self):
        from compagnon.core.params import choice_param

        q = self.request.query_params
        from .models import SheetState

        return selectors.sheets(
            self.request.user,
            state=choice_param(q, "state", SheetState.values),
            sector_id=id_param(q, "sector"),
            visit_id=id_param(q, "visit"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["draft", "submitted", "validated", "invoiced"]),
            OpenApiParameter("sector", int),
            OpenApiParameter("visit", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _fresh(self, sheet):
        return Response(
            SheetSerializer(
                selectors.sheet(self.request.user, sheet.pk), context={"request": self.request}
            ).data
        )

    @extend_schema(
        request=SheetUpdateSerializer,
        responses={
            200: SheetSerializer,
            409: OpenApiResponse(
                description="The sheet changed elsewhere since `version`: nothing saved; read it again."
            ),
        },
    )
    def partial_update(self, request, pk=None):
        sheet = self.get_object()
        data = SheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        supplies = (
            [
                {"item": s.get("item"), "name": s.get("name", ""), "quantity": s["quantity"]}
                for s in v["supplies"]
            ]
            if "supplies" in v
            else None
        )
        try:
            sheet = services.update_sheet(
                actor=request.user,
                sheet=sheet,
                base_version=v["version"],
                edit_key=v.get("edit_key", ""),
                minutes=v.get("minutes"),
                remarks=v.get("remarks"),
                green_waste_kg=("" if v["green_waste_kg"] is None else v["green_waste_kg"])
                if "green_waste_kg" in v
                else None,
                done_tasks=v.get("done_tasks"),
                supplies=supplies,
                client_signs_later=v.get("client_signs_later"),
            )
        except services.SheetConflict as exc:
            raise Conflict(str(exc)) from None
        return self._fresh(sheet)

    @extend_schema(
        request={"multipart/form-data": PhotoInputSerializer}, responses={201: SheetPhotoSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        sheet = self.get_object()
        data = PhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        photo = services.add_photo(
            actor=request.user,
            sheet=sheet,
            kind=v["kind"],
            data=v["file"].read(services.photos.MAX_BYTES + 1),
            name=v["file"].name,
            client_uuid=v.get("client_uuid"),
        )
        return Response(
            SheetPhotoSerializer(photo, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SignatureInputSerializer, responses={200: SheetSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser, MultiPartParser])
    def signature(self, request, pk=None):
        sheet = self.get_object()
        data = SignatureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        sheet = services.sign_sheet(
            actor=request.user,
            sheet=sheet,
            strokes=v["strokes"],
            signed_by=v["signed_by"],
            width=v["width"],
            height=v["height"],
        )
        return self._fresh(sheet)

    @extend_schema(request=ValidateInputSerializer, responses={200: SheetSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        sheet = self.get_object()
        data = ValidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.validate_sheet(
            actor=request.user,
            sheet=sheet,
            client_signs_later=data.validated_data.get("client_signs_later"),
        )
        return self._fresh(sheet)


# --- stock and equipment --------------------------------------------------------------------------


class StockItemSerializer(serializers.ModelSerializer):
    sector = ScopedSectorField()
    to_reorder = serializers.BooleanField(read_only=True)
    quantity = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        required=False,
        min_value=0,
        help_text="At creation only; then re-stock or count.",
    )
    unit = serializers.CharField(
        required=False,
        max_length=3,
        help_text="UN/ECE code: " + ", ".join(services_stock.UNITS) + ".",
    )

    class Meta:
        model = StockItem
        fields = [
            "id",
            "sector",
            "name",
            "unit",
            "quantity",
            "reorder_at",
            "unit_price",
            "vat_rate",
            "to_reorder",
        ]


class RestockSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    counted = serializers.BooleanField(
        default=False,
        help_text="True: the quantity found when counting (replaces); false: what was added.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


@extend_schema(tags=["interventions"])
class StockItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The stock of your sectors; ``reorder=true`` lists what is at or below its threshold."""

    serializer_class = StockItemSerializer
    http_method_names = ["get", "post", "patch"]

    def get_queryset(self):
        q = self.request.query_params
        return selectors.stock(
            self.request.user, sector_id=id_param(q, "sector"), to_reorder=bool_param(q, "reorder")
        )

    @extend_schema(parameters=[OpenApiParameter("sector", int), OpenApiParameter("reorder", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        v = serializer.validated_data
        serializer.instance = services_stock.create_stock_item(
            actor=self.request.user,
            sector=v["sector"],
            name=v["name"],
            unit=v.get("unit", "H87"),
            quantity=v.get("quantity", 0),
            reorder_at=v.get("reorder_at", 0),
            unit_price=v.get("unit_price"),
            vat_rate=v.get("vat_rate"),
        )

    def perform_update(self, serializer):
        v = dict(serializer.validated_data)
        v.pop("sector", None)
        v.pop("quantity", None)
        serializer.instance = services_stock.update_stock_item(
            actor=self.request.user, item=serializer.instance, **v
        )

    @extend_schema(request=RestockSerializer, responses={200: StockItemSerializer})
    @action(detail=True, methods=["post"])
    def restock(self, request, pk=None):
        item = self.get_object()
        data = RestockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["counted"]:
            item = services_stock.count_stock(actor=request.user, item=item, quantity=v["quantity"])
        else:
            item = services_stock.restock(
                actor=request.user, item=item, quantity=v["quantity"], note=v.get("note", "")
            )
        return Response(StockItemSerializer(item, context={"request": request}).data)


class EquipmentSerializer(serializers.ModelSerializer):
    sector = ScopedSectorField()

    class Meta:
        model = Equipment
        fields = ["id", "sector", "name"]


@extend_schema(tags=["interventions"])
class EquipmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Shared equipment of your sectors."""

    serializer_class = EquipmentSerializer

    def get_queryset(self):
        return selectors.equipment(
            self.request.user, sector_id=id_param(self.request.query_params, "sector")
        )

    @extend_schema(parameters=[OpenApiParameter("sector", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        v = serializer.validated_data
        serializer.instance = services_stock.add_equipment(
            actor=self.request.user, sector=v["sector"], name=v["name"]
        )


class BookingSerializer(serializers.ModelSerializer):
    equipment = ScopedEquipmentField()
    member = serializers.CharField(source="member.__str__", read_only=True)
    visit = ScopedVisitField(required=False, allow_null=True)

    class Meta:
        model = EquipmentBooking
        fields = ["id", "equipment", "member", "visit", "starts_at", "ends_at"]


@extend_schema(tags=["interventions"])
class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Bookings of shared equipment; a booking that overlaps another one is refused (400)."""

    serializer_class = BookingSerializer

    def get_queryset(self):
        q = self.request.query_params
        return selectors.bookings(
            self.request.user,
            equipment_id=id_param(q, "equipment"),
            sector_id=id_param(q, "sector"),
        )

    @extend_schema(parameters=[OpenApiParameter("equipment", int), OpenApiParameter("sector", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        v = serializer.validated_data
        serializer.instance = services_stock.book_equipment(
            actor=self.request.user,
            equipment=v["equipment"],
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
            visit=v.get("visit"),
        )

    def perform_destroy(self, instance):
        services_stock.cancel_booking(actor=self.request.user, booking=instance)


# --- home codes and consent -------------------------------------------------------------------------


class HomeCodeSerializer(serializers.ModelSerializer):
    scan_url = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = HomeCode
        fields = ["id", "client", "contract", "scan_url", "active", "created_at", "revoked_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_scan_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("interventions-scan", args=[obj.token])
        )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_active(self, obj) -> bool:
        return obj.revoked_at is None


class HomeCodeCreateSerializer(serializers.Serializer):
    visit = ScopedVisitField(
        help_text="A visit at the home: the code is for its client (and contract)."
    )


@extend_schema(tags=["interventions"])
class HomeCodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """QR codes left at clients' homes: scanning one checks the member in on that day's visit."""

    serializer_class = HomeCodeSerializer

    def get_queryset(self):
        return selectors.home_codes(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=HomeCodeCreateSerializer, responses={201: HomeCodeSerializer})
    def create(self, request):
        data = HomeCodeCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        code = services.create_home_code(actor=request.user, visit=data.validated_data["visit"])
        return Response(
            HomeCodeSerializer(code, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=HomeCodeCreateSerializer, responses={200: HomeCodeSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        code = self.get_object()
        data = HomeCodeCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        visit = data.validated_data["visit"]
        if visit.client_id != code.client_id:
            raise exceptions.ValidationError({"visit": [_("Choose a visit at this code's home.")]})
        code = services.revoke_home_code(actor=request.user, code=code, visit=visit)
        return Response(HomeCodeSerializer(code, context={"request": request}).data)


class ConsentSerializer(serializers.Serializer):
    allowed = serializers.BooleanField(allow_null=True, help_text="null: never asked.")
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ConsentInputSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()


@extend_schema(tags=["interventions"])
class ConsentView(APIView):
    """Your answer to "record my position at check-in and check-out?" (members only)."""

    def _member(self, request):
        if rules.member_id(request.user) is None:
            raise Http404
        return rules.member_id(request.user)

    @extend_schema(responses={200: ConsentSerializer})
    def get(self, request):
        from .models import PositionConsent

        consent = PositionConsent.objects.filter(member_id=self._member(request)).first()
        return Response(
            {
                "allowed": consent.allowed if consent else None,
                "decided_at": consent.decided_at if consent else None,
            }
        )

    @extend_schema(request=ConsentInputSerializer, responses={200: ConsentSerializer})
    def post(self, request):
        self._member(request)
        data = ConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.set_position_consent(
            actor=request.user, allowed=data.validated_data["allowed"]
        )
        return Response(
            {"allowed": consent.allowed, "decided_at": consent.decided_at or timezone.now()}
        )
