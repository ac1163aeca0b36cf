"""GET /api/v1/glossary/: the terms in the request's language (Accept-Language or the user's)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from compagnon.core.params import text_param

from . import terms


class TermSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable identifier, as used by the {% term %} template tag.")
    label = serializers.CharField(help_text="The term, in the request's language.")
    definition = serializers.CharField(help_text="What it means, in plain words.")
    countries = serializers.ListField(child=serializers.ChoiceField(choices=["BE", "FR"]),
                                      help_text="Where it applies.")
    aliases = serializers.ListField(child=serializers.CharField(), help_text="Acronyms and other names.")


@extend_schema(
    tags=["glossary"],
    responses=TermSerializer(many=True),
    parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Words to look for (accents and case ignored).")],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def glossary(request):
    """The cooperative's and the law's words, explained in plain words, sorted by label."""
    found = terms.search(text_param(request.query_params, "q"))
    data = [{"key": t.key, "label": str(t.label), "definition": str(t.definition), "countries": list(t.countries),
             "aliases": list(t.aliases)} for t in found]
    return Response(TermSerializer(data, many=True).data)
