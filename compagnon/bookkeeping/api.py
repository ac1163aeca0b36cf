"""API of manual entries, recurring entries and year closings: the entity's accountants only
(404 for anyone else, the same selectors as the pages)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.params import choice_param, id_param
from compagnon.ledger.models import Account
from compagnon.members.models import Activity

from . import closing, selectors, services
from .models import (
    Frequency,
    ManualEntry,
    ManualEntryLine,
    ManualEntryStatus,
    RecurringLine,
    RecurringTemplate,
    YearClosing,
)


class ManualLineSerializer(serializers.Serializer):
    account = serializers.CharField(max_length=12, help_text="Account number of the entity's chart")
    debit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
    credit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
    activity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    third_party = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class ManualLineOutSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.label", read_only=True)

    class Meta:
        model = ManualEntryLine
        fields = ["account", "account_name", "debit", "credit", "activity", "third_party"]
        read_only_fields = fields


class ManualEntrySerializer(serializers.ModelSerializer):
    lines = ManualLineOutSerializer(many=True, read_only=True)
    entry = serializers.SerializerMethodField()
    reversal = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ManualEntry
        fields = [
            "id",
            "entity",
            "date",
            "label",
            "status",
            "author",
            "first_validated_by",
            "validated_by",
            "refused_by",
            "refusal_reason",
            "entry",
            "reversal",
            "template",
            "period",
            "lines",
            "attachments",
        ]
        read_only_fields = fields

    def get_entry(self, obj) -> str | None:
        return obj.entry.reference if obj.entry_id else None

    def get_reversal(self, obj) -> str | None:
        return obj.reversal.reference if obj.reversal_id else None

    def get_attachments(self, obj) -> list[str]:
        return [a.filename for a in obj.attachments.all()]


class ManualEntryInputSerializer(serializers.Serializer):
    entity = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    label = serializers.CharField(max_length=200)
    lines = ManualLineSerializer(many=True)


class ManualRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ManualReverseSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _entity(request, entity_id):
    return get_object_or_404(selectors.entities(request.user), pk=entity_id)


def _lines(entity, rows) -> list[services.LineInput]:
    codes = {r["account"] for r in rows}
    accounts = {a.code: a for a in Account.objects.filter(entity=entity, code__in=codes)}
    ids = {r["activity"] for r in rows if r.get("activity")}
    activities = {a.pk: a for a in Activity.objects.filter(entity=entity, pk__in=ids)}
    errors = []
    out = []
    for i, r in enumerate(rows, start=1):
        account = accounts.get(r["account"])
        if account is None:
            errors.append(f"{i}: unknown account {r['account']}")
            continue
        activity = None
        if r.get("activity"):
            activity = activities.get(r["activity"])
            if activity is None:
                errors.append(f"{i}: unknown activity {r['activity']}")
                continue
        out.append(
            services.LineInput(
                account=account,
                debit=r["debit"],
                credit=r["credit"],
                activity=activity,
                third_party=r.get("third_party", ""),
            )
        )
    if errors:
        raise serializers.ValidationError({"lines": errors})
    return out


@extend_schema(tags=["bookkeeping"])
class ManualEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Manual entries (miscellaneous operations) of the entities whose books you keep: create a
    draft, validate it (a second accountant above the entity's threshold), refuse it, reverse it."""

    serializer_class = ManualEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ManualEntry.objects.none()
        qs = selectors.manual_entries(self.request.user)
        if self.action == "list":
            entity = id_param(self.request, "entity")
            state = choice_param(self.request, "status", ManualEntryStatus.values)
            if entity:
                qs = qs.filter(entity_id=entity)
            if state:
                qs = qs.filter(status=state)
        return qs

    def _fresh(self, obj, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("entity", int),
            OpenApiParameter("status", str, enum=ManualEntryStatus.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ManualEntryInputSerializer, responses={201: ManualEntrySerializer})
    def create(self, request, *args, **kwargs):
        data = ManualEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        entity = _entity(request, d["entity"])
        manual_entry = services.save_draft(
            actor=request.user,
            entity=entity,
            date=d["date"],
            label=d["label"],
            lines=_lines(entity, d["lines"]),
        )
        return self._fresh(manual_entry, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ManualEntrySerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Record the entry, or (above the threshold, by its author) ask a second accountant."""
        return self._fresh(services.validate(actor=request.user, manual_entry=self.get_object()))

    @extend_schema(request=ManualRefuseSerializer, responses=ManualEntrySerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = ManualRefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(
            services.refuse(
                actor=request.user, manual_entry=self.get_object(), **data.validated_data
            )
        )

    @extend_schema(request=ManualReverseSerializer, responses=ManualEntrySerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        data = ManualReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._fresh(
            services.reverse(
                actor=request.user, manual_entry=self.get_object(), **data.validated_data
            )
        )


class RecurringLineOutSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code", read_only=True)

    class Meta:
        model = RecurringLine
        fields = ["account", "debit", "credit", "activity", "third_party"]
        read_only_fields = fields


class RecurringTemplateSerializer(serializers.ModelSerializer):
    lines = RecurringLineOutSerializer(many=True, read_only=True)

    class Meta:
        model = RecurringTemplate
        fields = [
            "id",
            "entity",
            "label",
            "frequency",
            "day",
            "start_date",
            "end_date",
            "auto_post",
            "active",
            "lines",
        ]
        read_only_fields = fields


class RecurringTemplateInputSerializer(serializers.Serializer):
    entity = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=200)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    day = serializers.IntegerField(min_value=1, max_value=28, default=1)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    auto_post = serializers.BooleanField(default=False)
    active = serializers.BooleanField(default=True)
    lines = ManualLineSerializer(many=True)


@extend_schema(tags=["bookkeeping"])
class RecurringTemplateViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Recurring entries: one manual entry per month, quarter or year, made by the daily run."""

    serializer_class = RecurringTemplateSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecurringTemplate.objects.none()
        return selectors.templates(self.request.user)

    def _save(self, request, template=None):
        data = RecurringTemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        entity = _entity(request, d.pop("entity"))
        if template is not None and template.entity_id != entity.pk:
            raise Http404
        lines = _lines(entity, d.pop("lines"))
        return services.save_template(
            actor=request.user, entity=entity, template=template, lines=lines, **d
        )

    @extend_schema(
        request=RecurringTemplateInputSerializer, responses={201: RecurringTemplateSerializer}
    )
    def create(self, request, *args, **kwargs):
        template = self._save(request)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=template.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=RecurringTemplateInputSerializer, responses=RecurringTemplateSerializer)
    def update(self, request, *args, **kwargs):
        template = self._save(request, self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=template.pk)).data)


