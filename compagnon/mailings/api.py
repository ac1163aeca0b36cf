"""The mailings API, with the pages' selectors and services (404 outside one's scope):

* ``mailings/preferences/`` — GET / PATCH the caller's own choices: ``modes`` (per kind:
  "email", "app" or "none") and ``interests`` (topic ids);
* ``mailings/interests/`` — the topics of the caller's entity (staff: of the entities they write
  to); POST / PATCH for administrators;
* ``mailings/news/`` — the caller's news, newest first (``id`` is the mailing's); ``{id}/read/``
  and ``read-all/`` (POST) mark them read;
* ``mailings/mailings/`` — staff: list (``?status=draft|scheduled|sending|sent``), create,
  read, PATCH, DELETE (drafts); ``count/`` (POST criteria: the count before saving),
  ``{id}/audience/`` (the count), ``{id}/send/``, ``{id}/schedule/`` (``{"at"}``),
  ``{id}/unschedule/``, ``{id}/retry/`` (the failed emails), ``{id}/progress/``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.api import valid_data
from compagnon.core.params import choice_param, id_param
from compagnon.members.models import Maturity

from . import audience, rendering, selectors, sending, services
from .forms import STATUS_CHOICES
from .models import Interest, Kind, Mailing, MailingState, Mode

TAG = ["mailings"]


def ids_field(**kwargs):
    """A list of ids the database can hold (each list its own child field)."""
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), **kwargs)


# --- preferences ---------------------------------------------------------------------------------


class MailingModesSerializer(serializers.Serializer):
    newsletter = serializers.ChoiceField(choices=Mode.choices, required=False)
    office = serializers.ChoiceField(choices=Mode.choices, required=False)
    trade = serializers.ChoiceField(choices=Mode.choices, required=False)
    announcement = serializers.ChoiceField(choices=Mode.choices, required=False)


class MailingPreferencesSerializer(serializers.Serializer):
    modes = MailingModesSerializer(required=False, help_text="Per kind of communication: by email (and in the "
                                                             "app), in the app only, or not at all.")
    interests = ids_field(required=False, help_text="The ids of the topics the member declares.")


@extend_schema(tags=TAG)
class PreferencesView(APIView):
    """The caller's own communication preferences and interests (members only; 404 otherwise)."""

    def _member(self, request):
        member = selectors.own_member(request.user)
        if member is None:
            raise Http404
        return member

    def _out(self, member):
        return {"modes": selectors.preferences_of(member), "interests": selectors.declared_interest_ids(member)}

    @extend_schema(responses=MailingPreferencesSerializer)
    def get(self, request):
        return Response(self._out(self._member(request)))

    @extend_schema(request=MailingPreferencesSerializer, responses=MailingPreferencesSerializer)
    def patch(self, request):
        member = self._member(request)
        data = valid_data(MailingPreferencesSerializer, request)
        services.save_preferences(actor=request.user, member=member, modes=data.get("modes"),
                                  interests=data.get("interests"))
        return Response(self._out(member))


# --- interests -----------------------------------------------------------------------------------


class MailingInterestSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Interest
        fields = ["id", "entity", "name", "name_fr", "name_nl", "name_en", "position", "archived"]
        read_only_fields = ["id", "entity", "name"]


class MailingInterestInSerializer(serializers.Serializer):
    entity = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text="On creation: the entity (when you administer "
                                                                "several).")
    name_fr = serializers.CharField(required=False, allow_blank=True, max_length=80)
    name_nl = serializers.CharField(required=False, allow_blank=True, max_length=80)
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=80)
    position = serializers.IntegerField(required=False, min_value=0, max_value=999)
    archived = serializers.BooleanField(required=False)


