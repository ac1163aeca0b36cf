"""The advising API, with the pages' selectors and services (404 outside one's scope):

* ``advising/appointments/?member=&state=&upcoming=1`` — the member's own, and those of the
  members one follows; POST plans one (``member``, ``starts_at``, ``topic``, ``duration_minutes``,
  ``place`` or ``video_url``, ``kind``); PATCH changes it; ``{id}/hold/`` (``notes``,
  ``notes_shared``), ``{id}/cancel/`` (``reason``; the member too), ``{id}/missed/``. ``notes`` is
  ``null`` when hidden from the caller;
* ``advising/next-steps/?member=&open=1`` — POST adds one (``member``, ``owner``, ``text``,
  ``due_on``, ``appointment``); ``{id}/done/`` (``{"done": true|false}``);
* ``advising/requests/`` — POST (a member) asks for an appointment; ``{id}/accept/`` (a time, like
  an appointment) answers it with an appointment, ``{id}/decline/`` (``reason``),
  ``{id}/withdraw/`` (the member);
* ``advising/members/?show=&attention=&status=&office=&q=`` — the members one follows, most in
  need of attention first;
* ``advising/mine/`` — "My advisor" for the member calling.
Reviews, templates and absences: ``api_reviews.py``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.core.api import valid_data
from compagnon.core.params import bool_param, choice_param, id_param, text_param
from compagnon.members.models import MemberStatus

from . import attention, selectors, services
from .models import (
    Appointment,
    AppointmentKind,
    AppointmentRequest,
    AppointmentState,
    NextStep,
    StepOwner,
)

TAG = ["advising"]


class AdvisingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    email = serializers.EmailField()
    phone = serializers.CharField()


class AdvisingAppointmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.__str__", read_only=True)
    advisor_name = serializers.CharField(source="advisor.__str__", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    video_url = serializers.CharField(read_only=True, help_text="The video link (https), or empty.")
    notes = serializers.SerializerMethodField(help_text="The notes; null when hidden from you (not shared).")

    class Meta:
        model = Appointment
        fields = ["id", "member", "member_name", "advisor", "advisor_name", "kind", "state", "starts_at", "ends_at",
                  "duration_minutes", "place", "video_url", "topic", "notes", "notes_shared", "cancel_reason",
                  "outcome_at"]
        read_only_fields = fields
        extra_kwargs = {"outcome_at": {"allow_null": True}}

    @extend_schema(responses=serializers.CharField(allow_null=True))
    def get_notes(self, obj) -> str | None:
        return selectors.visible_notes(self.context["request"].user, obj)


class AdvisingAppointmentInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    topic = serializers.CharField(max_length=200)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=60)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=AppointmentKind.choices, default=AppointmentKind.FOLLOW_UP)


class AdvisingAppointmentChangeSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    topic = serializers.CharField(max_length=200, required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    video_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=AppointmentKind.choices, required=False)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    notes_shared = serializers.BooleanField(required=False)


class AdvisingHoldSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    notes_shared = serializers.BooleanField(required=False)


class AdvisingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


APPOINTMENT_PARAMS = [
    OpenApiParameter("member", int, description="Only this member's appointments."),
    OpenApiParameter("state", str, enum=AppointmentState.values),
    OpenApiParameter("upcoming", bool, description="1: planned ones from today on, soonest first."),
]


class AppointmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingAppointmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        r = self.request
        qs = selectors.appointments(r.user).select_related("member__user", "member__office", "advisor")
        if self.action == "list":
            member = id_param(r, "member")
            if member:
                qs = qs.filter(member_id=member)
            state = choice_param(r, "state", AppointmentState.values)
            if state:
                qs = qs.filter(state=state)
            if bool_param(r, "upcoming"):
                from django.utils import timezone

                return qs.filter(state=AppointmentState.PLANNED, starts_at__gte=timezone.now()).order_by(
                    "starts_at", "id")
        return qs.order_by("-starts_at", "-id")

    def _out(self, a, code=status.HTTP_200_OK):
        a = selectors.appointment(self.request.user, a.pk)
        return Response(AdvisingAppointmentSerializer(a, context={"request": self.request}).data, status=code)

    @extend_schema(tags=TAG, parameters=APPOINTMENT_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingAppointmentInSerializer, responses={201: AdvisingAppointmentSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(AdvisingAppointmentInSerializer, request))
        member = selectors.followed_members(request.user).filter(pk=data.pop("member")).first()
        if member is None:
            raise Http404
        return self._out(services.plan_appointment(actor=request.user, member=member, **data), status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingAppointmentChangeSerializer, responses=AdvisingAppointmentSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = valid_data(AdvisingAppointmentChangeSerializer, request)
        return self._out(services.update_appointment(actor=request.user, appointment=self.get_object(), **data))

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingHoldSerializer, responses=AdvisingAppointmentSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        data = valid_data(AdvisingHoldSerializer, request)
        return self._out(services.hold(actor=request.user, appointment=self.get_object(), **data))

    @extend_schema(tags=TAG, request=AdvisingReasonSerializer, responses=AdvisingAppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = valid_data(AdvisingReasonSerializer, request)
        return self._out(services.cancel(actor=request.user, appointment=self.get_object(), **data))

    @extend_schema(tags=TAG, request=None, responses=AdvisingAppointmentSerializer)
    @action(detail=True, methods=["post"])
    def missed(self, request, pk=None):
        return self._out(services.mark_missed(actor=request.user, appointment=self.get_object()))


# --- next steps -------------------------------------------------------------------------------------


class AdvisingStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = NextStep
        fields = ["id", "member", "appointment", "owner", "text", "due_on", "done_at"]
        read_only_fields = fields
        extra_kwargs = {"appointment": {"allow_null": True}, "done_at": {"allow_null": True}}


class AdvisingStepInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    appointment = serializers.IntegerField(required=False, allow_null=True)
    owner = serializers.ChoiceField(choices=StepOwner.choices, default=StepOwner.MEMBER)
    text = serializers.CharField(max_length=300)
    due_on = serializers.DateField()


class AdvisingDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class NextStepViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingStepSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NextStep.objects.none()
        qs = selectors.steps(self.request.user)
        if self.action == "list":
            member = id_param(self.request, "member")
            if member:
                qs = qs.filter(member_id=member)
            if bool_param(self.request, "open"):
                qs = qs.filter(done_at__isnull=True)
        return qs.order_by("due_on", "id")

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("member", int),
                                         OpenApiParameter("open", bool, description="1: not done yet.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingStepInSerializer, responses={201: AdvisingStepSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(AdvisingStepInSerializer, request))
        member = selectors.followed_members(request.user).filter(pk=data.pop("member")).first()
        if member is None:
            raise Http404
        appointment_id = data.pop("appointment", None)
        appointment = None
        if appointment_id:
            appointment = selectors.appointments(request.user).filter(pk=appointment_id, member=member).first()
            if appointment is None:
                raise Http404
        s = services.add_step(actor=request.user, member=member, appointment=appointment, **data)
        return Response(AdvisingStepSerializer(s).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingDoneSerializer, responses=AdvisingStepSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        data = valid_data(AdvisingDoneSerializer, request)
        s = services.tick_step(actor=request.user, step=self.get_object(), done=data["done"])
        return Response(AdvisingStepSerializer(s).data)


# --- requests --------------------------------------------------------------------------------------


class AdvisingRequestSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = AppointmentRequest
        fields = ["id", "member", "member_name", "topic", "message", "preferred", "by_video", "state", "appointment",
                  "reason", "created_at", "answered_at"]
        read_only_fields = fields
        extra_kwargs = {"appointment": {"allow_null": True}, "answered_at": {"allow_null": True}}


class AdvisingRequestInSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    preferred = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    by_video = serializers.BooleanField(default=False)


class AdvisingAcceptSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=60)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AdvisingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AppointmentRequest.objects.none()
        return selectors.requests(self.request.user).select_related("member__user").order_by("-created_at", "-id")

    @extend_schema(tags=TAG)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingRequestInSerializer, responses={201: AdvisingRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(AdvisingRequestInSerializer, request)
        r = services.request_appointment(actor=request.user, **data)
        return Response(AdvisingRequestSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingAcceptSerializer, responses={201: AdvisingAppointmentSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = valid_data(AdvisingAcceptSerializer, request)
        a = services.accept_request(actor=request.user, request=self.get_object(), **data)
        a = selectors.appointment(request.user, a.pk)
        return Response(AdvisingAppointmentSerializer(a, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingDeclineSerializer, responses=AdvisingRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = valid_data(AdvisingDeclineSerializer, request)
        return Response(AdvisingRequestSerializer(services.decline_request(
            actor=request.user, request=self.get_object(), **data)).data)

    @extend_schema(tags=TAG, request=None, responses=AdvisingRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return Response(AdvisingRequestSerializer(services.withdraw_request(
            actor=request.user, request=self.get_object())).data)


# --- the advisor's members --------------------------------------------------------------------------


class AdvisingMemberRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="user.__str__")
    number = serializers.CharField()
    office = serializers.IntegerField(source="office_id")
    advisor = serializers.IntegerField(source="advisor_id", allow_null=True)
    status = serializers.CharField()
    maturity = serializers.CharField()
    score = serializers.IntegerField()
    attention = serializers.SerializerMethodField()
    last_held_at = serializers.DateTimeField(source="f_held", allow_null=True)
    next_planned_at = serializers.DateTimeField(source="f_next", allow_null=True)
    open_steps = serializers.IntegerField(source="f_open")
    overdue_steps = serializers.IntegerField()
    unpaid_invoices = serializers.IntegerField()
    expenses_waiting = serializers.IntegerField()

    @extend_schema(responses=serializers.ListField(child=serializers.CharField()))
    def get_attention(self, obj) -> list[str]:
        return [code for code, _label in obj.attention]


MEMBER_PARAMS = [
    OpenApiParameter("show", str, enum=list(attention.SHOWS),
                     description="mine (default for advisors): the members I follow, and those of the advisors I "
                                 "stand in for; all: every member I may follow."),
    OpenApiParameter("attention", str, enum=["any", *attention.KINDS]),
    OpenApiParameter("status", str, enum=MemberStatus.values, description="Default: all but left."),
    OpenApiParameter("office", int),
    OpenApiParameter("q", str, description="Part of the name, email or number."),
]


class MemberAttentionViewSet(viewsets.GenericViewSet):
    serializer_class = AdvisingMemberRowSerializer

    def get_queryset(self):  # the schema's model; the list ranks in ``attention.rank``
        from compagnon.members.models import Member

        return Member.objects.none()

    @extend_schema(tags=TAG, parameters=MEMBER_PARAMS)
    def list(self, request, *args, **kwargs):
        r = request
        if not selectors.follows_anyone(r.user):
            ids, needs = [], {}
        else:
            scope = permissions.scope_for(r.user)
            ids, _tally, needs = attention.rank(
                r.user, show=choice_param(r, "show", attention.SHOWS, default="mine" if scope.is_advisor else "all"),
                attention=choice_param(r, "attention", ["any", *attention.KINDS]),
                status=choice_param(r, "status", MemberStatus.values), office_id=id_param(r, "office"),
                q=text_param(r, "q", max_length=100))
        page = attention.rows(r.user, self.paginate_queryset(ids), needs)
        return self.get_paginated_response(AdvisingMemberRowSerializer(page, many=True).data)


# --- my advisor ------------------------------------------------------------------------------------


class AdvisingAbsenceInfoSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    away_now = serializers.BooleanField()
    message = serializers.CharField()
    relay = AdvisingPersonSerializer()


class AdvisingMineSerializer(serializers.Serializer):
    advisor = AdvisingPersonSerializer(allow_null=True)
    absence = AdvisingAbsenceInfoSerializer(allow_null=True, help_text="The advisor's absence now or within 30 days.")
    upcoming = AdvisingAppointmentSerializer(many=True)
    next_steps = AdvisingStepSerializer(many=True)
    shared_notes = AdvisingAppointmentSerializer(many=True)
    requests = AdvisingRequestSerializer(many=True)


class MyAdvisorView(APIView):
    @extend_schema(tags=TAG, responses=AdvisingMineSerializer, operation_id="advising_mine")
    def get(self, request):
        data = selectors.my_advisor(request.user)
        if data is None:
            raise Http404
        absence = data["absence"]
        ctx = {"request": request}
        return Response({
            "advisor": AdvisingPersonSerializer(data["advisor"]).data if data["advisor"] else None,
            "absence": {"starts_on": absence.starts_on, "ends_on": absence.ends_on,
                        "away_now": absence.covers(data["today"]), "message": absence.message,
                        "relay": AdvisingPersonSerializer(absence.relay).data} if absence else None,
            "upcoming": AdvisingAppointmentSerializer(data["upcoming"], many=True, context=ctx).data,
            "next_steps": AdvisingStepSerializer(data["steps"], many=True).data,
            "shared_notes": AdvisingAppointmentSerializer(data["shared"], many=True, context=ctx).data,
            "requests": AdvisingRequestSerializer(data["requests"], many=True).data,
        })
