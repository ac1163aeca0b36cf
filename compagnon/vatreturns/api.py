"""API of VAT returns: the figures of a form for a period (JSON), the Intervat XML of a Belgian
return, the filed returns of an entity. The entity's accountants only: 404 for anybody else."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import intervat
from .models import Form, VatReturn
from .views import _return_context


class BoxSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    section = serializers.CharField()
    base = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    formula = serializers.CharField(allow_blank=True)
    changed_since_filing = serializers.BooleanField()


class FiguresSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    form = serializers.ChoiceField(choices=Form.choices)
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    filed = serializers.BooleanField()
    filed_at = serializers.DateTimeField(allow_null=True)
    reference = serializers.CharField(allow_blank=True)
    settlement_entry = serializers.IntegerField(allow_null=True)
    later_lines = serializers.IntegerField(
        help_text="Ledger lines posted into the period after filing."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    boxes = BoxSerializer(many=True)


class VatReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = VatReturn
        fields = [
            "id",
            "entity",
            "form",
            "period",
            "period_start",
            "period_end",
            "filed_at",
            "reference",
            "settlement_entry",
        ]
        read_only_fields = fields


PATH = [
    OpenApiParameter("entity_id", int, OpenApiParameter.PATH),
    OpenApiParameter("form", str, OpenApiParameter.PATH, enum=Form.values),
    OpenApiParameter("period", str, OpenApiParameter.PATH, description="2026-03, 2026-Q1 or 2026"),
]


class FiguresView(APIView):
    """The boxes of a return: filed amounts once filed, read from the books otherwise."""

    @extend_schema(tags=["vat-returns"], parameters=PATH, responses=FiguresSerializer)
    def get(self, request, entity_id, form, period):
        c = _return_context(request, entity_id, form, period)
        r = c["vat_return"]
        data = {
            "entity": c["entity"].pk,
            "form": c["form"],
            "period": c["period"].key,
            "start": c["period"].start,
            "end": c["period"].end,
            "filed": r is not None,
            "filed_at": r.filed_at if r else None,
            "reference": r.reference if r else "",
            "settlement_entry": r.settlement_entry_id if r else None,
            "later_lines": c["later_count"],
            "warnings": [str(w) for w in c["warnings"]],
            "boxes": [{**b, "changed_since_filing": b["changed"]} for b in c["rows"]],
        }
        return Response(FiguresSerializer(data).data)


class XmlView(APIView):
    """The Intervat XML of a Belgian periodic return (VATConsignment)."""

    @extend_schema(
        tags=["vat-returns"],
        parameters=PATH,
        responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, entity_id, form, period):
        c = _return_context(request, entity_id, form, period)
        if c["form"] != Form.BE:
            raise Http404
        amounts = {b["code"]: b["amount"] or Decimal("0") for b in c["rows"]}
        data = intervat.vat_declaration(
            c["entity"], c["period"], amounts, reference=f"{c['entity'].pk}-{c['period'].key}"
        )
        return HttpResponse(data, content_type="application/xml")


class FiledListView(APIView):
    """The returns filed for an entity, newest first."""

    @extend_schema(
        tags=["vat-returns"], parameters=[PATH[0]], responses=VatReturnSerializer(many=True)
    )
    def get(self, request, entity_id):
        from compagnon.core.views_helpers import get_or_404

        from . import selectors

        entity = get_or_404(selectors.entity, request.user, entity_id)
        returns = selectors.filed_returns(request.user, entity).order_by("-period_start", "form")
        return Response(VatReturnSerializer(returns, many=True).data)
