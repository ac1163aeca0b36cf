"""The mentoring API (404 outside one's scope):

* ``mentoring/offers/`` — offers the caller sees; POST offers ``{"trade", "note", "capacity"}``;
  ``{id}/withdraw/`` (the mentor);
* ``mentoring/requests/`` — requests the caller sees (their own, those a mentor of the trade may
  take, those the staff follow); POST asks ``{"trade", "note"}``; ``{id}/accept/``
  (``{"mentor": member id or null, "goals"}``: a mentor of the trade takes it, staff give it);
  ``{id}/withdraw/`` (the asker);
* ``mentoring/pairs/?following=`` — pairs (``following=true``: the running ones the caller follows
  as staff, longest without news first) with the last contact and the "no news for two months"
  flag; ``{id}/meetings/`` (GET; POST ``{"date", "note"}``: mentor or mentee); ``{id}/end/``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import bool_param
from compagnon.members.models import Member, Trade

from . import mentoring
from . import selectors_mentoring as sel
from .models import MentorMeeting, MentorOffer, MentorPair, MentorRequest

TAG = ["mentoring"]


class MentorOfferSerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="member.__str__", read_only=True)
    trade_name = serializers.CharField(source="trade.name", read_only=True)

    class Meta:
        model = MentorOffer
        fields = ["id", "member", "mentor_name", "trade", "trade_name", "note", "capacity", "active"]
        read_only_fields = fields


class MentorOfferInSerializer(serializers.Serializer):
    trade = serializers.IntegerField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=10, default=1)


class MentorRequestSerializer(serializers.ModelSerializer):
    mentee_name = serializers.CharField(source="mentee.__str__", read_only=True)
    trade_name = serializers.CharField(source="trade.name", read_only=True)

    class Meta:
        model = MentorRequest
        fields = ["id", "mentee", "mentee_name", "trade", "trade_name", "note", "status", "created_at"]
        read_only_fields = fields


class MentorAskInSerializer(serializers.Serializer):
    trade = serializers.IntegerField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MentorAcceptInSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="The mentor (a member); null: the caller.")
    goals = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class MentorPairSerializer(serializers.ModelSerializer):
    mentor_name = serializers.CharField(source="mentor.__str__", read_only=True)
    mentee_name = serializers.CharField(source="mentee.__str__", read_only=True)
    trade_name = serializers.CharField(source="trade.name", read_only=True)
    last_contact = serializers.DateField(read_only=True)
    no_news = serializers.SerializerMethodField(help_text="Running, and no contact for two months.")

    class Meta:
        model = MentorPair
        fields = ["id", "mentor", "mentor_name", "mentee", "mentee_name", "trade", "trade_name", "since", "goals",
                  "ended_on", "last_contact", "no_news"]
        read_only_fields = fields
        extra_kwargs = {"ended_on": {"allow_null": True}}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_no_news(self, obj) -> bool:
        return obj.ended_on is None and obj.last_contact < self.context["since"]


class MentorMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = MentorMeeting
        fields = ["id", "date", "note", "logged_by", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"logged_by": {"allow_null": True}}


class MentorMeetingInSerializer(serializers.Serializer):
    date = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


def _trade(pk) -> Trade:
    trade = Trade.objects.filter(pk=pk).first()
    if trade is None:
        raise ValidationError({"trade": _("Choose a trade.")})
    return trade


@extend_schema(tags=TAG)
class OfferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MentorOfferSerializer

    def get_queryset(self):
        return sel.offers(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=MentorOfferInSerializer, responses={201: MentorOfferSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(MentorOfferInSerializer, request))
        offer = mentoring.offer_mentoring(actor=request.user, trade=_trade(data.pop("trade")), **data)
        return Response(MentorOfferSerializer(self.get_queryset().get(pk=offer.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MentorOfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = mentoring.withdraw_offer(actor=request.user, offer=self.get_object())
        return Response(MentorOfferSerializer(self.get_queryset().get(pk=offer.pk)).data)


@extend_schema(tags=TAG)
class RequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MentorRequestSerializer

    def get_queryset(self):
        return sel.requests(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=MentorAskInSerializer, responses={201: MentorRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(MentorAskInSerializer, request))
        req = mentoring.ask_mentor(actor=request.user, trade=_trade(data.pop("trade")), **data)
        return Response(MentorRequestSerializer(self.get_queryset().get(pk=req.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MentorAcceptInSerializer, responses=MentorPairSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        req = self.get_object()
        data = valid_data(MentorAcceptInSerializer, request)
        mentor = None
        if data["mentor"] is not None:
            mentor = Member.objects.filter(pk=data["mentor"], entity_id=req.entity_id).select_related("user").first()
            if mentor is None:
                raise ValidationError({"mentor": _("The mentor must be a member who offers to mentor in this trade.")})
        pair = mentoring.accept_request(actor=request.user, request=req, mentor=mentor, goals=data["goals"])
        return Response(MentorPairSerializer(sel.pair(request.user, pair.pk), context={"since": sel.no_news_since()}).data)

    @extend_schema(request=None, responses=MentorRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        req = mentoring.withdraw_request(actor=request.user, request=self.get_object())
        return Response(MentorRequestSerializer(self.get_queryset().get(pk=req.pk)).data)


@extend_schema(tags=TAG)
class PairViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MentorPairSerializer

    def get_queryset(self):
        if self.action == "list" and bool_param(self.request, "following"):
            return sel.followed_pairs(self.request.user)
        return sel.pairs(self.request.user).order_by("-since", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "since": sel.no_news_since()}

    @extend_schema(parameters=[OpenApiParameter("following", bool, description="Only the running pairs I follow as staff.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(methods=["GET"], request=None, responses=MentorMeetingSerializer(many=True))
    @extend_schema(methods=["POST"], request=MentorMeetingInSerializer, responses={201: MentorMeetingSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def meetings(self, request, pk=None):
        pair = self.get_object()
        if request.method == "POST":
            data = valid_data(MentorMeetingInSerializer, request)
            meeting = mentoring.log_meeting(actor=request.user, pair=pair, **data)
            return Response(MentorMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)
        return Response(MentorMeetingSerializer(sel.meetings(pair)[:200], many=True).data)

    @extend_schema(request=None, responses=MentorPairSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pair = mentoring.end_pair(actor=request.user, pair=self.get_object())
        return Response(self.get_serializer(sel.pair(request.user, pair.pk)).data)
