"""Read-only API of the books. Scoped by the same selectors as the pages: 404 outside the scope."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import BIGINT_MAX, date_param, id_param, text_param

from . import selectors
from .models import Account, Entry, EntryLine


class AccountSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Account
        fields = ["id", "entity", "code", "name", "kind", "role", "vat_rate"]
        read_only_fields = fields


class EntryLineSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.label", read_only=True)
    account_role = serializers.CharField(source="account.role", read_only=True)

    class Meta:
        model = EntryLine
        fields = [
            "id",
            "account",
            "account_name",
            "account_role",
            "debit",
            "credit",
            "activity",
            "client",
            "label",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    journal = serializers.CharField(source="journal.code", read_only=True)
    reference = serializers.CharField(read_only=True)
    lines = EntryLineSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "entity",
            "journal",
            "year",
            "number",
            "reference",
            "date",
            "label",
            "kind",
            "source_type",
            "source_id",
            "reversal_of",
            "posted_at",
            "lines",
        ]
        read_only_fields = fields


class EntryFilterSerializer(serializers.Serializer):
    """Documents the filters of the entries list (read through ``core.params``)."""

    entity = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    activity = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    journal = serializers.CharField(required=False, max_length=6)
    account = serializers.CharField(required=False, max_length=12)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ActivityBalancesSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    contribution = serializers.DecimalField(max_digits=16, decimal_places=2)
    expenses = serializers.DecimalField(max_digits=16, decimal_places=2)
    result = serializers.DecimalField(max_digits=16, decimal_places=2)
    vat_collected = serializers.DecimalField(max_digits=16, decimal_places=2)
    receivables_open = serializers.DecimalField(max_digits=16, decimal_places=2)
    member_current = serializers.DecimalField(max_digits=16, decimal_places=2)
    treasury = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_debit = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_credit = serializers.DecimalField(max_digits=16, decimal_places=2)


@extend_schema(tags=["ledger"])
class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """The charts of accounts of the entities you belong to or work for."""

    serializer_class = AccountSerializer

    def get_queryset(self):
        qs = selectors.visible_accounts(self.request.user).select_related(None)
        if (entity := id_param(self.request, "entity")) is not None:
            qs = qs.filter(entity_id=entity)
        return qs

    @extend_schema(parameters=[OpenApiParameter("entity", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["ledger"])
class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Posted entries with their lines. Accountants and administrators read all of their entity's;
    members read the entries touching their activities (with the lines of those activities and the
    cooperative's own lines)."""

    serializer_class = EntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        request = self.request
        return selectors.visible_entries(
            self.request.user,
            journal=text_param(request, "journal", max_length=6),
            date_from=date_param(request, "date_from"),
            date_to=date_param(request, "date_to"),
            account=text_param(request, "account", max_length=12),
            activity_id=id_param(request, "activity"),
            entity_id=id_param(request, "entity"),
        )

    @extend_schema(parameters=[EntryFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["ledger"])
class ActivityBalancesViewSet(viewsets.ViewSet):
    """The figures of an activity's dashboard, computed from the books."""

    lookup_url_kwarg = "activity_id"
    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[OpenApiParameter("activity_id", int, OpenApiParameter.PATH)],
        responses=ActivityBalancesSerializer,
    )
    def retrieve(self, request, activity_id=None):
        activity = get_object_or_404(permissions.activities(request.user), pk=activity_id)
        figures = selectors.activity_balances(request.user, activity)
        return Response(ActivityBalancesSerializer({"activity": activity.pk, **figures}).data)
