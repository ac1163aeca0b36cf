"""API for time entries (CRUD) and building statements of work done. Thin: selectors + services."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import bool_param, date_param, id_param
from compagnon.members.models import Activity
from compagnon.sales.models import Document, Kind

from . import selectors, services
from .duration import MAX_MINUTES, parse_duration
from .models import GroupBy, TimeEntry


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_MINUTES}, {"type": "string"}],
        "description": 'Minutes; as input also "1h30", "90", "2h", "45min".',
    }
)
class DurationMinutesField(serializers.Field):
    """Minutes as an integer, or a string the way people type it ("1h30", "90", "2h")."""

    default_error_messages = {
        "invalid": _("Write the time as minutes (90) or as 1h30, 2h, 45min."),
        "range": _("Enter a duration from 1 minute to 24 hours."),
    }

    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        minutes = parse_duration(data) if isinstance(data, int | str) else None
        if minutes is None:
            self.fail("invalid")
        if not 1 <= minutes <= MAX_MINUTES:
            self.fail("range")
        return minutes


class TimeEntrySerializer(serializers.ModelSerializer):
    duration = DurationMinutesField(
        help_text='Minutes (integer), or a string such as "1h30", "90", "2h".'
    )
    duration_display = serializers.CharField(read_only=True)
    locked = serializers.BooleanField(source="is_locked", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "activity",
            "client",
            "quote",
            "member",
            "date",
            "duration",
            "duration_display",
            "description",
            "billable",
            "hourly_rate",
            "statement",
            "locked",
            "created_at",
        ]
        read_only_fields = ["id", "statement", "locked", "created_at", "duration_display"]
        extra_kwargs = {
            "member": {"required": False, "help_text": "Defaults to you."},
            "date": {"required": False, "help_text": "Defaults to today."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            self.fields["activity"].queryset = permissions.activities(user)
            self.fields["client"].queryset = permissions.scoped_by_activity(
                user, Client.objects.all()
            )
            self.fields["quote"].queryset = permissions.scoped_by_activity(
                user, Document.objects.filter(kind=Kind.QUOTE)
            )
            self.fields["member"].queryset = permissions.members(user)
        if self.instance is not None and isinstance(self.instance, TimeEntry):
            self.fields["activity"].read_only = True


@extend_schema(tags=["time"])
class TimeEntryViewSet(viewsets.ModelViewSet):
    """Time spent in the activities you work in (or follow, read-only).

    An entry on a statement already sent to the client is locked (`locked: true`): changing or
    deleting it answers 400.
    """

    serializer_class = TimeEntrySerializer

    def get_queryset(self):
        qs = selectors.time_entries(self.request.user)
        request = self.request
        for param, lookup in (("activity", "activity_id"), ("client", "client_id")):
            if (pk := id_param(request, param)) is not None:
                qs = qs.filter(**{lookup: pk})
        for param, lookup in (("date_from", "date__gte"), ("date_to", "date__lte")):
            if (day := date_param(request, param)) is not None:
                qs = qs.filter(**{lookup: day})
        if bool_param(request, "unbilled"):
            qs = qs.filter(statement__isnull=True, billable=True)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("activity", int),
            OpenApiParameter("client", int),
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("unbilled", bool, description="Only billable time on no statement"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.add_time_entry(
            actor=self.request.user, activity=data.pop("activity"), **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_time_entry(
            actor=self.request.user, entry=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_time_entry(actor=self.request.user, entry=instance)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            fresh = self.get_queryset().get(pk=kwargs["pk"])
            response.data = self.get_serializer(fresh).data
        return response


class BuildStatementSerializer(serializers.Serializer):
    activity = serializers.IntegerField(help_text="Id of an activity you work in.")
    client = serializers.IntegerField(help_text="Id of one of the activity's clients.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    group_by = serializers.ChoiceField(choices=GroupBy.choices, default=GroupBy.WEEK)


@extend_schema(tags=["time"])
class BuildStatementView(APIView):
    """Build a draft statement of work done for a client over a period, from the billable time
    and expenses on no statement yet. Answers the new sales document's id; send it, have it
    accepted and invoice it through /api/v1/documents/."""

    @extend_schema(
        request=BuildStatementSerializer,
        responses={
            201: inline_serializer(
                "BuiltStatement",
                {
                    "id": serializers.IntegerField(),
                    "kind": serializers.CharField(),
                    "state": serializers.CharField(),
                    "title": serializers.CharField(),
                    "tax_exclusive": serializers.DecimalField(max_digits=14, decimal_places=2),
                    "tax_inclusive": serializers.DecimalField(max_digits=14, decimal_places=2),
                    "time_entries": serializers.IntegerField(),
                    "expenses": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request):
        data = BuildStatementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        # Outside the caller's scope, the activity and the client do not exist (404).
        try:
            activity = selectors.activity(request.user, v.pop("activity"))
            client = permissions.scoped_by_activity(request.user, Client.objects.all()).get(
                pk=v.pop("client")
            )
        except (Activity.DoesNotExist, Client.DoesNotExist):
            raise Http404 from None
        document = services.build_statement(
            actor=request.user, activity=activity, client=client, **v
        )
        document.refresh_from_db()
        return Response(
            {
                "id": document.pk,
                "kind": document.kind,
                "state": document.state,
                "title": document.title,
                "tax_exclusive": str(document.tax_exclusive),
                "tax_inclusive": str(document.tax_inclusive),
                "time_entries": document.statement_time_entries.count(),
                "expenses": document.statement_expenses.count(),
            },
            status=status.HTTP_201_CREATED,
        )
