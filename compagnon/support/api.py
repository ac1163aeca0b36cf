"""The support API, with the pages' selectors and services (404 outside one's reach):

* ``support/requests/`` — the caller's requests (their own, and the collections cases of their
  activities): list (``?state=``), read with its thread (never an internal note), POST sends one
  (JSON, or multipart with ``attachments``; ``client_key`` makes a resend return the first, 200);
  ``{id}/answer/`` writes again, ``{id}/close/``, ``{id}/reopen/``;
* ``support/queue/`` — the requests of the caller's desks: list with the queue's filters
  (``show``, ``service``, ``entity``, ``who``, ``late``, ``priority``) and each one's clock, read
  with the whole thread (internal notes marked ``internal``); ``{id}/answer/`` (``ask``: a
  question to the member), ``{id}/note/`` (internal), ``{id}/assign/``, ``{id}/priority/``,
  ``{id}/close/``, ``{id}/reopen/``;
* ``support/canned-answers/`` — the desks' canned answers (list, create, read, change, delete);
* ``support/attachments/{id}/`` — one file, for whoever may read its message.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from compagnon.accounts.models import SupportService
from compagnon.core.api import Pagination, valid_data
from compagnon.core.params import bool_param, choice_param, id_param, page_param

from . import clock, desk, selectors, services
from .models import CannedAnswer, Priority, State, SupportRequest

TAG = ["support"]
PARSERS = [JSONParser, MultiPartParser, FormParser]


class QueuePagination(Pagination):
    """``?page=`` / ``?page_size=`` as everywhere, without ``count``: a desk's closed requests are
    tens of thousands and counting them would be most of the answer's cost. ``next`` says whether
    another page follows."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = self.get_page_size(request)
        self.number = page_param(request, self.page_query_param)
        start = (self.number - 1) * self.size
        rows = list(queryset[start:start + self.size + 1])
        self.more = len(rows) > self.size
        return rows[:self.size]

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        return Response({
            "next": replace_query_param(url, self.page_query_param, self.number + 1) if self.more else None,
            "previous": replace_query_param(url, self.page_query_param, self.number - 1) if self.number > 1 else None,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "required": ["results"], "properties": {
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": schema,
        }}


class SupportAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class SupportThreadItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=["member", "answer", "question", "note", "event"],
        help_text="member: the member wrote; answer / question: the service; note: internal (staff only); "
                  "event: something happened to the collections case.")
    author = serializers.SerializerMethodField()
    text = serializers.CharField()
    internal = serializers.BooleanField()
    attachments = SupportAttachmentSerializer(many=True)

    def get_author(self, item) -> str:
        return str(item["author"] or "")


class SupportClockSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["due", "late", "paused", ""],
                                   help_text="due / late: the answer is due at due_at; paused: waiting for the member.")
    seconds = serializers.IntegerField(help_text="Until due, past due, or working seconds left when paused.")
    due_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField()


class SupportRequestSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = SupportRequest
        fields = ["id", "ref", "kind", "service", "subject", "state", "activity", "document", "case", "created_at",
                  "last_activity_at", "answered_at", "closed_at"]
        read_only_fields = fields
        extra_kwargs = {f: {"allow_null": True} for f in ("activity", "document", "case", "answered_at", "closed_at")}


class SupportRequestDetailSerializer(SupportRequestSerializer):
    thread = serializers.SerializerMethodField()

    class Meta(SupportRequestSerializer.Meta):
        fields = [*SupportRequestSerializer.Meta.fields, "thread"]
        read_only_fields = fields

    @extend_schema_field(SupportThreadItemSerializer(many=True))
    def get_thread(self, obj) -> list:
        return SupportThreadItemSerializer(selectors.thread(obj, as_agent=self.context.get("as_agent", False)), many=True).data


class SupportQueueRowSerializer(SupportRequestSerializer):
    member = serializers.IntegerField(source="member_id", allow_null=True, read_only=True)
    member_name = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()

    class Meta(SupportRequestSerializer.Meta):
        fields = [*SupportRequestSerializer.Meta.fields, "entity", "priority", "assigned_to", "member", "member_name",
                  "due_at", "clock"]
        read_only_fields = fields
        extra_kwargs = {**SupportRequestSerializer.Meta.extra_kwargs, "assigned_to": {"allow_null": True},
                        "due_at": {"allow_null": True}}

    def get_member_name(self, obj) -> str:
        return str(obj.member) if obj.member_id else ""

    @extend_schema_field(SupportClockSerializer)
    def get_clock(self, obj) -> dict:
        reading = clock.read(obj, self.context.get("now"))
        return SupportClockSerializer({"kind": reading.kind, "seconds": reading.seconds, "due_at": reading.due_at,
                                "text": reading.text}).data


