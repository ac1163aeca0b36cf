"""The recruiting API, with the pages' selectors and services (404 outside one's scope):

* ``recruiting/applications/?step=&office=&trade=`` — the applications of the offices the caller
  recruits for (advisors: their offices; administrators: their entity); ``POST {id}/move/
  {step, note}``, ``POST {id}/refuse/ {reason, note}``, ``POST {id}/notes/ {text}`` → 201,
  ``POST {id}/join/`` → 201 the new member's id;
* ``recruiting/meetings/?past=`` — list, read, ``POST`` plans one (201); ``POST {id}/signups/
  {application}`` → 201 the sign-up (registered, or waiting when full);
* ``recruiting/signups/?meeting=`` — list, read; ``POST {id}/attendance/ {attended}``,
  ``POST {id}/cancel/``;
* ``recruiting/calls/?entity=`` — the published calls for new members: public, no account;
* ``recruiting/team-load/?start=&weeks=&sector=`` — planned hours per sector and member.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import (
    BadParameter,
    bool_param,
    choice_param,
    date_param,
    id_param,
    int_param,
)

from . import selectors, services
from .models import OPEN_STEPS, Application, Call, Meeting, Move, RefusalReason, SignUp, Step

TAG = ["recruiting"]


class MoveSerializer(serializers.ModelSerializer):
    by_name = serializers.SerializerMethodField()
    from_step = serializers.CharField(read_only=True, help_text="A step, or empty for the first one.")
    to_step = serializers.CharField(read_only=True, help_text="A step, or empty for a note.")

    class Meta:
        model = Move
        fields = ["id", "from_step", "to_step", "note", "by", "by_name", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"by": {"allow_null": True}}

    def get_by_name(self, obj) -> str:
        return str(obj.by) if obj.by_id else ""


class DocumentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    refusal_reason = serializers.CharField(read_only=True, help_text="One of the refusal reasons, or empty.")

    class Meta:
        model = Application
        fields = ["id", "entity", "office", "first_name", "last_name", "email", "phone", "language", "trades",
                  "postcode", "city", "zone_km", "experience", "availability", "motivation", "call", "step",
                  "step_since", "refusal_reason", "refusal_note", "purge_after", "member", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"call": {"allow_null": True}, "member": {"allow_null": True},
                        "purge_after": {"allow_null": True}}


class ApplicationDetailSerializer(ApplicationSerializer):
    moves = MoveSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "moves", "documents"]
        read_only_fields = fields

    @extend_schema(responses=DocumentOutSerializer(many=True))
    def get_documents(self, obj) -> list[dict]:
        from django.urls import reverse

        return [{"id": d.id, "name": d.name, "content_type": d.content_type, "size": d.size,
                 "url": reverse("recruiting-document", args=[d.pk])} for d in obj.documents.all()]


class MoveInSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[s.value for s in OPEN_STEPS])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RefuseInSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RefusalReason.values)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NoteInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


def _application_params():
    return [OpenApiParameter("step", str, enum=Step.values), OpenApiParameter("office", int),
            OpenApiParameter("trade", int)]


@extend_schema(tags=TAG)
class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications of the offices you recruit for (advisors, administrators); members: none."""

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    def get_queryset(self):
        r = self.request
        if self.action == "list":
            qs = selectors.board(r.user, step=choice_param(r, "step", Step.values), office=id_param(r, "office"),
                                 trade=id_param(r, "trade"))
        else:
            qs = selectors.applications(r.user)
        qs = qs.prefetch_related("trades").order_by("-step_since", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("moves__by", "documents")
        return qs

    @extend_schema(tags=TAG, parameters=_application_params())
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, application, code=status.HTTP_200_OK):
        fresh = self.get_queryset().model.objects.prefetch_related("trades", "moves__by", "documents").get(pk=application.pk)
        return Response(ApplicationDetailSerializer(fresh).data, status=code)

    @extend_schema(tags=TAG, request=MoveInSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = valid_data(MoveInSerializer, request)
        return self._detail(services.move_application(actor=request.user, application=self.get_object(), **data))

    @extend_schema(tags=TAG, request=RefuseInSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = valid_data(RefuseInSerializer, request)
        return self._detail(services.refuse_application(actor=request.user, application=self.get_object(), **data))

    @extend_schema(tags=TAG, request=NoteInSerializer, responses={201: MoveSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        data = valid_data(NoteInSerializer, request)
        note = services.add_note(actor=request.user, application=self.get_object(), text=data["text"])
        return Response(MoveSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=None, responses={201: inline_serializer(
        "RecruitingJoined", {"member": serializers.IntegerField(), "application": serializers.IntegerField()})})
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        application = self.get_object()
        member = services.join(actor=request.user, application=application)
        return Response({"member": member.pk, "application": application.pk}, status=status.HTTP_201_CREATED)


class MeetingSerializer(serializers.ModelSerializer):
    registered = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "entity", "office", "starts_at", "minutes", "place", "video_url", "capacity", "registered",
                  "waiting", "created_at"]
        read_only_fields = ["id", "entity", "registered", "waiting", "created_at"]


class MeetingInSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    starts_at = serializers.DateTimeField()
    minutes = serializers.IntegerField(min_value=15, max_value=480, required=False, default=90)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    video_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=500, required=False, default=12)


class SignUpSerializer(serializers.ModelSerializer):
    applicant = serializers.CharField(source="application.full_name", read_only=True)

    class Meta:
        model = SignUp
        fields = ["id", "meeting", "application", "applicant", "state", "attended", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"attended": {"allow_null": True}}


class SignUpInSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()


@extend_schema(tags=TAG)
class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        qs = selectors.with_counts(selectors.meetings(self.request.user))
        if self.action == "list":
            now = timezone.now()
            if bool_param(self.request, "past"):
                return qs.filter(starts_at__lte=now).order_by("-starts_at", "-id")
            return qs.filter(starts_at__gt=now).order_by("starts_at", "id")
        return qs.order_by("starts_at", "id")

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("past", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=MeetingInSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(MeetingInSerializer, request)
        office = selectors.offices(request.user).filter(pk=data.pop("office")).first()
        if office is None:
            raise ValidationError({"office": _("Choose one of the offices you recruit for.")})
        meeting = services.create_meeting(actor=request.user, office=office, **data)
        fresh = selectors.with_counts(Meeting.objects.filter(pk=meeting.pk)).get()
        return Response(MeetingSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=SignUpInSerializer, responses={201: SignUpSerializer})
    @action(detail=True, methods=["post"])
    def signups(self, request, pk=None):
        meeting = self.get_object()
        data = valid_data(SignUpInSerializer, request)
        application = selectors.applications(request.user).filter(pk=data["application"]).first()
        if application is None:
            raise ValidationError({"application": _("Choose one of the applications you follow.")})
        signup = services.sign_up(actor=request.user, meeting=meeting, application=application)
        return Response(SignUpSerializer(signup).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAG)
class SignUpViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SignUpSerializer

    def get_queryset(self):
        qs = selectors.signups(self.request.user).select_related("application").order_by("meeting_id", "created_at", "id")
        meeting = id_param(self.request, "meeting")
        return qs.filter(meeting_id=meeting) if meeting else qs

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("meeting", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AttendanceSerializer, responses=SignUpSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = valid_data(AttendanceSerializer, request)
        signup = services.set_attendance(actor=request.user, signup=self.get_object(), attended=data["attended"])
        return Response(SignUpSerializer(signup).data)

    @extend_schema(tags=TAG, request=None, responses=SignUpSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        signup = services.cancel_signup(actor=request.user, signup=self.get_object())
        return Response(SignUpSerializer(signup).data)


class CallSerializer(serializers.ModelSerializer):
    trade_code = serializers.CharField(source="trade.code", read_only=True)
    trade_name = serializers.CharField(source="trade.name", read_only=True)
    apply_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = ["id", "entity", "trade", "trade_code", "trade_name", "postcode", "city", "text", "requests_count",
                  "published_at", "apply_url"]
        read_only_fields = fields
        extra_kwargs = {"published_at": {"allow_null": True}}

    def get_apply_url(self, obj) -> str:
        from django.urls import reverse

        return f"{reverse('recruiting-apply', args=[obj.entity_id])}?trade={obj.trade.code}&call={obj.pk}"


@extend_schema(tags=TAG)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """The published calls for new members (public: no account needed)."""

    serializer_class = CallSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        return selectors.published_calls(id_param(self.request, "entity")).order_by("-published_at", "-id")

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("entity", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class LoadRowSerializer(serializers.Serializer):
    sector = serializers.IntegerField()
    sector_name = serializers.CharField()
    member = serializers.IntegerField()
    member_name = serializers.CharField()
    weekly_hours = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    weeks = serializers.ListField(child=serializers.DateField())
    hours = serializers.ListField(child=serializers.DecimalField(max_digits=8, decimal_places=1))
    total = serializers.DecimalField(max_digits=8, decimal_places=1)
    planned_share = serializers.IntegerField(allow_null=True, help_text="% of the member's hours over the weeks.")


@extend_schema(tags=TAG)
class TeamLoadViewSet(viewsets.GenericViewSet):
    """Per sector and member: hours of field visits planned each week against their weekly hours."""

    serializer_class = LoadRowSerializer
    pagination_class = None

    def get_queryset(self):
        return Application.objects.none()  # the schema needs one; the rows are built below

    @extend_schema(tags=TAG, responses=LoadRowSerializer(many=True), parameters=[
        OpenApiParameter("start", datetime.date), OpenApiParameter("weeks", int), OpenApiParameter("sector", int)])
    def list(self, request):
        today = timezone.localdate()
        start = date_param(request, "start") or today
        if abs((start - today).days) > 366:
            raise BadParameter("start", _("The parameter “%(name)s” must be a date within a year from today.")
                               % {"name": "start"})
        weeks = int_param(request, "weeks", default=4, min_value=1, max_value=8)
        if not selectors.load_sectors(request.user).exists():
            raise Http404
        groups = selectors.team_load(request.user, start=start, weeks=weeks, sector=id_param(request, "sector"))
        monday = selectors.week_start(start)
        mondays = [monday + datetime.timedelta(weeks=i) for i in range(weeks)]
        rows = [{
            "sector": r.sector.pk, "sector_name": r.sector.name, "member": r.member.pk,
            "member_name": str(r.member.user), "weekly_hours": r.weekly_hours, "weeks": mondays,
            "hours": r.hours, "total": r.total, "planned_share": r.share,
        } for g in groups for r in g.rows]
        return Response(LoadRowSerializer(rows, many=True).data)
