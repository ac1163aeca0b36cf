"""Fixed assets through the API, read-only: the assets of the activities you see, each with its
depreciation schedule and what is posted. Same selectors as the pages (404 outside your scope)."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from . import selectors
from .models import Asset


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The year's depreciation."
    )
    accumulated = serializers.DecimalField(max_digits=14, decimal_places=2)
    book_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="At the end of the year."
    )
    posted = serializers.BooleanField(help_text="Whether the year's entry is in the books.")
    entry = serializers.CharField(allow_null=True, help_text="The entry's reference, once posted.")


class AssetSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="in_use or disposed.")
    disposal_kind = serializers.CharField(
        read_only=True, help_text="sale or scrap, once disposed of."
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "entity",
            "activity",
            "invoice",
            "label",
            "category",
            "account_code",
            "cost",
            "acquired_on",
            "years",
            "state",
            "disposed_on",
            "disposal_kind",
            "disposal_price",
        ]
        read_only_fields = fields


class AssetDetailSerializer(AssetSerializer):
    schedule = serializers.SerializerMethodField()

    class Meta(AssetSerializer.Meta):
        fields = [*AssetSerializer.Meta.fields, "schedule"]
        read_only_fields = fields

    @extend_schema_field(PeriodSerializer(many=True))
    def get_schedule(self, obj):
        rows = selectors.schedule_rows(obj)
        return PeriodSerializer(
            [
                {
                    "year": r["period"].year,
                    "amount": r["amount"],
                    "accumulated": r["period"].accumulated,
                    "book_value": r["period"].book_value,
                    "posted": r["posted"] is not None,
                    "entry": r["posted"].entry.reference
                    if r["posted"] and r["posted"].entry_id
                    else None,
                }
                for r in rows
            ],
            many=True,
        ).data


class AssetViewSet(viewsets.ReadOnlyModelViewSet):
    """``GET /api/v1/assets/`` (``?state=in_use|disposed``) and ``GET /api/v1/assets/{id}/`` with
    the schedule."""

    def get_serializer_class(self):
        return AssetDetailSerializer if self.action == "retrieve" else AssetSerializer

    def get_queryset(self):
        state = self.request.query_params.get("state")
        return selectors.assets(
            self.request.user, state=state if state in ("in_use", "disposed") else None
        )

    def get_object(self):
        try:
            return selectors.asset_detail(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None
