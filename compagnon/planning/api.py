"""API of proposed plans under /api/v1/planning/: ask for a proposal (computed by the task
worker: poll its ``state``), read it (lines per visit: member, day, start, order, travel, reason
when not planned), move a visit in it, accept it (plans the visits), discard it. Same scopes and
services as the pages; a visit's client is null unless the caller is assigned to it."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.params import choice_param, date_param, id_param
from compagnon.fieldwork import rules as fieldwork_rules
from compagnon.fieldwork.models import SectorMembership

from . import selectors, services
from .models import Proposal, ProposalState, ProposedVisit

TAGS = ["planning"]


class ProposedVisitSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="visit.place", read_only=True)
    client = serializers.SerializerMethodField(
        help_text="The client's name; null unless you are assigned to the visit."
    )
    minutes = serializers.IntegerField(source="visit.minutes", read_only=True)

    class Meta:
        model = ProposedVisit
        fields = [
            "id",
            "visit",
            "place",
            "client",
            "minutes",
            "member",
            "day",
            "starts_at",
            "order",
            "travel_minutes",
            "kept",
            "moved",
            "reason",
            "outcome",
            "problem",
        ]

    def get_client(self, obj) -> str | None:
        request = self.context.get("request")
        if request is not None and fieldwork_rules.sees_client(request.user, obj.visit):
            return obj.visit.client.name
        return None


class ProposalSerializer(serializers.ModelSerializer):
    kept_members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "sector",
            "week",
            "state",
            "kept_members",
            "seconds",
            "solve_seconds",
            "travel_minutes",
            "created_at",
            "computed_at",
            "accepted_at",
        ]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(ProposedVisitSerializer(many=True))
    def get_lines(self, obj):
        return ProposedVisitSerializer(selectors.items(obj), many=True, context=self.context).data


class ProposalRequestSerializer(serializers.Serializer):
    sector = serializers.IntegerField()
    week = serializers.DateField(
        help_text="Any day of the week; the proposal is for its Monday to Friday."
    )
    keep = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Members whose planned visits of the week are kept as they are.",
    )


class MoveSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The id of the proposal's line (not of the visit).")
    member = serializers.IntegerField(
        allow_null=True, help_text="null leaves the visit out of the plan."
    )
    day = serializers.DateField(required=False, allow_null=True)


@extend_schema(tags=TAGS)
class ProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Proposed weekly plans of the sectors you see."""

    def get_serializer_class(self):
        if self.action == "create":
            return ProposalRequestSerializer
        return ProposalDetailSerializer if self.action != "list" else ProposalSerializer

    def get_queryset(self):
        r = self.request
        if self.action != "list":
            return selectors.proposals(r.user).prefetch_related("kept_members")
        return selectors.proposals(
            r.user,
            sector_id=id_param(r, "sector"),
            week=date_param(r, "week"),
            state=choice_param(r, "state", ProposalState.values),
        ).prefetch_related("kept_members")

    @extend_schema(
        parameters=[
            OpenApiParameter("sector", int),
            OpenApiParameter("week", str, description="YYYY-MM-DD"),
            OpenApiParameter("state", str, enum=ProposalState.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ProposalRequestSerializer, responses={201: ProposalSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a proposal; it is computed in the background (``state`` "computing", then "ready")."""
        data = ProposalRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sector = (
            fieldwork_rules.sectors(request.user).filter(pk=data.validated_data["sector"]).first()
        )
        if sector is None:
            raise DjangoValidationError({"sector": "Choose one of your sectors."})
        proposal = services.propose(
            actor=request.user,
            sector=sector,
            week=data.validated_data["week"],
            keep_member_ids=data.validated_data["keep"],
        )
        return Response(
            ProposalSerializer(proposal, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=MoveSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move a visit of the proposal to another member or day (or leave it out)."""
        proposal = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = proposal.items.filter(pk=data.validated_data["line"]).first()
        if line is None:
            raise DjangoValidationError({"line": "Choose a line of this proposal."})
        member = None
        if data.validated_data["member"] is not None:
            membership = (
                SectorMembership.objects.filter(
                    sector_id=proposal.sector_id, member_id=data.validated_data["member"]
                )
                .select_related("member__entity")
                .first()
            )
            if membership is None:
                raise DjangoValidationError({"member": "Choose a member of the sector."})
            member = membership.member
        services.move(
            actor=request.user, item=line, member=member, day=data.validated_data.get("day")
        )
        return Response(
            ProposalDetailSerializer(
                selectors.proposal(request.user, proposal.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept: each visit is planned (``outcome`` per line; ``problem`` says why one was refused)."""
        proposal = services.accept(actor=request.user, proposal=self.get_object())
        return Response(
            ProposalDetailSerializer(
                selectors.proposal(request.user, proposal.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        proposal = services.discard(actor=request.user, proposal=self.get_object())
        return Response(ProposalSerializer(proposal, context=self.get_serializer_context()).data)
