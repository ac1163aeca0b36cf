"""Home services through the API, with the pages' selectors and services (404 outside one's scope):

* ``field-invoices/`` — the invoices prepared from sheets (``?state=``), ``{id}/send/`` (issue and
  send; ``Idempotency-Key`` header), ``send-all/`` (every ready one), ``{id}/hold/`` (``{"held"}``);
* ``tax-certificates/`` (``?year=``), ``{id}/pdf/``;
* ``home-services-declarations/`` and ``{entity}/`` (GET, PUT) — the declaration number and
  signatory the entity's certificates print (its administrators);
* ``urssaf-clients/`` (register a client for the immediate advance), ``urssaf-requests/`` (list,
  send one for an issued invoice);
* ``surveys/`` — the answers about one's own work, ``surveys/summary/`` — one's average and the
  sectors' averages (from 5 answers).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import choice_param, int_param
from compagnon.sales.models import Document

from . import certificates, immediate, invoicing, rules, surveys, urssaf
from .models import (
    Certificate,
    FieldInvoice,
    FieldInvoiceState,
    Survey,
    UrssafClient,
    UrssafRequest,
)
from .views import _pdf_response

MONEY = {"max_digits": 14, "decimal_places": 2}


class FieldInvoiceSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="document.client.name", read_only=True)
    number = serializers.CharField(source="document.number", read_only=True)
    total = serializers.DecimalField(source="document.tax_inclusive", **MONEY, read_only=True)
    hours = serializers.SerializerMethodField()

    class Meta:
        model = FieldInvoice
        fields = [
            "id",
            "contract",
            "activity",
            "document",
            "number",
            "client",
            "period_start",
            "period_end",
            "state",
            "total",
            "hours",
            "eligible_amount",
            "workers",
            "send_on",
            "send_error",
            "issued_at",
        ]
        read_only_fields = fields

    def get_hours(self, obj) -> str:
        return str(invoicing.hours_of(obj.minutes))


class SentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="field_invoice.pk")
    number = serializers.CharField(source="field_invoice.document.number")
    sent = serializers.BooleanField()
    message = serializers.CharField()


class HoldSerializer(serializers.Serializer):
    held = serializers.BooleanField(default=True)


class FieldInvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FieldInvoiceSerializer

    def get_queryset(self):
        qs = (
            rules.field_invoices(self.request.user)
            .select_related("document__client")
            .order_by("period_end", "id")
        )
        state = choice_param(self.request, "state", FieldInvoiceState.values)
        return qs.filter(state=state) if state else qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=FieldInvoiceState.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: SentSerializer},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        fi = self.get_object()
        result = invoicing.issue_and_send(
            actor=request.user, field_invoice=fi, key=request.headers.get("Idempotency-Key") or None
        )
        return Response(SentSerializer(result).data)

    @extend_schema(request=None, responses={200: SentSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="send-all", pagination_class=None)
    def send_all(self, request):
        ready = [
            f
            for f in rules.field_invoices(request.user)
            .filter(state=FieldInvoiceState.READY)
            .select_related("document__activity", "document__entity", "document__client")
            if request.user.has_perm("sales.change_document", f.document)
        ]
        return Response(
            SentSerializer(
                invoicing.send_all(actor=request.user, field_invoices=ready), many=True
            ).data
        )

    @extend_schema(request=HoldSerializer, responses={200: FieldInvoiceSerializer})
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        data = HoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fi = invoicing.hold(
            actor=request.user, field_invoice=self.get_object(), held=data.validated_data["held"]
        )
        return Response(FieldInvoiceSerializer(fi).data)


class CertificateSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    hours = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)
    current = serializers.BooleanField(read_only=True)
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "client",
            "client_name",
            "activity",
            "year",
            "version",
            "amount_paid",
            "cesu_amount",
            "hours",
            "workers",
            "current",
            "superseded_at",
            "emailed_at",
            "created_at",
            "has_pdf",
        ]
        read_only_fields = fields

    def get_has_pdf(self, obj) -> bool:
        return bool(obj.pdf)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CertificateSerializer

    def get_queryset(self):
        qs = (
            rules.certificates(self.request.user)
            .select_related("client")
            .order_by("-year", "client_id", "-version")
        )
        year = int_param(self.request, "year", min_value=2000, max_value=2100)
        return qs.filter(year=year) if year else qs

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return _pdf_response(self.get_object())


class DeclarationSerializer(serializers.Serializer):
    entity = serializers.IntegerField(read_only=True)
    entity_name = serializers.CharField(read_only=True)
    sap_number = serializers.CharField(max_length=40, allow_blank=True)
    signatory = serializers.CharField(max_length=200, allow_blank=True)


def _declaration(declared) -> dict:
    return {
        "entity": declared.entity.pk,
        "entity_name": declared.entity.name,
        "sap_number": declared.sap_number,
        "signatory": declared.signatory,
    }


class DeclarationViewSet(viewsets.ViewSet):
    """What the tax certificates of an entity print about it, for its administrators:
    ``GET home-services-declarations/``, ``GET|PUT home-services-declarations/{entity}/``."""

    lookup_value_regex = r"\d+"
    serializer_class = DeclarationSerializer

    def _entity(self, pk):
        from compagnon.organisation.models import Entity

        if int(pk) not in permissions.scope_for(self.request.user).admin_entities:
            raise Http404
        return get_object_or_404(Entity, pk=pk)

    @extend_schema(responses={200: DeclarationSerializer(many=True)})
    def list(self, request):
        return Response([_declaration(d) for d in certificates.declarations(request.user)])

    @extend_schema(responses={200: DeclarationSerializer})
    def retrieve(self, request, pk=None):
        entity = self._entity(pk)
        return Response(_declaration(certificates.settings_for(entity)))

    @extend_schema(request=DeclarationSerializer, responses={200: DeclarationSerializer})
    def update(self, request, pk=None):
        entity = self._entity(pk)
        data = DeclarationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declared = certificates.save_settings(
            actor=request.user, entity=entity, **data.validated_data
        )
        return Response(_declaration(declared))


class RegisterSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    civility = serializers.ChoiceField(choices=["1", "2"])
    birth_name = serializers.CharField(max_length=80)
    usage_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    first_names = serializers.CharField(max_length=120)
    birth_date = serializers.DateField()
    birth_country = serializers.CharField(max_length=5)
    birth_commune = serializers.CharField(
        max_length=5, required=False, allow_blank=True, default=""
    )
    mobile = serializers.CharField(max_length=20)
    email = serializers.EmailField()
    street = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    iban = serializers.CharField(max_length=42)
    bic = serializers.CharField(max_length=11)
    holder = serializers.CharField(max_length=100)


class UrssafClientSerializer(serializers.ModelSerializer):
    class Meta:
        model = UrssafClient
        fields = ["id", "client", "activity", "urssaf_id", "registered_at"]
        read_only_fields = fields


class UrssafClientViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UrssafClientSerializer

    def get_queryset(self):
        return permissions.scoped_by_activity(
            self.request.user, UrssafClient.objects.all()
        ).order_by("-registered_at", "-id")

    @extend_schema(request=RegisterSerializer, responses={201: UrssafClientSerializer})
    def create(self, request, *args, **kwargs):
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client = get_object_or_404(
            permissions.scoped_by_activity(request.user, Client.objects.all()),
            pk=values.pop("client"),
        )
        registered = immediate.register_client(
            actor=request.user, client=client, person=urssaf.Person(**values)
        )
        return Response(UrssafClientSerializer(registered).data, status=status.HTTP_201_CREATED)


class UrssafRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="document.number", read_only=True)

    class Meta:
        model = UrssafRequest
        fields = [
            "id",
            "document",
            "number",
            "activity",
            "urssaf_id",
            "status",
            "status_code",
            "total",
            "client_share",
            "urssaf_share",
            "polled_at",
            "status_changed_at",
            "created_at",
        ]
        read_only_fields = fields


class UrssafAskSerializer(serializers.Serializer):
    document = serializers.IntegerField()


class UrssafRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UrssafRequestSerializer

    def get_queryset(self):
        return (
            rules.urssaf_requests(self.request.user)
            .select_related("document")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=UrssafAskSerializer, responses={201: UrssafRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = UrssafAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_object_or_404(
            permissions.scoped_by_activity(request.user, Document.objects.all()).select_related(
                "activity", "entity", "client"
            ),
            pk=data.validated_data["document"],
        )
        made = immediate.request_payment(actor=request.user, document=document)
        return Response(UrssafRequestSerializer(made).data, status=status.HTTP_201_CREATED)


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "visit", "contract", "month", "stars", "comment", "answered_at"]
        read_only_fields = fields


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """The answers about your own visits (nobody else reads them)."""

    serializer_class = SurveySerializer

    def get_queryset(self):
        return (
            rules.my_surveys(self.request.user)
            .filter(answered_at__isnull=False)
            .order_by("-answered_at", "-id")
        )


class SectorAverageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    answers = serializers.IntegerField()
    shown = serializers.BooleanField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class SurveySummarySerializer(serializers.Serializer):
    answers = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    sectors = SectorAverageSerializer(many=True)


class SurveySummaryView(APIView):
    @extend_schema(responses={200: SurveySummarySerializer})
    def get(self, request):
        mine = surveys.summary(rules.my_surveys(request.user))
        return Response(
            SurveySummarySerializer(
                {
                    "answers": mine.answers,
                    "average": mine.average,
                    "sectors": surveys.sector_summaries(rules.sector_ids(request.user)),
                }
            ).data
        )
