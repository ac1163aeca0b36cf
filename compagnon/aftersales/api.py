"""The after-sales API, with the pages' selectors and services (404 outside one's reach):

* ``aftersales/cases/`` — the cases the caller sees (their activities', given to them, their desk's):
  list (``?state=``, ``?activity=``, ``?in_queue=``), read with the thread; ``{id}/answer/``
  (``body``), ``{id}/accept/``, ``{id}/decline/`` (``reason``), ``{id}/assign/`` (``member``: the
  desk), ``{id}/resolve/`` (``resolution``), ``{id}/reject/`` (``reason``), ``{id}/close/``;
* ``aftersales/warranty-rules/`` — list (the caller's entity, or the desk's), create or change
  (the desk: ``entity``, ``trade`` or ``service``, ``days``, ``starts_from``), read, delete.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import bool_param, choice_param, id_param
from compagnon.fieldwork.models import Service
from compagnon.members.models import Member, Trade
from compagnon.organisation.models import Entity

from . import selectors, services
from .models import Case, Message, Starts, State, WarrantyRule
from .rules import desk_entities

TAG = ["aftersales"]


class AfterSalesCaseSerializer(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField()
    activity_name = serializers.CharField(source="activity.name", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    document_number = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "entity", "trade", "activity", "activity_name", "client", "client_name", "origin",
                  "document", "document_number", "visit", "service", "description", "state", "in_queue",
                  "assigned_member", "under_warranty", "warranty_until", "created_at", "last_activity_at",
                  "first_answer_at", "first_answer_seconds", "resolved_at", "resolution_seconds", "closed_at"]
        read_only_fields = fields

    def get_reference(self, obj) -> str:
        return str(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_number(self, obj):
        return obj.document.number if obj.document_id else None


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "author_kind", "author_name", "body", "created_at", "photos"]
        read_only_fields = fields

    def get_author_name(self, obj) -> str:
        return str(obj.author) if obj.author_id else ""

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_photos(self, obj):
        return [p.pk for p in obj.photos.all()]


class CaseDetailSerializer(AfterSalesCaseSerializer):
    reporter_name = serializers.CharField(read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True)
    rejection_reason = serializers.CharField(read_only=True)
    thread = serializers.SerializerMethodField()

    class Meta(AfterSalesCaseSerializer.Meta):
        fields = [*AfterSalesCaseSerializer.Meta.fields, "reporter_name", "decline_reason", "resolution", "rejection_reason",
                  "thread"]
        read_only_fields = fields

    @extend_schema_field(MessageSerializer(many=True))
    def get_thread(self, obj):
        return MessageSerializer(selectors.thread(obj), many=True).data


class BodyIn(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ResolutionIn(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000)


class AssignIn(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A member of the same trade.")


CASE_PARAMETERS = [
    OpenApiParameter("state", str, enum=State.values),
    OpenApiParameter("activity", int),
    OpenApiParameter("in_queue", bool, description="only the cases waiting for a colleague"),
]


@extend_schema(tags=TAG)
@extend_schema_view(list=extend_schema(parameters=CASE_PARAMETERS))
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AfterSalesCaseSerializer

    def get_queryset(self):
        qs = selectors.cases(self.request.user).select_related(*selectors.LIST_RELATED)
        if self.action == "list":
            state = choice_param(self.request, "state", State.values)
            activity = id_param(self.request, "activity")
            if state:
                qs = qs.filter(state=state)
            if activity:
                qs = qs.filter(activity_id=activity)
            if bool_param(self.request, "in_queue"):
                qs = qs.filter(in_queue=True)
        return qs

    def get_serializer_class(self):
        return AfterSalesCaseSerializer if self.action == "list" else CaseDetailSerializer

    def _case(self, pk) -> Case:
        try:
            return selectors.case_for(self.request.user, int(pk))
        except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None

    def _detail(self, case, code=status.HTTP_200_OK):
        return Response(CaseDetailSerializer(self._case(case.pk)).data, status=code)

    @extend_schema(tags=TAG, request=BodyIn, responses={201: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = valid_data(BodyIn, request)
        case = self._case(pk)
        services.answer(actor=request.user, case=case, body=d["body"])
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        case = services.accept(actor=request.user, case=self._case(pk))
        return self._detail(case)

    @extend_schema(tags=TAG, request=ReasonIn, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        d = valid_data(ReasonIn, request)
        case = services.decline(actor=request.user, case=self._case(pk), reason=d["reason"])
        return self._detail(case)

    @extend_schema(tags=TAG, request=AssignIn, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = valid_data(AssignIn, request)
        case = self._case(pk)
        member = Member.objects.filter(pk=d["member"], entity_id=case.entity_id).first()
        if member is None:
            raise serializers.ValidationError({"member": [_("Choose a member of the cooperative who works in this trade.")]})
        case = services.assign(actor=request.user, case=case, member=member)
        return self._detail(case)

    @extend_schema(tags=TAG, request=ResolutionIn, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        d = valid_data(ResolutionIn, request)
        case = services.resolve(actor=request.user, case=self._case(pk), resolution=d["resolution"])
        return self._detail(case)

    @extend_schema(tags=TAG, request=ReasonIn, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        d = valid_data(ReasonIn, request)
        case = services.reject(actor=request.user, case=self._case(pk), reason=d["reason"])
        return self._detail(case)

    @extend_schema(tags=TAG, request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = services.close(actor=request.user, case=self._case(pk))
        return self._detail(case)


class WarrantyRuleSerializer(serializers.ModelSerializer):
    entity = serializers.IntegerField(source="entity_id", min_value=1, max_value=2**63 - 1)
    trade = serializers.IntegerField(source="trade_id", min_value=1, max_value=2**63 - 1, allow_null=True,
                                     required=False, default=None)
    service = serializers.IntegerField(source="service_id", min_value=1, max_value=2**63 - 1, allow_null=True,
                                       required=False, default=None)
    days = serializers.IntegerField(min_value=1, max_value=3660)
    starts_from = serializers.ChoiceField(choices=Starts.choices, default=Starts.INVOICE)

    class Meta:
        model = WarrantyRule
        fields = ["id", "entity", "trade", "service", "days", "starts_from"]
        read_only_fields = ["id"]


@extend_schema(tags=TAG)
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("entity", int)]))
class WarrantyRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = WarrantyRuleSerializer

    def get_queryset(self):
        qs = selectors.visible_rules(self.request.user)
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    def perform_create(self, serializer):
        d = serializer.validated_data
        entity = Entity.objects.filter(pk=d["entity_id"], pk__in=sorted(desk_entities(self.request.user))).first()
        if entity is None:
            raise serializers.ValidationError({"entity": [_("Choose one of the entities you work for.")]})
        trade = Trade.objects.filter(pk=d.get("trade_id")).first() if d.get("trade_id") else None
        if d.get("trade_id") and trade is None:
            raise serializers.ValidationError({"trade": [_("Choose a trade or a service.")]})
        service = Service.objects.filter(pk=d.get("service_id"), entity=entity).first() if d.get("service_id") else None
        if d.get("service_id") and service is None:
            raise serializers.ValidationError({"service": [_("Choose a service of this entity's catalogue.")]})
        serializer.instance = services.save_warranty_rule(actor=self.request.user, entity=entity, trade=trade,
                                                          service=service, days=d["days"],
                                                          starts_from=d["starts_from"])

    def perform_destroy(self, instance):
        services.delete_warranty_rule(actor=self.request.user, rule=instance)