class SupportStaffDetailSerializer(SupportQueueRowSerializer):
    thread = serializers.SerializerMethodField()

    class Meta(SupportQueueRowSerializer.Meta):
        fields = [*SupportQueueRowSerializer.Meta.fields, "thread"]
        read_only_fields = fields

    @extend_schema_field(SupportThreadItemSerializer(many=True))
    def get_thread(self, obj) -> list:
        return SupportThreadItemSerializer(selectors.thread(obj, as_agent=True), many=True).data


class SupportRequestInSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=SupportService.choices)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=10_000)
    activity = serializers.IntegerField(required=False, allow_null=True, help_text="One of your activities.")
    document = serializers.IntegerField(required=False, allow_null=True, help_text="One of your documents.")
    client_key = serializers.UUIDField(required=False, allow_null=True,
                                       help_text="Your own key for this request: sent again, the first is returned.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                        help_text="Files (multipart only).")


class SupportMessageInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)
    client_key = serializers.UUIDField(required=False, allow_null=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SupportAnswerInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)
    ask = serializers.BooleanField(default=False, help_text="A question to the member: the clock pauses.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SupportNoteInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SupportAssignInSerializer(serializers.Serializer):
    assigned_to = serializers.IntegerField(allow_null=True, help_text="A colleague of the desk; null: nobody.")


class SupportPriorityInSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class SupportCannedAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = CannedAnswer
        fields = ["id", "entity", "service", "title", "body", "updated_at"]
        read_only_fields = ["id", "updated_at"]


def _files(request) -> list:
    return list(request.FILES.getlist("attachments")) if hasattr(request, "FILES") else []


@extend_schema(tags=TAG)
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("state", str, enum=State.values)]))
class MyRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SupportRequestSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        qs = selectors.my_list(self.request.user, state=choice_param(self.request, "state", State.values))
        return qs.select_related(None) if self.action == "list" else qs

    def get_serializer_class(self):
        return SupportRequestDetailSerializer if self.action == "retrieve" else SupportRequestSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_agent": False}

    def _mine(self, pk) -> SupportRequest:
        try:
            return selectors.my_requests(self.request.user).get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def _detail(self, r, code=status.HTTP_200_OK):
        r = selectors.my_requests(self.request.user).select_related("case__client", "activity").get(pk=r.pk)
        return Response(SupportRequestDetailSerializer(r, context={"as_agent": False}).data, status=code)

    @extend_schema(tags=TAG, request={"application/json": SupportRequestInSerializer, "multipart/form-data": SupportRequestInSerializer},
                   responses={201: SupportRequestDetailSerializer, 200: SupportRequestDetailSerializer})
    def create(self, request, *args, **kwargs):
        d = valid_data(SupportRequestInSerializer, request)
        activity = document = None
        if d.get("activity"):
            activity = selectors.my_activities(request.user).filter(pk=d["activity"]).first()
            if activity is None:
                raise serializers.ValidationError({"activity": [_("Choose one of your activities.")]})
        if d.get("document"):
            document = next((doc for doc in selectors.my_documents(request.user, limit=0, include=d["document"])), None)
            if document is None:
                raise serializers.ValidationError({"document": [_("Choose one of your documents.")]})
        r = services.create_request(actor=request.user, service=d["service"], subject=d["subject"], body=d["body"],
                                    activity=activity, document=document, attachments=_files(request),
                                    client_key=d.get("client_key"))
        return self._detail(r, status.HTTP_200_OK if getattr(r, "already_sent", False) else status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request={"application/json": SupportMessageInSerializer, "multipart/form-data": SupportMessageInSerializer},
                   responses=SupportRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = valid_data(SupportMessageInSerializer, request)
        r = self._mine(pk)
        services.reply(actor=request.user, request=r, body=d["body"], attachments=_files(request),
                       client_key=d.get("client_key"))
        return self._detail(r)

    @extend_schema(tags=TAG, request=None, responses=SupportRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        r = services.close(actor=request.user, request=self._mine(pk))
        return self._detail(r)

    @extend_schema(tags=TAG, request=None, responses=SupportRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        r = services.reopen(actor=request.user, request=self._mine(pk))
        return self._detail(r)


QUEUE_PARAMETERS = [
    OpenApiParameter("show", str, enum=list(selectors.TABS), description="to answer (default), waiting, answered, closed"),
    OpenApiParameter("service", str, enum=SupportService.values),
    OpenApiParameter("entity", int),
    OpenApiParameter("who", str, enum=["mine", "unassigned"]),
    OpenApiParameter("late", bool),
    OpenApiParameter("priority", str, enum=Priority.values),
]


@extend_schema(tags=TAG)
@extend_schema_view(list=extend_schema(parameters=QUEUE_PARAMETERS))
class QueueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SupportQueueRowSerializer
    parser_classes = PARSERS
    pagination_class = QueuePagination

    def get_queryset(self):
        if self.action != "list":
            return selectors.staff_requests(self.request.user).select_related(
                "member__user", "activity", "assigned_to", "case__client", "case__activity", "entity")
        services_ = selectors.staff_services(self.request.user)
        f = selectors.QueueFilter(
            tab=choice_param(self.request, "show", list(selectors.TABS), default="todo"),
            service=choice_param(self.request, "service", [s for s, _l in services_]),
            entity=id_param(self.request, "entity"), who=choice_param(self.request, "who", ["mine", "unassigned"]),
            late=bool_param(self.request, "late"), priority=choice_param(self.request, "priority", Priority.values))
        return selectors.queue(self.request.user, f)

    def get_serializer_class(self):
        return SupportStaffDetailSerializer if self.action == "retrieve" else SupportQueueRowSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _detail(self, r):
        r = self.get_queryset().get(pk=r.pk)
        return Response(SupportStaffDetailSerializer(r, context=self.get_serializer_context()).data)

    @extend_schema(tags=TAG, request={"application/json": SupportAnswerInSerializer, "multipart/form-data": SupportAnswerInSerializer},
                   responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        d = valid_data(SupportAnswerInSerializer, request)
        r = self.get_object()
        services.answer(actor=request.user, request=r, body=d["body"], ask=d["ask"], attachments=_files(request))
        return self._detail(r)

    @extend_schema(tags=TAG, request={"application/json": SupportNoteInSerializer, "multipart/form-data": SupportNoteInSerializer},
                   responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        d = valid_data(SupportNoteInSerializer, request)
        r = self.get_object()
        services.add_note(actor=request.user, request=r, body=d["body"], attachments=_files(request))
        return self._detail(r)

    @extend_schema(tags=TAG, request=SupportAssignInSerializer, responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = valid_data(SupportAssignInSerializer, request)
        r = self.get_object()
        agent = None
        if d["assigned_to"] is not None:
            agent = next((u for u in selectors.colleagues(r.entity_id, r.service) if u.pk == d["assigned_to"]), None)
            if agent is None:
                raise serializers.ValidationError({"assigned_to": [_("This person does not work for this service.")]})
        services.assign(actor=request.user, request=r, agent=agent)
        return self._detail(r)

    @extend_schema(tags=TAG, request=SupportPriorityInSerializer, responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def priority(self, request, pk=None):
        d = valid_data(SupportPriorityInSerializer, request)
        r = self.get_object()
        services.set_priority(actor=request.user, request=r, priority=d["priority"])
        return self._detail(r)

    @extend_schema(tags=TAG, request=None, responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        r = services.close(actor=request.user, request=self.get_object())
        return self._detail(r)

    @extend_schema(tags=TAG, request=None, responses=SupportStaffDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        r = services.reopen(actor=request.user, request=self.get_object())
        return self._detail(r)


@extend_schema(tags=TAG)
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("service", str, enum=SupportService.values),
                                                   OpenApiParameter("entity", int)]))
class CannedAnswerViewSet(viewsets.ModelViewSet):
    serializer_class = SupportCannedAnswerSerializer
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.canned(self.request.user, service=choice_param(self.request, "service", SupportService.values),
                                entity=id_param(self.request, "entity"))

    def _entity(self, pk):
        entity = next((e for e in selectors.staff_entities(self.request.user) if e.pk == pk), None)
        if entity is None:
            raise serializers.ValidationError({"entity": [_("Choose one of the entities you work for.")]})
        return entity

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = desk.save_canned(actor=self.request.user, entity=self._entity(d["entity"].pk),
                                               service=d["service"], title=d["title"], body=d["body"])

    def perform_update(self, serializer):
        item, d = serializer.instance, serializer.validated_data
        entity = self._entity(d["entity"].pk) if "entity" in d else item.entity
        serializer.instance = desk.save_canned(actor=self.request.user, entity=entity,
                                               service=d.get("service", item.service), title=d.get("title", item.title),
                                               body=d.get("body", item.body), canned=item)

    def perform_destroy(self, instance):
        desk.delete_canned(actor=self.request.user, canned=instance)


class AttachmentView(APIView):
    @extend_schema(tags=TAG, responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk):
        try:
            item = selectors.attachment_for(request.user, pk)
        except ObjectDoesNotExist:
            raise Http404 from None
        return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=item.content_type)
