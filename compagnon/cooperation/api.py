"""The cooperation API, with the pages' selectors and services (404 outside one's scope):

* ``cooperation/exchanges/`` — the caller's barter exchanges (given or received); POST records
  hours given; ``{id}/confirm/`` and ``{id}/decline/`` (the receiver);
* ``cooperation/barter/balance/`` — the caller's confirmed hours given, received and balance;
* ``cooperation/barter/totals/?entity=`` — per member totals, for the entity's administrators and
  advisors (never the details);
* ``cooperation/positions/`` — shared positions the caller sees; POST creates one (staff);
  ``{id}/cost/`` sets the monthly cost, ``{id}/end/`` ends it, ``{id}/charges/`` lists the months
  charged; ``cooperation/position-shares/{id}/accept/`` and ``/decline/`` (a holder of the activity).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.api import valid_data
from compagnon.core.params import id_param
from compagnon.core.services import require
from compagnon.members.models import Activity

from . import barter, positions, selectors
from .models import BarterExchange, PositionCharge, PositionShare, SharedPosition
from .views import colleagues

TAG = ["cooperation"]
HOURS = {"max_digits": 7, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}


class BarterExchangeSerializer(serializers.ModelSerializer):
    giver_name = serializers.CharField(source="giver.__str__", read_only=True)
    receiver_name = serializers.CharField(source="receiver.__str__", read_only=True)

    class Meta:
        model = BarterExchange
        fields = ["id", "giver", "giver_name", "receiver", "receiver_name", "date", "hours", "description", "status",
                  "created_at", "decided_at"]
        read_only_fields = fields
        extra_kwargs = {"decided_at": {"allow_null": True}}


class BarterExchangeInSerializer(serializers.Serializer):
    receiver = serializers.IntegerField(help_text="Id of the colleague (member) who received the hours.")
    date = serializers.DateField()
    hours = serializers.DecimalField(min_value=0, **HOURS)
    description = serializers.CharField(max_length=300)


class BarterBalanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.__str__")
    given = serializers.DecimalField(**HOURS)
    received = serializers.DecimalField(**HOURS)
    balance = serializers.DecimalField(**HOURS)


class PositionShareSerializer(serializers.ModelSerializer):
    activity_name = serializers.CharField(source="activity.name", read_only=True)

    class Meta:
        model = PositionShare
        fields = ["id", "activity", "activity_name", "percent", "status"]
        read_only_fields = fields


class SharedPositionSerializer(serializers.ModelSerializer):
    shares = PositionShareSerializer(many=True, read_only=True)

    class Meta:
        model = SharedPosition
        fields = ["id", "entity", "title", "hours_per_week", "employer", "monthly_cost", "starts_on", "ended_on", "shares"]
        read_only_fields = fields
        extra_kwargs = {"employer": {"allow_null": True}, "ended_on": {"allow_null": True}}


class PositionShareInSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)


class SharedPositionInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    title = serializers.CharField(max_length=120)
    hours_per_week = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    employer = serializers.IntegerField(required=False, allow_null=True, help_text="Employing activity; null: the cooperative.")
    monthly_cost = serializers.DecimalField(min_value=0, required=False, **MONEY)
    starts_on = serializers.DateField()
    shares = PositionShareInSerializer(many=True)


class PositionCostInSerializer(serializers.Serializer):
    monthly_cost = serializers.DecimalField(min_value=0, **MONEY)


class PositionEndInSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True)


class PositionChargeSerializer(serializers.ModelSerializer):
    split = serializers.DictField(child=serializers.CharField(), help_text="Activity id → amount charged.")

    class Meta:
        model = PositionCharge
        fields = ["id", "position", "month", "amount", "split", "entry"]
        read_only_fields = fields


@extend_schema(tags=TAG)
class ExchangeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BarterExchangeSerializer

    def get_queryset(self):
        return selectors.exchanges(self.request.user).order_by("-date", "-id")

    @extend_schema(tags=TAG, request=BarterExchangeInSerializer, responses={201: BarterExchangeSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(BarterExchangeInSerializer, request)
        me = selectors.own_member(request.user)
        require(request.user, "cooperation.record_exchange")
        receiver = colleagues(me).filter(pk=data.pop("receiver")).first() if me else None
        ex = barter.record_exchange(actor=request.user, receiver=receiver, **data)
        return Response(BarterExchangeSerializer(selectors.exchange(request.user, ex.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=None, responses=BarterExchangeSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        ex = barter.confirm_exchange(actor=request.user, exchange=self.get_object())
        return Response(BarterExchangeSerializer(ex).data)

    @extend_schema(tags=TAG, request=None, responses=BarterExchangeSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        ex = barter.decline_exchange(actor=request.user, exchange=self.get_object())
        return Response(BarterExchangeSerializer(ex).data)


class BalanceView(APIView):
    @extend_schema(tags=TAG, responses=BarterBalanceSerializer)
    def get(self, request):
        me = selectors.own_member(request.user)
        if me is None:
            raise Http404
        b = selectors.balances([me.pk])[me.pk]
        b.member = me
        return Response(BarterBalanceSerializer(b).data)


class TotalsViewSet(viewsets.GenericViewSet):
    serializer_class = BarterBalanceSerializer
    queryset = BarterExchange.objects.none()

    @extend_schema(tags=TAG, responses=BarterBalanceSerializer(many=True))
    def list(self, request):
        members = selectors.totals_members(request.user, id_param(request, "entity"))
        page = self.paginate_queryset(members)
        return self.get_paginated_response(BarterBalanceSerializer(selectors.with_balances(list(page)), many=True).data)


@extend_schema(tags=TAG)
class PositionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SharedPositionSerializer

    def get_queryset(self):
        qs = selectors.positions(self.request.user).prefetch_related("shares__activity").order_by("title", "id")
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    @extend_schema(tags=TAG, request=SharedPositionInSerializer, responses={201: SharedPositionSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(SharedPositionInSerializer, request)
        entity = selectors.manageable_entities(request.user).filter(pk=data.pop("entity")).first()
        if entity is None:
            raise Http404
        activities = {a.pk: a for a in Activity.objects.filter(entity=entity)}
        shares = []
        for row in data.pop("shares"):
            if row["activity"] not in activities:
                raise ValidationError({"shares": _("Each activity must be an open activity of the same entity.")})
            shares.append((activities[row["activity"]], row["percent"]))
        employer_pk = data.pop("employer", None)
        if employer_pk is not None and employer_pk not in activities:
            raise ValidationError({"employer": _("The employing activity must belong to the same entity.")})
        p = positions.create_position(
            actor=request.user, entity=entity, shares=shares, employer=activities.get(employer_pk), **data
        )
        return Response(SharedPositionSerializer(self.get_queryset().get(pk=p.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=PositionCostInSerializer, responses=SharedPositionSerializer)
    @action(detail=True, methods=["post"])
    def cost(self, request, pk=None):
        data = valid_data(PositionCostInSerializer, request)
        p = positions.set_monthly_cost(actor=request.user, position=self.get_object(), **data)
        return Response(SharedPositionSerializer(self.get_queryset().get(pk=p.pk)).data)

    @extend_schema(tags=TAG, request=PositionEndInSerializer, responses=SharedPositionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = valid_data(PositionEndInSerializer, request)
        p = positions.end_position(actor=request.user, position=self.get_object(), ended_on=data.get("ended_on"))
        return Response(SharedPositionSerializer(self.get_queryset().get(pk=p.pk)).data)

    @extend_schema(tags=TAG, responses=PositionChargeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def charges(self, request, pk=None):
        page = self.paginate_queryset(selectors.charges_of(self.get_object()))
        return self.get_paginated_response(PositionChargeSerializer(page, many=True).data)


class ShareViewSet(viewsets.GenericViewSet):
    serializer_class = PositionShareSerializer

    def get_queryset(self):
        return PositionShare.objects.filter(position__in=selectors.positions(self.request.user)).select_related(
            "activity", "position__entity"
        )

    @extend_schema(tags=TAG, request=None, responses=PositionShareSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return Response(PositionShareSerializer(positions.accept_share(actor=request.user, share=self.get_object())).data)

    @extend_schema(tags=TAG, request=None, responses=PositionShareSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return Response(PositionShareSerializer(positions.decline_share(actor=request.user, share=self.get_object())).data)
