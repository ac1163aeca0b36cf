"""The administrators' moderation queue through the API (404 for anybody else, and for reports of
another entity):

* ``messages/reports/`` — reports of the entities the caller administers (``?state=open`` or
  ``decided``); ``{id}/`` one; ``{id}/messages/`` the conversation up to the report, newest first;
  ``{id}/decide/`` ``{"decision": "close" | "warn" | "suspend", "note", "until"}``;
* ``messages/suspensions/`` — writing suspensions in force; ``{id}/lift/``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import choice_param, id_param

from . import moderation, selectors
from .api import PrivateMessageSerializer
from .models import Report, ReportState, Suspension

TAG = ["messages"]


class MessageReportSerializer(serializers.ModelSerializer):
    reporter_name = serializers.SerializerMethodField()
    reported_name = serializers.SerializerMethodField()
    state = serializers.CharField(help_text="open, closed, warned or suspended.")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Report
        fields = ["id", "entity", "conversation", "reporter", "reporter_name", "reported", "reported_name", "reason",
                  "state", "state_label", "created_at", "decided_at", "decision_note", "up_to_message_id"]
        read_only_fields = fields
        extra_kwargs = {"reporter": {"allow_null": True}, "reported": {"allow_null": True},
                        "decided_at": {"allow_null": True}}

    def get_reporter_name(self, obj) -> str:
        return str(obj.reporter) if obj.reporter_id else ""

    def get_reported_name(self, obj) -> str:
        return str(obj.reported) if obj.reported_id else ""


class MessageReportDecisionInSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=10, help_text="close, warn or suspend.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text="What the person reported is told (needed to warn or suspend).")
    until = serializers.DateField(required=False, allow_null=True, default=None,
                                  help_text="Suspended until this day included; empty: until lifted.")


class MessagingSuspensionSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__")

    class Meta:
        model = Suspension
        fields = ["id", "entity", "user", "user_name", "reason", "until", "created_at", "report"]
        read_only_fields = fields
        extra_kwargs = {"until": {"allow_null": True}, "report": {"allow_null": True}}


@extend_schema(tags=TAG)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MessageReportSerializer

    def get_queryset(self):
        state = choice_param(self.request, "state", ["open", "decided"])
        return selectors.reports(self.request.user, state=ReportState.OPEN if state == "open" else state)

    def get_object(self):
        try:
            return selectors.report(self.request.user, int(self.kwargs["pk"]))
        except (ObjectDoesNotExist, ValueError, OverflowError):
            raise Http404 from None

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("state", str, enum=["open", "decided"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, responses=PrivateMessageSerializer(many=True),
                   parameters=[OpenApiParameter("before", int, description="Only messages older than this one")])
    @action(detail=True, methods=["get"])
    def messages(self, request, pk=None):
        report = self.get_object()
        page = self.paginate_queryset(selectors.report_messages(report, before=id_param(request, "before")))
        return self.get_paginated_response(PrivateMessageSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(tags=TAG, request=MessageReportDecisionInSerializer, responses=MessageReportSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        report = self.get_object()
        d = valid_data(MessageReportDecisionInSerializer, request)
        report = moderation.decide_report(actor=request.user, report=report, decision=d["decision"], note=d["note"],
                                          until=d["until"])
        return Response(MessageReportSerializer(self.get_object()).data)


@extend_schema(tags=TAG)
class SuspensionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MessagingSuspensionSerializer

    def get_queryset(self):
        return selectors.suspensions(self.request.user)

    @extend_schema(tags=TAG, request=None, responses=MessagingSuspensionSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        suspension = moderation.lift_suspension(actor=request.user, suspension=self.get_object())
        return Response(MessagingSuspensionSerializer(suspension).data)
