"""The agenda and trainings API, with the pages' selectors and services (404 outside one's scope):

* ``events/?kind=&status=&upcoming=`` — the events the caller sees (upcoming by default);
  POST creates one (staff: published at once); ``events/propose/`` (a member: waits for
  validation); ``{id}/validate/``, ``{id}/decline/`` (``{"reason"}``), ``{id}/cancel-event/``
  (``{"reason"}``) for the staff of its office or entity; ``{id}/register/`` and ``{id}/cancel/``
  (the caller's own registration); ``{id}/attendance/`` (GET the list; POST ``{"marks": [{"registration",
  "attendance"}]}``: staff and the trainer);
* ``event-registrations/`` — the caller's registrations; ``{id}/certificate/`` the PDF certificate
  of attendance (the attendee and staff);
* ``training-sessions/`` — upcoming trainings; POST opens one (staff);
* ``training-requests/`` — the caller's requests (and, for staff, their entities'); POST asks
  ``{"topic", "level", "note"}``; ``{id}/withdraw/``; ``training-requests/summary/?entity=``
  counts open requests by topic and level (staff).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.api import valid_data
from compagnon.core.params import bool_param, choice_param, id_param
from compagnon.core.services import require

from . import selectors, services, trainings
from .models import (
    Attendance,
    Event,
    EventKind,
    EventStatus,
    Level,
    Registration,
    RegistrationStatus,
    TrainingRequest,
)
from .views import pdf_response

TAG = ["events"]
HOURS = {"max_digits": 6, "decimal_places": 2}


class EventSerializer(serializers.ModelSerializer):
    entity_name = serializers.CharField(source="entity.name", read_only=True)
    office_name = serializers.SerializerMethodField()
    topic = serializers.SerializerMethodField()
    trainer_name = serializers.SerializerMethodField()
    places_left = serializers.IntegerField(read_only=True, allow_null=True)
    my_registration = serializers.SerializerMethodField(help_text="The caller's registration: its status, or null.")

    class Meta:
        model = Event
        fields = ["id", "entity", "entity_name", "office", "office_name", "kind", "title", "description", "starts_at",
                  "ends_at", "place", "online_url", "capacity", "places_left", "registered_count", "waiting_count",
                  "status", "topic", "level", "trainer_name", "hours", "decline_reason", "my_registration"]
        read_only_fields = fields
        extra_kwargs = {"office": {"allow_null": True}, "capacity": {"allow_null": True},
                        "hours": {"allow_null": True}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_office_name(self, obj) -> str:
        return obj.office.name if obj.office_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_topic(self, obj) -> str:
        return obj.topic.name if obj.topic_id else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_trainer_name(self, obj) -> str:
        return str(obj.trainer) if obj.trainer_id else ""

    @extend_schema_field(serializers.ChoiceField(choices=RegistrationStatus.choices, allow_null=True))
    def get_my_registration(self, obj):
        reg = self.context.get("mine", {}).get(obj.pk)
        return reg.status if reg else None


class EventInSerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, allow_null=True, help_text="The office; null: the whole entity.")
    entity = serializers.IntegerField(required=False, allow_null=True, help_text="The entity, for a whole-cooperative event.")
    kind = serializers.ChoiceField(choices=EventKind.choices, default=EventKind.WORKSHOP)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10000, default=None)
    topic = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default="")
    trainer = serializers.EmailField(required=False, allow_blank=True, default="", help_text="The trainer's email.")
    hours = serializers.DecimalField(required=False, allow_null=True, min_value=0, default=None, **HOURS)


class EventReasonInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EventRegistrationSerializer(serializers.ModelSerializer):
    event_title = serializers.CharField(source="event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="event.starts_at", read_only=True)
    has_certificate = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["id", "event", "event_title", "starts_at", "status", "registered_at", "promoted_at", "attendance",
                  "has_certificate"]
        read_only_fields = fields
        extra_kwargs = {"promoted_at": {"allow_null": True}}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_certificate(self, obj) -> bool:
        return obj.attendance == Attendance.PRESENT and obj.event.kind == EventKind.TRAINING


class EventAttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "member", "name", "registered_at", "promoted_at", "attendance"]
        read_only_fields = fields
        extra_kwargs = {"promoted_at": {"allow_null": True}}


class AttendanceMarkSerializer(serializers.Serializer):
    registration = serializers.IntegerField()
    attendance = serializers.ChoiceField(choices=Attendance.choices, allow_blank=True)


class AttendanceMarksInSerializer(serializers.Serializer):
    marks = AttendanceMarkSerializer(many=True)


class TrainingRequestSerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="topic.name", read_only=True)
    member_name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = TrainingRequest
        fields = ["id", "entity", "member", "member_name", "topic", "level", "note", "status", "fulfilled_by",
                  "created_at"]
        read_only_fields = fields
        extra_kwargs = {"fulfilled_by": {"allow_null": True}}


class TrainingRequestInSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    level = serializers.ChoiceField(choices=Level.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TrainingLevelCountSerializer(serializers.Serializer):
    beginner = serializers.IntegerField()
    intermediate = serializers.IntegerField()
    advanced = serializers.IntegerField()


class TrainingTopicSummarySerializer(serializers.Serializer):
    topic = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    levels = TrainingLevelCountSerializer()


def _where(user, data):
    office, entity = data.pop("office", None), data.pop("entity", None)
    if office:
        place = permissions.offices(user).select_related("entity").filter(pk=office).first()
    elif entity:
        place = permissions.entities(user).filter(pk=entity).first()
    else:
        raise ValidationError({"office": _("Give the office, or the entity for the whole cooperative.")})
    if place is None:
        raise Http404
    return place


class _EventList:
    def _page(self, qs):
        page = self.paginate_queryset(qs)
        mine = selectors.my_registrations_by_event(self.request.user, [e.pk for e in page])
        data = EventSerializer(page, many=True, context={"mine": mine}).data
        return self.get_paginated_response(data)

    def _one(self, ev):
        ev = selectors.event(self.request.user, ev.pk)
        mine = selectors.my_registrations_by_event(self.request.user, [ev.pk])
        return EventSerializer(ev, context={"mine": mine}).data


@extend_schema(tags=TAG)
class EventViewSet(_EventList, viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer

    def get_queryset(self):
        qs = selectors.events(self.request.user).order_by("starts_at", "id")
        kind = choice_param(self.request, "kind", EventKind.values)
        state = choice_param(self.request, "status", EventStatus.values)
        if kind:
            qs = qs.filter(kind=kind)
        if state:
            qs = qs.filter(status=state)
        if bool_param(self.request, "upcoming", default=True) and self.action == "list":
            qs = qs.filter(ends_at__gte=timezone.now())
        return qs

    @extend_schema(parameters=[
        OpenApiParameter("kind", str, enum=EventKind.values), OpenApiParameter("status", str, enum=EventStatus.values),
        OpenApiParameter("upcoming", bool, description="Only events not over yet (default true)."),
    ])
    def list(self, request, *args, **kwargs):
        return self._page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._one(self.get_object()))

    @extend_schema(request=EventInSerializer, responses={201: EventSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(EventInSerializer, request))
        ev = services.create_event(actor=request.user, where=_where(request.user, data), **data)
        return Response(self._one(ev), status=status.HTTP_201_CREATED)

    @extend_schema(request=EventInSerializer, responses={201: EventSerializer})
    @action(detail=False, methods=["post"])
    def propose(self, request):
        data = dict(valid_data(EventInSerializer, request))
        ev = services.propose_event(actor=request.user, where=_where(request.user, data), **data)
        return Response(self._one(ev), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        return Response(self._one(services.validate_event(actor=request.user, event=self.get_object())))

    @extend_schema(request=EventReasonInSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = valid_data(EventReasonInSerializer, request)
        ev = services.decline_event(actor=request.user, event=self.get_object(), reason=data["reason"])
        return Response(self._one(ev))

    @extend_schema(request=EventReasonInSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="cancel-event")
    def cancel_event(self, request, pk=None):
        data = valid_data(EventReasonInSerializer, request)
        ev = services.cancel_event(actor=request.user, event=self.get_object(), reason=data["reason"])
        return Response(self._one(ev))

    @extend_schema(request=None, responses=EventRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        reg = services.register(actor=request.user, event=self.get_object())
        return Response(EventRegistrationSerializer(reg).data)

    @extend_schema(request=None, responses=EventRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reg = services.cancel_registration(actor=request.user, event=self.get_object())
        return Response(EventRegistrationSerializer(reg).data)

    @extend_schema(methods=["GET"], request=None, responses=EventAttendeeSerializer(many=True))
    @extend_schema(methods=["POST"], request=AttendanceMarksInSerializer, responses=EventAttendeeSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attendance(self, request, pk=None):
        ev = self.get_object()
        require(request.user, "events.view_attendance", ev)
        if request.method == "POST":
            data = valid_data(AttendanceMarksInSerializer, request)
            trainings.mark_attendance(
                actor=request.user, event=ev, marks={m["registration"]: m["attendance"] for m in data["marks"]}
            )
        return Response(EventAttendeeSerializer(selectors.attendees(ev), many=True).data)


@extend_schema(tags=TAG)
class RegistrationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventRegistrationSerializer

    def get_queryset(self):
        return selectors.my_registrations(self.request.user).order_by("-event__starts_at", "-id")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        try:
            reg = selectors.certificate_registration(request.user, int(pk))
        except (Registration.DoesNotExist, ValueError):
            raise Http404 from None
        return pdf_response(trainings.certificate_for(actor=request.user, registration=reg))


@extend_schema(tags=TAG)
class TrainingSessionViewSet(_EventList, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = EventSerializer

    def get_queryset(self):
        return selectors.agenda(self.request.user, kind=EventKind.TRAINING)

    def list(self, request, *args, **kwargs):
        return self._page(self.get_queryset())

    @extend_schema(request=EventInSerializer, responses={201: EventSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(EventInSerializer, request))
        data["kind"] = EventKind.TRAINING
        ev = services.create_event(actor=request.user, where=_where(request.user, data), **data)
        return Response(self._one(ev), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class TrainingRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingRequestSerializer

    def get_queryset(self):
        return selectors.training_requests(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=TrainingRequestInSerializer, responses={201: TrainingRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(TrainingRequestInSerializer, request)
        req = trainings.request_training(actor=request.user, **data)
        return Response(TrainingRequestSerializer(self.get_queryset().get(pk=req.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TrainingRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        req = self.get_object()
        req = trainings.withdraw_training_request(actor=request.user, request=req)
        return Response(TrainingRequestSerializer(self.get_queryset().get(pk=req.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("entity", int)], responses=TrainingTopicSummarySerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def summary(self, request):
        entities = list(selectors.request_entities(request.user))
        wanted = id_param(request, "entity")
        chosen = [e.pk for e in entities if not wanted or e.pk == wanted]
        return Response(TrainingTopicSummarySerializer(selectors.request_summary(chosen), many=True).data)
