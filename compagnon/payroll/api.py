"""Salaries through the API: simulate, list and ask for salary requests (approve, refuse, cancel),
list and download payslips, list employment contracts. Same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.params import choice_param

from . import selectors, services
from .models import Contract, ContractKind, Payslip, RequestState, SalaryRequest

MONEY = {"max_digits": 12, "decimal_places": 2}


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.activities(self.context["request"].user)


class SalarySimulationInputSerializer(serializers.Serializer):
    employer_cost = serializers.DecimalField(required=False, min_value=0, max_value=100000, **MONEY,
                                             help_text="What the activity's budget pays (give one of the three).")
    net = serializers.DecimalField(required=False, min_value=0, max_value=100000, **MONEY,
                                   help_text="The net wanted, after withholding.")
    gross = serializers.DecimalField(required=False, min_value=0, max_value=100000, **MONEY)
    year = serializers.IntegerField(required=False, min_value=2020, max_value=2100)
    hours = serializers.DecimalField(required=False, allow_null=True, min_value=0, max_value=400, max_digits=6,
                                     decimal_places=2, help_text="Hours paid in the month (default: full time).")
    withholding_rate = serializers.DecimalField(required=False, allow_null=True, min_value=0, max_value=60,
                                                max_digits=5, decimal_places=2,
                                                help_text="France: the personal rate (default: yours).")
    children = serializers.IntegerField(required=False, min_value=0, max_value=20)

    def validate(self, attrs):
        given = [k for k in ("employer_cost", "net", "gross") if attrs.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError({"employer_cost": ["Give exactly one of employer_cost, net, gross."]})
        return attrs


class SalarySimulationLineSerializer(serializers.Serializer):
    side = serializers.CharField(help_text="employee or employer")
    key = serializers.CharField()
    label = serializers.CharField()
    base = serializers.DecimalField(**MONEY)
    rate = serializers.DecimalField(max_digits=9, decimal_places=4, help_text="percent; negative for a reduction")
    amount = serializers.DecimalField(**MONEY)
    body = serializers.CharField(help_text="urssaf (main social security body) or other")


class SalarySimulationSerializer(serializers.Serializer):
    country = serializers.CharField()
    year = serializers.IntegerField()
    rates_year = serializers.IntegerField(help_text="The year of the rates file used.")
    verified = serializers.BooleanField(help_text="Whether every rate was checked against its source.")
    estimate = serializers.BooleanField()
    asked = serializers.CharField()
    asked_amount = serializers.DecimalField(**MONEY)
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    employer_cost = serializers.DecimalField(**MONEY)
    gross = serializers.DecimalField(**MONEY)
    employee_contributions = serializers.DecimalField(**MONEY)
    employer_contributions = serializers.DecimalField(**MONEY)
    net_before_tax = serializers.DecimalField(**MONEY)
    taxable = serializers.DecimalField(**MONEY)
    withholding_rate = serializers.DecimalField(max_digits=6, decimal_places=2)
    withholding = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)
    lines = SalarySimulationLineSerializer(many=True)


@extend_schema(tags=["payroll"])
class SimulationView(APIView):
    @extend_schema(request=SalarySimulationInputSerializer, responses={200: SalarySimulationSerializer})
    def post(self, request):
        """An ESTIMATE of a salary for your entity's country: from an employer cost, a net or a
        gross. Nothing is saved."""
        data = SalarySimulationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        member = selectors.member_of(request.user)
        entity = member.entity if member else selectors.run_entities(request.user).first()
        if entity is None:
            raise Http404
        year = d.pop("year", None) or timezone.localdate().year
        month = services.first_day(timezone.localdate()).replace(year=year)
        result = services.simulate_for(member, entity, month, **d)
        return Response(SalarySimulationSerializer(result.as_dict()).data)


class SalaryRequestSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.__str__", read_only=True)
    month = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=RequestState.choices, read_only=True)

    class Meta:
        model = SalaryRequest
        fields = ["id", "month", "member", "activity", "state", "employer_cost", "gross", "net", "hours",
                  "expenses", "note", "refusal_reason", "created_at", "decided_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_month(self, obj) -> str:
        return obj.month.strftime("%Y-%m")


class SalaryRequestInputSerializer(serializers.Serializer):
    activity = ScopedActivityField()
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    employer_cost = serializers.DecimalField(required=False, min_value=0, **MONEY,
                                             help_text="Taken from the budget (or give net).")
    net = serializers.DecimalField(required=False, min_value=0, **MONEY)
    hours = serializers.DecimalField(required=False, allow_null=True, min_value=0, max_value=400, max_digits=6,
                                     decimal_places=2)
    expenses = serializers.DecimalField(required=False, min_value=0, **MONEY)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SalaryRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema(tags=["payroll"])
class SalaryRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Salary requests you see (members: their own; advisors: their offices'; accountants and
    administrators: their entities'). POST asks for a salary."""

    serializer_class = SalaryRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SalaryRequest.objects.none()
        state = choice_param(self.request, "state", RequestState.values)
        month = services.parse_month(self.request.query_params.get("month") or "") if self.request.query_params.get(
            "month") else None
        return selectors.request_list(self.request.user, state=state, month=month)

    def get_object(self):
        try:
            return selectors.request_detail(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(parameters=[
        OpenApiParameter("state", str, enum=RequestState.values, description="Only requests in this state"),
        OpenApiParameter("month", str, description="Only this month (YYYY-MM)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SalaryRequestInputSerializer, responses={201: SalaryRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = SalaryRequestInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        made = services.request_salary(actor=request.user, **data.validated_data)
        return Response(SalaryRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SalaryRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(SalaryRequestSerializer(services.approve_request(actor=request.user, request=self.get_object())).data)

    @extend_schema(request=SalaryRefuseSerializer, responses={200: SalaryRequestSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = SalaryRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(SalaryRequestSerializer(services.refuse_request(
            actor=request.user, request=self.get_object(), reason=data.validated_data["reason"])).data)

    @extend_schema(request=None, responses={200: SalaryRequestSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(SalaryRequestSerializer(services.cancel_request(actor=request.user, request=self.get_object())).data)


class PayslipSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    member = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = Payslip
        fields = ["id", "month", "member", "created_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_month(self, obj) -> str:
        return obj.month.strftime("%Y-%m")


@extend_schema(tags=["payroll"])
class PayslipViewSet(viewsets.ReadOnlyModelViewSet):
    """Payslips you see: yours (members), your offices' members' (advisors), your entities'
    (accountants, administrators)."""

    serializer_class = PayslipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payslip.objects.none()
        return selectors.payslips(self.request.user).order_by("-month", "-id")

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The payslip")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        slip = self.get_object()
        return FileResponse(slip.file.open("rb"), as_attachment=True, filename=f"payslip-{slip.month:%Y-%m}.pdf",
                            content_type="application/pdf")


class EmploymentContractSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ContractKind.choices)

    class Meta:
        model = Contract
        fields = ["id", "member", "activity", "kind", "reference", "start", "end", "hours_per_month"]
        read_only_fields = fields


@extend_schema(tags=["payroll"])
class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Employment contracts (French CAPE and CESA, Belgian contracts) you see."""

    serializer_class = EmploymentContractSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contract.objects.none()
        return selectors.contracts(self.request.user).order_by("member_id", "-start", "-id")


