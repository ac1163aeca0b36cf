"""The exports through the API, for the entity's accountants and administrators: what can be
downloaded per year, and the same streamed files as the pages."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.params import choice_param, int_param

from . import catalogue, selectors, services
from .views import BOOKYEARS


class ExportFileSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    per_year = serializers.BooleanField()
    years = serializers.ListField(child=serializers.IntegerField())


class EntityExportsSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    files = ExportFileSerializer(many=True)


def _entity(request, entity_pk):
    entity = selectors.export_entities(request.user).filter(pk=entity_pk).first()
    if entity is None:
        raise Http404
    return entity


@extend_schema(tags=["exports"])
class EntityExportsView(APIView):
    """What can be downloaded for the entity, per year."""

    @extend_schema(responses=EntityExportsSerializer, operation_id="exports_files")
    def get(self, request, entity_pk: int):
        entity = _entity(request, entity_pk)
        years = catalogue.years(entity) or [timezone.localdate().year]
        files = [
            {
                "key": e.key,
                "title": str(e.title),
                "description": str(e.description),
                "per_year": e.per_year,
                "years": years if e.per_year else [],
            }
            for e in catalogue.for_entity(entity)
        ]
        return Response(EntityExportsSerializer({"entity": entity.pk, "files": files}).data)


@extend_schema(tags=["exports"])
class ExportDownloadView(APIView):
    """One file, streamed (FEC, WinBooks ACT/CSF, entries, accounts, third parties)."""

    @extend_schema(
        operation_id="exports_download",
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, enum=list(catalogue.BY_KEY)),
            OpenApiParameter("year", int, description="The year (default: this year)."),
            OpenApiParameter(
                "bookyear",
                str,
                enum=BOOKYEARS,
                description="WinBooks ACT.txt only: the book year's code in the dossier.",
            ),
        ],
        responses={
            (200, media): OpenApiResponse(OpenApiTypes.BINARY)
            for media in ("text/plain", "text/csv")
        },
    )
    def get(self, request, entity_pk: int, key: str):
        entity = _entity(request, entity_pk)
        export = catalogue.BY_KEY.get(key)
        if export is None or entity.jurisdiction not in export.jurisdictions:
            raise Http404
        year = int_param(
            request.query_params,
            "year",
            default=timezone.localdate().year,
            min_value=1900,
            max_value=2999,
        )
        options = (
            {"bookyear": choice_param(request.query_params, "bookyear", BOOKYEARS)}
            if key == "winbooks-act"
            else {}
        )
        return services.download(
            actor=request.user, entity=entity, export=export, year=year, **options
        )