class ClosingBlockerSerializer(serializers.Serializer):
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())


class ClosingResultSerializer(serializers.Serializer):
    activity = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    income = serializers.DecimalField(max_digits=16, decimal_places=2)
    expenses = serializers.DecimalField(max_digits=16, decimal_places=2)
    result = serializers.DecimalField(max_digits=16, decimal_places=2)


class YearClosingStatusSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    year = serializers.IntegerField()
    closed = serializers.BooleanField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_entry = serializers.CharField(allow_null=True)
    opening_entry = serializers.CharField(allow_null=True)
    blockers = ClosingBlockerSerializer(many=True)
    results = ClosingResultSerializer(many=True)


def _status(entity, year, closed: YearClosing | None) -> dict:
    if closed is not None:
        return {
            "entity": entity.pk,
            "year": year,
            "closed": True,
            "closed_at": closed.closed_at,
            "closing_entry": closed.closing_entry.reference if closed.closing_entry_id else None,
            "opening_entry": closed.opening_entry.reference if closed.opening_entry_id else None,
            "blockers": [],
            "results": closed.results,
        }
    found = closing.blockers(entity, year)
    return {
        "entity": entity.pk,
        "year": year,
        "closed": False,
        "closed_at": None,
        "closing_entry": None,
        "opening_entry": None,
        "blockers": [{"message": b.message, "details": b.details} for b in found],
        "results": [] if found else closing.year_figures(entity, year)[1],
    }


@extend_schema(tags=["bookkeeping"])
class YearClosingView(APIView):
    """A year of an entity's books: GET says whether it is closed and, if not, what blocks its
    closing (in words) or the result per activity it would carry forward; POST closes it."""

    serializer_class = YearClosingStatusSerializer

    def _closed(self, request, entity, year):
        return selectors.closings(request.user, entity).filter(year=year).first()

    @extend_schema(responses=YearClosingStatusSerializer)
    def get(self, request, entity_pk: int, year: int):
        entity = _entity(request, entity_pk)
        return Response(
            YearClosingStatusSerializer(
                _status(entity, year, self._closed(request, entity, year))
            ).data
        )

    @extend_schema(request=None, responses={201: YearClosingStatusSerializer})
    def post(self, request, entity_pk: int, year: int):
        entity = _entity(request, entity_pk)
        closing.close_year(actor=request.user, entity=entity, year=year)
        return Response(
            YearClosingStatusSerializer(
                _status(entity, year, self._closed(request, entity, year))
            ).data,
            status=status.HTTP_201_CREATED,
        )
