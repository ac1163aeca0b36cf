"""The budget API: an activity's live budget, and the movements between activities.

GET  /api/v1/activities/{id}/budget/?from=&to=      the budget (year to date by default)
GET  /api/v1/budget/movements/                      movements from or to activities you see
POST /api/v1/budget/movements/                      ask for a movement (members)
POST /api/v1/budget/movements/{id}/approve/         advisors, administrators (idempotent)
POST /api/v1/budget/movements/{id}/refuse/          advisors, administrators, with a reason
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.params import BIGINT_MAX, date_param
from compagnon.members.models import Activity

from . import selectors, services
from .models import Movement

MONEY = {"max_digits": 16, "decimal_places": 2}


class ContributionPartSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    base = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)
    date_from = serializers.DateField(source="from", allow_null=True)
    date_to = serializers.DateField(source="to")


class BudgetSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    date_from = serializers.DateField(source="from", allow_null=True)
    date_to = serializers.DateField(source="to")
    invoiced = serializers.DecimalField(
        **MONEY, help_text="Revenue invoiced over the period, excl. VAT"
    )
    invoiced_goods = serializers.DecimalField(**MONEY)
    invoiced_services = serializers.DecimalField(**MONEY)
    cashed_incl_vat = serializers.DecimalField(**MONEY)
    cashed = serializers.DecimalField(**MONEY, help_text="Cashed revenue excl. VAT")
    cashed_goods = serializers.DecimalField(**MONEY)
    cashed_services = serializers.DecimalField(**MONEY)
    contribution = serializers.DecimalField(**MONEY, help_text="Rate × cashed revenue")
    contribution_parts = ContributionPartSerializer(many=True)
    costs = serializers.DecimalField(**MONEY)
    salaries = serializers.DecimalField(**MONEY)
    prefinancing = serializers.DecimalField(**MONEY)
    movements = serializers.DecimalField(
        **MONEY, help_text="Received from other activities, less sent"
    )
    reserve = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY, help_text="Available to pay myself now")


def _visible_activity(user, pk):
    if not (0 < int(pk) <= BIGINT_MAX):
        raise Http404
    try:
        return selectors.visible_activity(user, int(pk))
    except Activity.DoesNotExist:
        raise Http404 from None


@extend_schema(tags=["budget"])
class ActivityBudgetView(APIView):
    @extend_schema(
        operation_id="activities_budget",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH),
            OpenApiParameter("from", str, description="YYYY-MM-DD; default 1 January"),
            OpenApiParameter("to", str, description="YYYY-MM-DD; default today"),
        ],
        responses=BudgetSerializer,
    )
    def get(self, request, id):
        """The live budget of an activity over a period (year to date by default), computed from
        the ledger: cashed revenue − contribution − costs − salaries − prefinancing outstanding ±
        movements − reserve = available to pay myself."""
        activity = _visible_activity(request.user, id)
        default_from, default_to = selectors.year_to_date()
        date_to = date_param(request, "to", default=default_to)
        date_from = date_param(request, "from", default=default_from)
        if date_from > date_to:
            raise serializers.ValidationError({"from": ["The start comes after the end."]})
        b = selectors.compute(activity, date_from, date_to)
        return Response(BudgetSerializer(b.as_dict()).data)


class MovementSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    entry_reference = serializers.SerializerMethodField()

    class Meta:
        model = Movement
        fields = [
            "id",
            "entity",
            "source",
            "source_name",
            "target",
            "target_name",
            "amount",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_at",
            "automatic",
            "refusal_reason",
            "entry",
            "entry_reference",
        ]
        read_only_fields = fields

    def get_entry_reference(self, obj) -> str | None:
        return obj.entry.reference if obj.entry_id else None


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.activities(self.context["request"].user).select_related("entity")


class MovementInputSerializer(serializers.Serializer):
    source = ScopedActivityField()
    target = ScopedActivityField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=300)


class RefusalSerializer(serializers.Serializer):
    refusal_reason = serializers.CharField(max_length=1000)


@extend_schema(tags=["budget"])
class MovementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Movements of money between activities: from or to the activities you see."""

    serializer_class = MovementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Movement.objects.none()
        return selectors.movements(self.request.user)

    def _fresh(self, movement, code=status.HTTP_200_OK):
        return Response(
            MovementSerializer(self.get_queryset().get(pk=movement.pk)).data, status=code
        )

    @extend_schema(request=MovementInputSerializer, responses={201: MovementSerializer})
    def create(self, request, *args, **kwargs):
        """Ask to move money from one of your activities to another (approved at once for
        established members below the entity's threshold)."""
        data = MovementInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        movement = services.request_movement(actor=request.user, **data.validated_data)
        return self._fresh(movement, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Post the movement in the books. Approving twice posts once."""
        return self._fresh(services.approve(actor=request.user, movement=self.get_object()))

    @extend_schema(request=RefusalSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse with a reason the member reads."""
        data = RefusalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movement = services.refuse(
            actor=request.user,
            movement=self.get_object(),
            reason=data.validated_data["refusal_reason"],
        )
        return self._fresh(movement)
