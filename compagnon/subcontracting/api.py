"""The subcontracting API, with the pages' selectors and services (404 outside one's scope):

* ``subcontracting/subcontracts/`` — the subcontracts the caller sees (``?side=asked|received``);
  POST asks (a holder of the ordering activity); ``{id}/accept/``, ``{id}/decline/`` (a holder of
  the providing activity), ``{id}/withdraw/`` (a holder of the ordering activity), ``{id}/issue/``
  (the internal invoice by hand, when no client document is tied);
* ``subcontracting/internal-invoices/`` — the internal invoices and credit notes of those
  subcontracts; ``{id}/cancel/`` issues the cancelling credit note;
* ``subcontracting/settings/{entity id}/`` — the entity's contribution rate on internal invoices:
  GET for its administrators and advisors, PUT for its administrators.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.services import require
from compagnon.sales.models import Document

from . import selectors, services
from .models import InternalInvoice, Subcontract

TAG = ["subcontracting"]
MONEY = {"max_digits": 14, "decimal_places": 2}
ENTITY_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the entity.")


class SubcontractSerializer(serializers.ModelSerializer):
    ordering_name = serializers.CharField(source="ordering.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Subcontract
        fields = ["id", "entity", "ordering", "ordering_name", "provider", "provider_name", "description", "amount",
                  "client_document", "status", "created_at", "decided_at", "answer"]
        read_only_fields = fields
        extra_kwargs = {"client_document": {"allow_null": True}, "decided_at": {"allow_null": True}}


class SubcontractInSerializer(serializers.Serializer):
    ordering = serializers.IntegerField(help_text="Id of your activity asking for the work.")
    provider = serializers.IntegerField(help_text="Id of the activity of the same entity asked to do it.")
    description = serializers.CharField(max_length=2000)
    amount = serializers.DecimalField(help_text="Agreed amount excl. VAT.", **MONEY)
    client_document = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of a quote or invoice draft of the ordering activity."
    )


class DeclineInSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=300, required=False, allow_blank=True)


class InternalInvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = InternalInvoice
        fields = ["id", "subcontract", "kind", "number", "issue_date", "provider_name", "ordering_name", "description",
                  "amount", "contribution_rate", "client_invoice", "corrects", "settled_on", "contribution"]
        read_only_fields = fields
        extra_kwargs = {
            "client_invoice": {"allow_null": True}, "corrects": {"allow_null": True},
            "settled_on": {"allow_null": True}, "contribution": {"allow_null": True},
        }


class SubcontractingPolicySerializer(serializers.Serializer):
    entity = serializers.IntegerField(source="entity_id", read_only=True)
    internal_rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, 0 to 100.")


@extend_schema(tags=TAG)
class SubcontractViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SubcontractSerializer

    def get_queryset(self):
        side = self.request.query_params.get("side", "")
        if side == "asked":
            qs = selectors.asked(self.request.user)
        elif side == "received":
            qs = selectors.received(self.request.user)
        else:
            qs = selectors.subcontracts(self.request.user)
        return qs.order_by("-created_at", "-id")

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("side", OpenApiTypes.STR, enum=["asked", "received"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=SubcontractInSerializer, responses={201: SubcontractSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(SubcontractInSerializer, request)
        ordering = selectors.held_activities(request.user).filter(pk=data["ordering"]).first()
        if ordering is None:
            raise PermissionDenied
        provider = selectors.directory(ordering.entity_id).filter(pk=data["provider"]).first()
        document = None
        if data.get("client_document"):
            document = selectors.client_documents(request.user, [ordering]).filter(pk=data["client_document"]).first()
            if document is None:
                document = Document(activity_id=-1)  # the service names the field and the rule
        s = services.ask(
            actor=request.user, ordering=ordering, provider=provider, description=data["description"],
            amount=data["amount"], client_document=document,
        )
        return Response(SubcontractSerializer(selectors.subcontract(request.user, s.pk)).data, status=status.HTTP_201_CREATED)

    def _act(self, request, perm, fn, **kwargs):
        s = self.get_object()
        require(request.user, perm, s)
        fn(actor=request.user, subcontract=s, **kwargs)
        return Response(SubcontractSerializer(selectors.subcontract(request.user, s.pk)).data)

    @extend_schema(tags=TAG, request=None, responses=SubcontractSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, "subcontracting.decide", services.accept)

    @extend_schema(tags=TAG, request=DeclineInSerializer, responses=SubcontractSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = valid_data(DeclineInSerializer, request)
        return self._act(request, "subcontracting.decide", services.decline, answer=data.get("answer", ""))

    @extend_schema(tags=TAG, request=None, responses=SubcontractSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(request, "subcontracting.withdraw", services.withdraw)

    @extend_schema(tags=TAG, request=None, responses={201: InternalInvoiceSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        s = self.get_object()
        require(request.user, "subcontracting.issue", s)
        invoice = services.issue_by_hand(actor=request.user, subcontract=s)
        return Response(InternalInvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class InternalInvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InternalInvoiceSerializer

    def get_queryset(self):
        return selectors.internal_invoices(self.request.user).order_by("-issue_date", "-id")

    @extend_schema(tags=TAG, request=None, responses={201: InternalInvoiceSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        invoice = self.get_object()
        require(request.user, "subcontracting.cancel", invoice)
        note = services.cancel(actor=request.user, invoice=invoice)
        return Response(InternalInvoiceSerializer(note).data, status=status.HTTP_201_CREATED)


class PolicyViewSet(viewsets.ViewSet):
    serializer_class = SubcontractingPolicySerializer

    def _entity(self, request, pk):
        entity = selectors.staff_entities(request.user).filter(pk=pk).first()
        if entity is None:
            raise Http404
        return entity

    @extend_schema(tags=TAG, parameters=[ENTITY_ID], responses=SubcontractingPolicySerializer)
    def retrieve(self, request, pk=None):
        return Response(SubcontractingPolicySerializer(services.policy_for(self._entity(request, pk))).data)

    @extend_schema(tags=TAG, parameters=[ENTITY_ID], request=SubcontractingPolicySerializer, responses=SubcontractingPolicySerializer)
    def update(self, request, pk=None):
        entity = self._entity(request, pk)
        data = valid_data(SubcontractingPolicySerializer, request)
        policy = services.save_policy(actor=request.user, entity=entity, internal_rate=data["internal_rate"])
        return Response(SubcontractingPolicySerializer(policy).data)
