"""Lettering through the API (accountants and administrators of the entity): open lines of an
account, letterings, letter lines, unletter with a reason. Same selectors and services as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.params import id_param

from . import selectors, services


class LetteringSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    account = serializers.CharField(source="account.code")
    code = serializers.CharField()
    date = serializers.DateField()
    automatic = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)
    undone_reason = serializers.CharField()
    lines = serializers.SerializerMethodField()

    def get_lines(self, obj) -> list[int]:
        return sorted(link.line_id for link in obj.lines.all())


class LetterSerializer(serializers.Serializer):
    entity = serializers.IntegerField(min_value=1)
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=2,
        max_length=500,
    )
    date = serializers.DateField(required=False)


class UnletterSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class OpenLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.CharField(source="entry.reference")
    date = serializers.DateField()
    label = serializers.CharField()
    client = serializers.IntegerField(source="client_id", allow_null=True)
    debit = serializers.DecimalField(max_digits=14, decimal_places=2)
    credit = serializers.DecimalField(max_digits=14, decimal_places=2)


@extend_schema(tags=["lettering"])
class LetteringViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Letterings of the entities whose books you keep, newest first (``?account=`` an account id)."""

    serializer_class = LetteringSerializer

    def get_queryset(self):
        qs = selectors.letterings(self.request.user)
        account = id_param(self.request.query_params, "account")
        if account:
            qs = qs.filter(account_id=account)
        return qs

    @extend_schema(parameters=[OpenApiParameter("account", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LetterSerializer, responses={201: LetteringSerializer})
    def create(self, request):
        data = LetterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entity = (
            selectors.book_entities(request.user).filter(pk=data.validated_data["entity"]).first()
        )
        if entity is None:
            raise Http404
        lettering = services.letter_lines(
            actor=request.user,
            entity=entity,
            line_ids=data.validated_data["lines"],
            date=data.validated_data.get("date"),
        )
        lettering = self.get_queryset().get(pk=lettering.pk)
        return Response(LetteringSerializer(lettering).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UnletterSerializer, responses=LetteringSerializer)
    @action(detail=True, methods=["post"])
    def unletter(self, request, pk=None):
        lettering = self.get_object()
        data = UnletterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.unletter(
            actor=request.user, lettering=lettering, reason=data.validated_data["reason"]
        )
        return Response(LetteringSerializer(self.get_queryset().get(pk=lettering.pk)).data)


@extend_schema(tags=["lettering"])
class OpenLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open (unlettered) lines of a client or supplier account: ``?account=`` (required), ``?client=``."""

    serializer_class = OpenLineSerializer

    def get_queryset(self):
        account_id = id_param(self.request.query_params, "account")
        client_id = id_param(self.request.query_params, "client")
        entities = selectors.book_entities(self.request.user)
        from compagnon.ledger.models import Account, EntryLine

        account = (
            Account.objects.filter(pk=account_id, entity__in=entities)
            .select_related("entity")
            .first()
            if account_id
            else None
        )
        if account is None:
            return EntryLine.objects.none()
        return selectors.open_lines(account.entity, account, client_id=client_id)

    @extend_schema(parameters=[OpenApiParameter("account", int), OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
