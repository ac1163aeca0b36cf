"""The directory API, with the pages' rules (``access.py``) and services:

* ``GET directory/members/?q=&trade=&skill=&language=&postcode=&km=`` — the search, paginated;
  ``GET directory/members/{id}/`` — what the caller may see of one member (404 outside the rules);
* ``GET`` / ``PATCH directory/profile/`` — the caller's own choices and directory-only fields;
* ``GET directory/map/?office=`` — GeoJSON of an office (commune centroids, grouped by place).
A hidden field is ``null``; a visible field not filled in is empty.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from compagnon.core.api import Pagination, valid_data
from compagnon.core.params import BIGINT_MAX, id_param, page_param

from . import access, search, selectors, services
from .models import (
    CODE_VISIBILITIES,
    PRIVATE_VISIBILITY_LEVELS,
    VISIBILITY_CODES,
    VISIBILITY_LEVELS,
    ZONE_KM_MAX,
    DirectoryProfile,
)

TAG = ["directory"]
LEVELS = VISIBILITY_LEVELS


class TradeOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ActivityOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    trade = serializers.CharField(source="trade.name", default=None, allow_null=True)
    showcase_url = serializers.SerializerMethodField()

    def get_showcase_url(self, obj) -> str | None:
        try:
            sc = obj.showcase
        except ObjectDoesNotExist:
            sc = None
        return reverse("directory-showcase", args=[sc.slug]) if sc is not None and sc.enabled else None


class DirectoryResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="member_id", help_text="The member's id.")
    user = serializers.IntegerField(source="user_id", help_text="The member's user id (to write to them).")
    name = serializers.CharField()
    headline = serializers.CharField(allow_null=True)
    trades = TradeOutSerializer(many=True, allow_null=True)
    city = serializers.CharField(source="place", allow_null=True, help_text="Postcode and city, when visible.")
    url = serializers.CharField(help_text="The member's directory page.")
    message_url = serializers.CharField(allow_null=True, help_text="Where to write them a message.")


class DirectoryMemberSerializer(DirectoryResultSerializer):
    activities = ActivityOutSerializer(many=True, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(), allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), allow_null=True)
    bio = serializers.CharField(allow_null=True)
    zone = serializers.CharField(allow_null=True, help_text="The zone served and its radius.")
    website = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    sees = serializers.ChoiceField(
        source="access.level", choices=["self", "office", "entity", "public"],
        help_text="How the caller sees this member: self, office (a colleague of the office), entity.",
    )
    contact = serializers.BooleanField(source="access.contact", help_text="The caller sees the contact fields for their work.")


@extend_schema_field({"type": "string", "enum": LEVELS})
class LevelField(serializers.ChoiceField):
    """Who sees a field (one schema for all the fields, no enum component per field name)."""

    def __init__(self, **kwargs):
        super().__init__(choices=LEVELS, **kwargs)


@extend_schema_field({"type": "string", "enum": PRIVATE_VISIBILITY_LEVELS})
class PrivateLevelField(serializers.ChoiceField):
    """Who sees the email: never the public."""

    def __init__(self, **kwargs):
        super().__init__(choices=PRIVATE_VISIBILITY_LEVELS, **kwargs)


class DirectoryVisibility(serializers.Serializer):
    """Who sees each field: nobody, office, entity (all members) or public (the email: never)."""

    headline = LevelField(required=False)
    trades = LevelField(required=False)
    activities = LevelField(required=False)
    skills = LevelField(required=False)
    languages = LevelField(required=False)
    bio = LevelField(required=False)
    zone = LevelField(required=False)
    place = LevelField(required=False)
    website = LevelField(required=False)
    email = PrivateLevelField(required=False)
    phone = LevelField(required=False)


class DirectoryProfileSerializer(serializers.Serializer):
    headline = serializers.CharField(max_length=120, required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    zone_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    zone_postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    zone_km = serializers.IntegerField(min_value=1, max_value=ZONE_KM_MAX, required=False, allow_null=True)
    visibility = DirectoryVisibility(required=False)
    configured_at = serializers.DateTimeField(read_only=True, allow_null=True)


def _profile_data(profile: DirectoryProfile) -> dict:
    data = {name: getattr(profile, name) for name in services.EDITABLE}
    data["visibility"] = {name: VISIBILITY_CODES[profile.visibility(name)] for name in access.FIELD_NAMES}
    data["configured_at"] = profile.configured_at
    return data


class GeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2,
                                        help_text="Longitude, latitude of the commune's centre.")


class MapPersonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["member", "activity"])
    name = serializers.CharField()
    url = serializers.CharField()


class MapPropertiesSerializer(serializers.Serializer):
    label = serializers.CharField(allow_blank=True, help_text="The commune.")
    people = MapPersonSerializer(many=True, help_text="At most 30 per place.")
    more = serializers.IntegerField(help_text="How many more are at this place.")
    more_url = serializers.CharField(allow_blank=True, help_text="The search around this place, when there are more.")


class MapFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GeometrySerializer()
    properties = MapPropertiesSerializer()


class MapSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = MapFeatureSerializer(many=True)


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Keywords: a name, a skill, any word the caller may see."),
    OpenApiParameter("trade", str, description="A trade's code, e.g. gardening."),
    OpenApiParameter("skill", str),
    OpenApiParameter("language", str, description="A language, by name or code (fr, nl, en…)."),
    OpenApiParameter("postcode", str, description="A postcode or a commune: the centre of the zone."),
    OpenApiParameter("km", int, description="Distance from the postcode, 1 to 200 (default 20)."),
]


class SearchPagination(Pagination):
    """``?page=`` / ``?page_size=`` as everywhere; ``count`` is counted up to 50 or to the page's end
    (``count_exact`` false beyond it: "more than"), from the same walk of the search as the page
    (``search.counted_page``): a common word matches thousands of members, and counting them all would
    cost ten times the page."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = search.counted_page(queryset, page_param(request, self.page_query_param),
                                        self.get_page_size(request))
        if self.page is None:
            raise NotFound(self.invalid_page_message)  # as the other lists: DRF's words
        return self.page.rows

    def get_paginated_response(self, data):
        url, number = self.request.build_absolute_uri(), self.page.number
        return Response({
            "count": self.page.count,
            "count_exact": self.page.exact,
            "next": replace_query_param(url, self.page_query_param, number + 1) if self.page.has_next else None,
            "previous": replace_query_param(url, self.page_query_param, number - 1) if number > 1 else None,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "required": ["count", "count_exact", "results"], "properties": {
            "count": {"type": "integer", "description": "Members found, counted up to 50 or to this page's end."},
            "count_exact": {"type": "boolean", "description": "False when more members were found than counted."},
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": schema,
        }}


@extend_schema(tags=TAG)
class DirectoryMemberViewSet(viewsets.GenericViewSet):
    serializer_class = DirectoryResultSerializer
    pagination_class = SearchPagination
    queryset = DirectoryProfile.objects.none()
    lookup_value_regex = "[0-9]+"

    @extend_schema(tags=TAG, parameters=SEARCH_PARAMETERS, responses=DirectoryResultSerializer(many=True))
    def list(self, request):
        scope = selectors.scope(request.user)
        criteria = search.read_criteria(request, scope)
        page = self.paginate_queryset(search.search(scope, criteria))
        cards = selectors.result_cards(request.user, page)
        return self.get_paginated_response(DirectoryResultSerializer(cards, many=True).data)

    @extend_schema(tags=TAG, responses=DirectoryMemberSerializer)
    def retrieve(self, request, pk=None):
        if int(pk) > BIGINT_MAX:
            raise Http404
        try:
            card = selectors.member_card(request.user, int(pk))
        except selectors.Member.DoesNotExist:
            raise Http404 from None
        return Response(DirectoryMemberSerializer(card).data)


class MyProfileView(APIView):
    def _member(self, request):
        member = selectors.own_member(request.user)
        if member is None:
            raise Http404
        return member

    @extend_schema(tags=TAG, responses=DirectoryProfileSerializer)
    def get(self, request):
        return Response(DirectoryProfileSerializer(_profile_data(services.profile_of(self._member(request)))).data)

    @extend_schema(tags=TAG, request=DirectoryProfileSerializer, responses=DirectoryProfileSerializer)
    def patch(self, request):
        member = self._member(request)
        data = dict(valid_data(DirectoryProfileSerializer, request))
        changes = {k: v for k, v in data.items() if k in services.EDITABLE}
        for name, code in (data.get("visibility") or {}).items():
            changes[f"{name}_visibility"] = CODE_VISIBILITIES[code]
        profile = services.update_profile(actor=request.user, member=member, **changes)
        return Response(DirectoryProfileSerializer(_profile_data(profile)).data)


class MapView(APIView):
    @extend_schema(
        tags=TAG, responses=MapSerializer,
        parameters=[OpenApiParameter("office", int, description="An office's id (default: the caller's office).")],
    )
    def get(self, request):
        office_id = id_param(request, "office") or selectors.default_office(request.user)
        return Response(selectors.map_features(request.user, office_id))
