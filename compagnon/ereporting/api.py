"""E-reports through the API, for the entity's accountants: list and read them, download the
XML, build one for a period, send it to the platform. Same selectors and services as the pages."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import choice_param, id_param

from . import selectors, services
from .models import Report, ReportKind, ReportState


class ReportSerializer(serializers.ModelSerializer):
    flow_number = serializers.CharField(read_only=True, help_text="The specification's flow: 10.1 to 10.4.")
    matches_books = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "entity", "kind", "flow_number", "period_start", "period_end", "version", "state",
                  "figures", "proof", "matches_books", "tracking_id", "flow_id", "detail", "sha256", "built_at",
                  "sent_at"]
        read_only_fields = fields

    def get_matches_books(self, obj) -> bool:
        return bool(obj.proof.get("ok"))


class BuildSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """E-reports of the French entities whose books you keep (accountants, administrators). POST
    builds the report of a period (the same report when nothing changed; a correction when a sent
    one changed)."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        qs = selectors.reports(self.request.user)
        entity = id_param(self.request, "entity")
        kind = choice_param(self.request, "kind", ReportKind.values)
        state = choice_param(self.request, "state", ReportState.values)
        if entity:
            qs = qs.filter(entity_id=entity)
        if kind:
            qs = qs.filter(kind=kind)
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-period_start", "kind", "-version")

    @extend_schema(parameters=[
        OpenApiParameter("entity", int, description="Only this entity's reports"),
        OpenApiParameter("kind", str, enum=ReportKind.values, description="Only this report"),
        OpenApiParameter("state", str, enum=ReportState.values, description="Only reports in this state"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BuildSerializer, responses={201: ReportSerializer, 200: ReportSerializer})
    def create(self, request, *args, **kwargs):
        data = BuildSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        entity = permissions.entities(request.user).filter(pk=d["entity"]).first()
        if entity is None:
            raise Http404
        before = Report.objects.filter(entity=entity, kind=d["kind"], period_start=d["period_start"]).count()
        report = services.build_report(actor=request.user, entity=entity, kind=d["kind"], start=d["period_start"],
                                       end=d["period_end"])
        after = Report.objects.filter(entity=entity, kind=d["kind"], period_start=d["period_start"]).count()
        return Response(ReportSerializer(report).data,
                        status=status.HTTP_201_CREATED if after > before else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="send", url_name="send")
    def send(self, request, pk=None):
        """Send a report ready to send to the platform (refused when its amounts do not match the books)."""
        report = services.send_report(actor=request.user, report=self.get_object())
        return Response(ReportSerializer(report).data)

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, pk=None):
        """The report's XML file."""
        report = self.get_object()
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name,
                            content_type="application/xml")