@extend_schema(tags=TAG)
class InterestViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MailingInterestSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Interest.objects.none()
        return selectors.interests(self.request.user, entity_id=id_param(self.request, "entity"),
                                   with_archived=True)

    @extend_schema(parameters=[OpenApiParameter("entity", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MailingInterestInSerializer, responses={201: MailingInterestSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(MailingInterestInSerializer, request))
        entities = list(selectors.admin_entities(request.user))
        entity_id = data.pop("entity", None)
        entity = next((e for e in entities if e.pk == entity_id), None) if entity_id else (
            entities[0] if len(entities) == 1 else None)
        if entity is None:
            raise Http404
        interest = services.save_interest(actor=request.user, entity=entity, **data)
        return Response(MailingInterestSerializer(interest).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MailingInterestInSerializer, responses=MailingInterestSerializer)
    def partial_update(self, request, *args, **kwargs):
        interest = self.get_object()
        s = MailingInterestInSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        values = {k: getattr(interest, k) for k in ("name_fr", "name_nl", "name_en", "position", "archived")}
        values.update({k: v for k, v in s.validated_data.items() if k != "entity"})
        interest = services.save_interest(actor=request.user, entity=interest.entity, interest=interest, **values)
        return Response(MailingInterestSerializer(interest).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


# --- news ----------------------------------------------------------------------------------------


class MailingNewsSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="mailing_id", help_text="The mailing's id.")
    kind = serializers.ChoiceField(source="mailing.kind", choices=Kind.choices)
    is_service = serializers.BooleanField(source="mailing.is_service")
    subject = serializers.CharField()
    excerpt = serializers.CharField()
    published_at = serializers.DateTimeField(source="mailing.published_at")
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.BooleanField()


class MailingNewsDetailSerializer(MailingNewsSerializer):
    body = serializers.SerializerMethodField(help_text="The message as written (Markdown).")
    body_html = serializers.SerializerMethodField(help_text="The message as sanitized HTML.")

    def get_body(self, row) -> str:
        return row.mailing.text()[1]

    def get_body_html(self, row) -> str:
        return str(rendering.to_html(row.mailing.text()[1]))


@extend_schema(tags=TAG)
class NewsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's news: the mailings published in the app whose audience included them."""

    serializer_class = MailingNewsSerializer
    lookup_field = "mailing_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        return selectors.news(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MailingNewsSerializer(selectors.decorate(page), many=True).data)

    @extend_schema(responses=MailingNewsDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(MailingNewsDetailSerializer(selectors.decorate([self.get_object()])[0]).data)

    @extend_schema(request=None, responses=MailingNewsSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = self.get_object()
        services.mark_read(actor=request.user, delivery=row)
        row.refresh_from_db()
        return Response(MailingNewsSerializer(selectors.decorate([row])[0]).data)

    @extend_schema(request=None, responses={200: OpenApiResponse(description='{"marked": n}')})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(actor=request.user)})


# --- mailings (staff) ----------------------------------------------------------------------------


class MailingSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(read_only=True)
    offices = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    trades = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    interests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    postcode_prefixes = serializers.ListField(child=serializers.CharField(), read_only=True)
    maturities = serializers.ListField(child=serializers.ChoiceField(choices=Maturity.choices), read_only=True)
    statuses = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_CHOICES), read_only=True)

    class Meta:
        model = Mailing
        fields = ["id", "entity", "kind", "is_service", "language", "subject", "subject_fr", "body_fr", "subject_nl",
                  "body_nl", "subject_en", "body_en", "send_email", "publish_news", "offices", "postcode_prefixes",
                  "trades", "maturities", "statuses", "interests", "state", "scheduled_for", "published_at",
                  "finished_at", "recipient_count", "created_by", "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {k: {"allow_null": True} for k in ("scheduled_for", "published_at", "finished_at",
                                                           "recipient_count")}


