"""The governance API, with the pages' selectors and services (404 outside one's scope):

* ``governance/my-shares/`` — the caller's own shares (404 when they hold none);
* ``governance/associates/?entity=`` — a register with each associate's balances (its
  administrators and accountants), ``{id}/movements/``;
* ``governance/movements/`` (POST) — record a subscription, payment, transfer, withdrawal or refund;
* ``governance/assemblies/`` (``?entity=``), ``{id}/`` with its resolutions and, once closed, the
  results; ``{id}/proxy/`` (POST), ``{id}/vote/`` (POST, answers the receipt code once),
  ``{id}/verify/`` (POST a receipt code: the ballot it proves).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.api import valid_data
from compagnon.core.params import id_param
from compagnon.core.services import require

from . import register, selectors, voting
from .models import Assembly, Associate, Choice, MovementKind, Resolution, ShareMovement
from .views import _apply_movement

MONEY = {"max_digits": 14, "decimal_places": 2}


class HoldingSerializer(serializers.Serializer):
    shares = serializers.IntegerField()
    capital = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    unpaid = serializers.DecimalField(**MONEY)
    to_refund = serializers.DecimalField(**MONEY)


class AssociateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.__str__", read_only=True)
    number = serializers.CharField(source="member.number", read_only=True)
    category = serializers.CharField(source="category.name", read_only=True)
    holding = serializers.SerializerMethodField()

    class Meta:
        model = Associate
        fields = ["id", "entity", "member", "name", "number", "category", "joined_on", "left_on", "holding"]
        read_only_fields = fields

    @extend_schema_field(HoldingSerializer)
    def get_holding(self, obj) -> HoldingSerializer:
        held = self.context.get("holdings", {}).get(obj.pk) or register.holding(obj)
        return HoldingSerializer(held).data


class ShareMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShareMovement
        fields = ["id", "associate", "kind", "date", "shares", "amount", "counterpart", "note", "entry"]
        read_only_fields = fields


class ShareMovementInSerializer(serializers.Serializer):
    associate = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[*MovementKind.values, "leave"])
    date = serializers.DateField()
    shares = serializers.IntegerField(min_value=1, max_value=10**6, required=False, allow_null=True)
    amount = serializers.DecimalField(min_value=0, required=False, allow_null=True, **MONEY)
    to = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="Member number of the receiving associate (transfer).")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = [
            "id", "number", "title", "text", "majority", "quorum", "secret",
            "votes_for", "votes_against", "votes_abstain", "quorum_met", "adopted",
        ]
        read_only_fields = fields
        extra_kwargs = {f: {"allow_null": True} for f in ("votes_for", "votes_against", "votes_abstain", "quorum_met", "adopted")}


class AssemblySerializer(serializers.ModelSerializer):
    resolutions = ResolutionSerializer(many=True, read_only=True)

    class Meta:
        model = Assembly
        fields = [
            "id", "entity", "title", "kind", "held_at", "place", "online_url", "state",
            "max_proxies", "eligible_count", "resolutions",
        ]
        read_only_fields = fields


class VoteInSerializer(serializers.Serializer):
    resolution = serializers.IntegerField()
    choice = serializers.ChoiceField(choices=Choice.choices)
    on_behalf_of = serializers.IntegerField(required=False, allow_null=True, help_text="Associate whose proxy you hold.")


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="Shown once: keep it to check your ballot.")


class VerifyInSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)


class VerifyOutSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    resolution = serializers.IntegerField(allow_null=True)
    choice = serializers.ChoiceField(choices=Choice.choices, allow_null=True)


class ProxyInSerializer(serializers.Serializer):
    holder_number = serializers.CharField(max_length=20)


class ProxyOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    holder = serializers.IntegerField(source="holder_id")


class MySharesView(APIView):
    @extend_schema(tags=["governance"], responses=HoldingSerializer)
    def get(self, request):
        own = selectors.own_associate(request.user)
        if own is None:
            raise Http404
        return Response(HoldingSerializer(register.holding(own)).data)


class AssociateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssociateSerializer

    def get_queryset(self):
        qs = selectors.visible_associates(self.request.user).order_by("member__number", "id")
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "holdings": getattr(self, "_holdings", {})}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page:
            self._holdings = register.holdings([a.pk for a in page])
        return page

    @extend_schema(tags=["governance"], responses=ShareMovementSerializer(many=True))
    @action(detail=True, methods=["get"])
    def movements(self, request, pk=None):
        associate = self.get_object()
        page = self.paginate_queryset(selectors.movements(associate))
        return self.get_paginated_response(ShareMovementSerializer(page, many=True).data)

    @extend_schema(tags=["governance"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=["governance"])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class MovementViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ShareMovementInSerializer

    def get_queryset(self):
        return ShareMovement.objects.none()

    @extend_schema(tags=["governance"], request=ShareMovementInSerializer, responses={201: ShareMovementSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(ShareMovementInSerializer, request)
        associate = selectors.visible_associates(request.user).filter(pk=data["associate"]).first()
        if associate is None:
            raise Http404
        require(request.user, "governance.manage_register", associate)
        data = {"to": "", "note": "", "shares": None, "amount": None, **data}
        movement = _apply_movement(request.user, associate, data)
        return Response(ShareMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


class AssemblyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssemblySerializer

    def get_queryset(self):
        qs = selectors.assemblies(self.request.user).prefetch_related("resolutions")
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    @extend_schema(tags=["governance"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=["governance"])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=["governance"], request=ProxyInSerializer, responses={201: ProxyOutSerializer})
    @action(detail=True, methods=["post"])
    def proxy(self, request, pk=None):
        data = valid_data(ProxyInSerializer, request)
        proxy = voting.give_proxy(actor=request.user, assembly=self.get_object(), **data)
        return Response(ProxyOutSerializer(proxy).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["governance"], request=VoteInSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        assembly = self.get_object()
        data = valid_data(VoteInSerializer, request)
        resolution = Resolution.objects.filter(assembly=assembly, pk=data["resolution"]).select_related("assembly__entity").first()
        if resolution is None:
            raise ValidationError({"resolution": _("This assembly has no such resolution.")})
        behalf = None
        if data.get("on_behalf_of"):
            behalf = Associate.objects.filter(pk=data["on_behalf_of"], entity_id=assembly.entity_id).select_related("member__user").first()
            if behalf is None:
                raise ValidationError({"on_behalf_of": _("No associate of this entity has this identifier.")})
        receipt = voting.cast_vote(actor=request.user, resolution=resolution, choice=data["choice"], on_behalf_of=behalf)
        return Response({"receipt": receipt}, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["governance"], request=VerifyInSerializer, responses=VerifyOutSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        data = valid_data(VerifyInSerializer, request)
        ballot = voting.verify_receipt(actor=request.user, assembly=self.get_object(), receipt=data["receipt"])
        return Response(
            {
                "found": ballot is not None,
                "resolution": ballot.resolution_id if ballot else None,
                "choice": ballot.choice if ballot else None,
            }
        )
