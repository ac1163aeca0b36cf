"""Advances through the API: the invoices you may ask an advance on (with the policy's answer),
list and read the advances you see, ask for one, approve or refuse (advisors, bookkeepers), and
the guarantee fund of an entity (bookkeepers). Same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.params import choice_param, id_param

from . import policy, selectors, services
from .models import Advance, AdvanceState, Settlement

MONEY = {"max_digits": 14, "decimal_places": 2}


class AdvanceSettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Settlement
        fields = ["amount", "paid_on_invoice", "after_loss", "created_at"]


class AdvanceSerializer(serializers.ModelSerializer):
    invoice = serializers.IntegerField(source="document_id", read_only=True)
    invoice_number = serializers.CharField(source="document.number", read_only=True)
    client = serializers.CharField(source="document.client.name", read_only=True)
    net_paid = serializers.DecimalField(**MONEY, read_only=True)
    outstanding = serializers.DecimalField(**MONEY, read_only=True)
    reasons = serializers.SerializerMethodField()
    settlements = AdvanceSettlementSerializer(many=True, read_only=True)

    class Meta:
        model = Advance
        fields = ["id", "activity", "member", "invoice", "invoice_number", "client", "amount", "fee", "net_paid",
                  "state", "reasons", "refusal_reason", "requested_at", "decided_at", "auto_approved",
                  "paid_out_on", "settled_amount", "outstanding", "loss_amount", "settlements"]
        read_only_fields = fields

    def get_reasons(self, obj) -> list[str]:
        return policy.explain_all(obj.reasons)


class AdvanceAskSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True,
                                      help_text="Default: the most the policy allows")


class AdvanceRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class EligibleInvoiceSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(source="document.pk")
    invoice_number = serializers.CharField(source="document.number")
    client = serializers.CharField(source="document.client.name")
    due_date = serializers.DateField(source="document.due_date", allow_null=True)
    maximum = serializers.DecimalField(**MONEY)
    fee = serializers.DecimalField(**MONEY)
    possible = serializers.BooleanField()
    automatic = serializers.BooleanField()
    blockers = serializers.ListField(child=serializers.CharField(), source="blocker_texts")
    concerns = serializers.ListField(child=serializers.CharField(), source="concern_texts")


class GuaranteeFundSerializer(serializers.Serializer):
    entity = serializers.IntegerField(source="entity.pk")
    balance = serializers.DecimalField(**MONEY)
    outstanding = serializers.DecimalField(**MONEY)
    open_count = serializers.IntegerField()


class AdvanceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Advances on invoices of the activities you see (members: theirs; advisors: their offices';
    accountants: their entities'). POST asks for one: approved at once within the entity's policy,
    else waiting for a decision with the policy's reasons; refused with them when nobody may grant it."""

    serializer_class = AdvanceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Advance.objects.none()
        state = choice_param(self.request, "state", AdvanceState.values)
        return (selectors.advance_list(self.request.user, state=state, activity_id=id_param(self.request, "activity"))
                .prefetch_related("settlements"))

    def get_object(self):
        try:
            return selectors.advance_detail(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    def _answer(self, advance, code=status.HTTP_200_OK):
        advance = selectors.advance_detail(self.request.user, advance.pk)
        return Response(AdvanceSerializer(advance, context={"request": self.request}).data, status=code)

    @extend_schema(parameters=[
        OpenApiParameter("activity", int, description="Only this activity's advances"),
        OpenApiParameter("state", str, enum=AdvanceState.values, description="Only advances in this state"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AdvanceAskSerializer, responses={201: AdvanceSerializer})
    def create(self, request, *args, **kwargs):
        data = AdvanceAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            document = selectors.invoice_for(request.user, data.validated_data["invoice"])
        except ObjectDoesNotExist:
            raise Http404 from None
        advance = services.request_advance(actor=request.user, document=document,
                                           amount=data.validated_data.get("amount"))
        return self._answer(advance, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AdvanceSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(services.approve_advance(actor=request.user, advance=self.get_object()))

    @extend_schema(request=AdvanceRefuseSerializer, responses={200: AdvanceSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = AdvanceRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.refuse_advance(actor=request.user, advance=self.get_object(),
                                                    reason=data.validated_data["reason"]))


class EligibleView(APIView):
    """Your issued, unpaid invoices and what the policy answers for an advance on each."""

    @extend_schema(responses={200: EligibleInvoiceSerializer(many=True)})
    def get(self, request):
        member = selectors.member_for(request.user)
        rows = policy.assess_all(selectors.eligible_invoices(request.user), member) if member else []
        return Response(EligibleInvoiceSerializer(rows, many=True).data)


class FundView(APIView):
    """The guarantee fund of an entity whose books you keep: its balance and the advances outstanding."""

    @extend_schema(parameters=[OpenApiParameter("entity", int, description="Default: your first entity")],
                   responses={200: GuaranteeFundSerializer})
    def get(self, request):
        entities = list(selectors.money_entities(request.user))
        wanted = id_param(request, "entity")
        chosen = next((e for e in entities if wanted is None or e.pk == wanted), None)
        if chosen is None:
            raise Http404
        return Response(GuaranteeFundSerializer(selectors.fund(chosen)).data)
