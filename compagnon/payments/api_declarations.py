"""API of payments a member declares received directly: the member declares (multipart, with an
optional photo), everyone reads what they may, accountants confirm cash or reject. Same selectors
and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from compagnon.core.params import choice_param, id_param
from compagnon.sales.models import Document

from . import declarations, selectors
from .models import Declaration, DeclarationState, Means


class PaymentDeclarationSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Declaration
        fields = [
            "id",
            "document",
            "document_number",
            "activity",
            "amount",
            "received_on",
            "means",
            "note",
            "state",
            "rejection_reason",
            "allocation",
            "has_photo",
            "created_at",
            "resolved_at",
            "flagged_at",
        ]
        read_only_fields = fields

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class PaymentDeclareSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    received_on = serializers.DateField()
    means = serializers.ChoiceField(choices=Means.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    photo = serializers.FileField(required=False, allow_null=True)


class PaymentRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


@extend_schema(tags=["payments"])
class DeclarationViewSet(viewsets.GenericViewSet):
    """Payments declared received directly by members (cheque, cash, transfer to the member). Members
    read and declare on their activities' invoices; accountants and administrators read their
    entity's, confirm cash received at the office and reject. ``?state=``, ``?document=``."""

    serializer_class = PaymentDeclarationSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        return selectors.declarations(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(DeclarationState.values)),
            OpenApiParameter("document", int),
        ]
    )
    def list(self, request):
        qs = self.get_queryset()
        if state := choice_param(request, "state", DeclarationState.values):
            qs = qs.filter(state=state)
        if (document := id_param(request, "document")) is not None:
            qs = qs.filter(document_id=document)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=PaymentDeclareSerializer, responses={201: PaymentDeclarationSerializer})
    def create(self, request):
        data = PaymentDeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            document = selectors.visible_document(request.user, v["document"])
        except Document.DoesNotExist as exc:  # not yours is not found
            raise NotFound() from exc
        d = declarations.declare(
            actor=request.user,
            document=document,
            amount=v["amount"],
            received_on=v["received_on"],
            means=v["means"],
            note=v["note"],
            photo=v.get("photo"),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=d.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _staff(self, pk):
        try:
            return selectors.staff_declaration(self.request.user, int(pk))
        except (Declaration.DoesNotExist, ValueError) as exc:
            raise NotFound() from exc

    @extend_schema(request=None, responses=PaymentDeclarationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Cash received at the office: the invoice is paid (cash account / client receivable)."""
        d = declarations.confirm_cash(actor=request.user, declaration=self._staff(pk))
        return Response(self.get_serializer(self.get_queryset().get(pk=d.pk)).data)

    @extend_schema(request=PaymentRejectSerializer, responses=PaymentDeclarationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = PaymentRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = declarations.reject(
            actor=request.user, declaration=self._staff(pk), reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=d.pk)).data)