class MailingInSerializer(serializers.Serializer):
    entity = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text="On creation: the entity (when you write to "
                                                                "several). Ignored when changing.")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    is_service = serializers.BooleanField(required=False)
    send_email = serializers.BooleanField(required=False)
    publish_news = serializers.BooleanField(required=False)
    subject_fr = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_SUBJECT)
    body_fr = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_BODY)
    subject_nl = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_SUBJECT)
    body_nl = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_BODY)
    subject_en = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_SUBJECT)
    body_en = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_BODY)
    offices = ids_field(required=False)
    trades = ids_field(required=False)
    interests = ids_field(required=False)
    postcode_prefixes = serializers.ListField(child=serializers.CharField(max_length=10), required=False,
                                              max_length=services.MAX_PREFIXES)
    maturities = serializers.ListField(child=serializers.ChoiceField(choices=Maturity.choices), required=False)
    statuses = serializers.ListField(child=serializers.ChoiceField(choices=STATUS_CHOICES), required=False)


class MailingCountSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Everyone it reaches.")
    by_email = serializers.IntegerField()
    in_app = serializers.IntegerField(help_text="Those who find it in their news list.")


class MailingProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    waiting = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    in_app = serializers.IntegerField()
    read = serializers.IntegerField()


class MailingScheduleSerializer(serializers.Serializer):
    at = serializers.DateTimeField()


STATES = tuple(MailingState.values)


@extend_schema(tags=TAG)
class MailingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    serializer_class = MailingSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mailing.objects.none()
        qs = selectors.mailings(self.request.user).prefetch_related("offices", "trades", "interests")
        if self.action == "list":
            state = choice_param(self.request, "status", STATES)
            if state:
                qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-id")

    def _entity(self, pk):
        entities = list(selectors.writer_entities(self.request.user))
        entity = next((e for e in entities if e.pk == pk), None) if pk else (entities[0] if len(entities) == 1
                                                                             else None)
        if entity is None:
            raise Http404
        return entity

    def _out(self, m):
        return MailingSerializer(selectors.mailing(self.request.user, m.pk)).data

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=list(STATES))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MailingInSerializer, responses={201: MailingSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(MailingInSerializer, request))
        entity = self._entity(data.pop("entity", None))
        m = services.create_mailing(actor=request.user, entity=entity, **data)
        return Response(self._out(m), status=status.HTTP_201_CREATED)

    @extend_schema(request=MailingInSerializer, responses=MailingSerializer)
    def partial_update(self, request, *args, **kwargs):
        m = self.get_object()
        s = MailingInSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        values = {k: v for k, v in s.validated_data.items() if k != "entity"}
        return Response(self._out(services.update_mailing(actor=request.user, mailing=m, **values)))

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.delete_mailing(actor=request.user, mailing=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MailingInSerializer, responses=MailingCountSerializer)
    @action(detail=False, methods=["post"])
    def count(self, request):
        """The count of recipients of a mailing being written (nothing saved)."""
        data = dict(valid_data(MailingInSerializer, request))
        entity = self._entity(data.pop("entity", None))
        data.setdefault("send_email", True)
        return Response(audience.count(services.criteria_for(actor=request.user, entity=entity, **data)))

    @extend_schema(responses=MailingCountSerializer)
    @action(detail=True, methods=["get"])
    def audience(self, request, pk=None):
        return Response(audience.count(audience.Criteria.of(self.get_object())))

    @extend_schema(request=None, responses=MailingSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return Response(self._out(services.send_now(actor=request.user, mailing=self.get_object())))

    @extend_schema(request=MailingScheduleSerializer, responses=MailingSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        m = self.get_object()
        data = valid_data(MailingScheduleSerializer, request)
        return Response(self._out(services.schedule(actor=request.user, mailing=m, at=data["at"])))

    @extend_schema(request=None, responses=MailingSerializer)
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        return Response(self._out(services.cancel_schedule(actor=request.user, mailing=self.get_object())))

    @extend_schema(request=None, responses=MailingSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        m = self.get_object()
        services.retry_failed(actor=request.user, mailing=m)
        return Response(self._out(m))

    @extend_schema(responses=MailingProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(sending.progress(self.get_object()))
