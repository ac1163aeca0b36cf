"""API of collections: the automated actions of your documents (hold / approve / cancel / restore),
and the litigation cases (collections service: list, read, change status or agent, add notes;
members: their own cases, read-only, with the notes meant for them)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import bool_param, choice_param, id_param

from . import decisions, litigation, selectors
from .models import PENDING, ActionState, AutomatedAction, CaseStatus, CollectionCase


class ActionSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    step_name = serializers.CharField(source="step.__str__", read_only=True)
    waits_for_ok = serializers.BooleanField(read_only=True)
    letter_url = serializers.SerializerMethodField()

    class Meta:
        model = AutomatedAction
        fields = ["id", "document", "document_number", "activity", "client", "client_name", "step", "step_name",
                  "kind", "order", "channel", "state", "needs_approval", "waits_for_ok", "blocked", "paused",
                  "due_on", "announce_on", "decided_by", "decided_at", "executed_at", "reason", "result",
                  "letter_url"]
        read_only_fields = fields

    def get_letter_url(self, obj) -> str | None:
        request = self.context.get("request")
        if not obj.letter or request is None:
            return None
        from django.urls import reverse

        return request.build_absolute_uri(reverse("collections-action-letter", args=[obj.pk]))


@extend_schema(tags=["collections"])
class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    """Automated collection steps of the documents of the activities you work in or follow.

    Filter with `document`, `activity`, `state`, or `upcoming=1` (what has not happened yet, soonest
    first). Decide with the actions `hold`, `approve` (OK), `cancel` and `restore`."""

    serializer_class = ActionSerializer

    def get_queryset(self):
        qs = selectors.actions(self.request.user)
        request = self.request
        for name in ("document", "activity"):
            if (pk := id_param(request, name)) is not None:
                qs = qs.filter(**{f"{name}_id": pk})
        if state := choice_param(request, "state", ActionState.values):
            qs = qs.filter(state=state)
        if bool_param(request, "upcoming"):
            qs = qs.filter(state__in=PENDING)
        return qs

    @extend_schema(parameters=[OpenApiParameter("document", int), OpenApiParameter("activity", int),
                               OpenApiParameter("state", str, enum=ActionState.values),
                               OpenApiParameter("upcoming", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _decide(self, request, decision):
        action = decisions.decide(actor=request.user, action=self.get_object(), decision=decision)
        return Response(self.get_serializer(self.get_queryset().get(pk=action.pk)).data)

    @extend_schema(request=None, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._decide(request, "hold")

    @extend_schema(request=None, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, "approve")

    @extend_schema(request=None, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._decide(request, "cancel")

    @extend_schema(request=None, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._decide(request, "restore")


class TimelineItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    note = serializers.BooleanField()
    for_member = serializers.BooleanField()


@extend_schema_field({"type": "string", "description": "one of: " + ", ".join(CaseStatus.values)})
class CaseStatusField(serializers.ChoiceField):
    """The case status. Described as text in the schema: as an enum, its name would collide with the
    other "status" choice sets (drf-spectacular's ENUM_NAME_OVERRIDES lives in settings)."""

    def __init__(self, **kwargs):
        super().__init__(choices=CaseStatus.choices, **kwargs)


class CaseSerializer(serializers.ModelSerializer):
    status = CaseStatusField(read_only=True)
    reference = serializers.CharField(source="__str__", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    documents = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    as_agent = serializers.SerializerMethodField()

    class Meta:
        model = CollectionCase
        fields = ["id", "reference", "entity", "activity", "client", "client_name", "status", "assigned_to",
                  "amount_due", "opened_at", "updated_at", "closed_at", "documents", "timeline", "as_agent"]
        read_only_fields = ["id", "reference", "entity", "activity", "client", "client_name", "amount_due",
                            "opened_at", "updated_at", "closed_at", "documents", "timeline", "as_agent"]

    def _agent(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and obj.entity_id in permissions.collections_entities(request.user)

    def get_as_agent(self, obj) -> bool:
        return self._agent(obj)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_documents(self, obj):
        return [{"id": d.document_id, "number": d.document.number, "total": str(d.document.tax_inclusive),
                 "payment_state": d.document.payment_state} for d in selectors.case_documents(obj)]

    @extend_schema_field(TimelineItemSerializer(many=True, allow_null=True,
                                                help_text="null in the list: read one case for it"))
    def get_timeline(self, obj):
        if self.context.get("view") is not None and self.context["view"].action == "list":
            return None
        return TimelineItemSerializer(selectors.case_timeline(obj, as_agent=self._agent(obj)), many=True).data


class CaseUpdateSerializer(serializers.Serializer):
    status = CaseStatusField(required=False)
    assigned_to = serializers.IntegerField(required=False, allow_null=True)


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    for_member = serializers.BooleanField(default=False)


@extend_schema(tags=["collections"])
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Litigation cases. The collections service sees its entities' queue (filter with `status`) and
    changes status and agent (PATCH) or adds notes; a member sees their own cases, read-only, with
    the notes meant for them."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        user = self.request.user
        qs = (CollectionCase.objects.select_related("client", "activity", "assigned_to")
              .filter(Q(entity_id__in=permissions.collections_entities(user))
                      | Q(activity__in=permissions.activities(user)))
              .order_by("-opened_at", "-id"))
        if case_status := choice_param(self.request, "status", CaseStatus.values):
            qs = qs.filter(status=case_status)
        return qs

    @extend_schema(parameters=[OpenApiParameter("status", str, description="new, in_progress, settled or closed")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request, pk=None):
        case = self.get_object()
        data = CaseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if case.entity_id not in permissions.collections_entities(request.user):
            raise PermissionDenied
        v = data.validated_data
        if "assigned_to" in v:
            from compagnon.accounts.models import User

            agent = User.objects.filter(pk=v["assigned_to"]).first() if v["assigned_to"] else None
            case = litigation.assign_case(actor=request.user, case=case, agent=agent)
        if "status" in v and v["status"] != case.status:
            case = litigation.change_case_status(actor=request.user, case=case, status=v["status"])
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(request=NoteSerializer, responses={201: TimelineItemSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        case = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = litigation.add_case_note(actor=request.user, case=case, **data.validated_data)
        return Response({"at": note.created_at, "kind": "note", "text": note.body, "author": str(request.user),
                         "note": True, "for_member": note.for_member}, status=status.HTTP_201_CREATED)
