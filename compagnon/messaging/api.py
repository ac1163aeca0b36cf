"""The messages API, with the pages' selectors and services (404 outside one's conversations):

* ``messages/conversations/`` — the caller's conversations, newest activity first (``?archived=true``
  for the archived ones); POST starts one (``to``: user ids, ``subject``, ``body``, ``client_key``,
  ``attachments`` as multipart files);
* ``messages/conversations/{id}/`` — one; ``{id}/messages/`` lists its messages newest first
  (``?before=<message id>``) and POST writes one (multipart for files); ``{id}/read/``,
  ``{id}/archive/`` (``{"archived": false}`` brings it back), ``{id}/report/``;
* ``messages/unread/`` — how many unread messages and conversations;
* ``messages/recipients/?q=`` — people the caller may write to, by name;
* ``messages/blocks/`` — people the caller blocked; POST ``{"user"}`` blocks, DELETE ``{user}/`` unblocks;
* ``messages/preferences/`` — GET / PUT ``{"email_frequency"}``;
* ``messages/attachments/{id}/`` — a file of a conversation the caller takes part in.
The administrators' moderation queue is in ``api_moderation.py``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.accounts.models import User
from compagnon.core.api import valid_data
from compagnon.core.params import BIGINT_MAX, bool_param, id_param, text_param

from . import files, people, selectors, services
from .models import Attachment, Block, EmailFrequency, Message, Participant
from .services import MAX_BODY, MAX_RECIPIENTS, MAX_SUBJECT
from .views import _known_person, download

TAG = ["messages"]
PARSERS = [JSONParser, MultiPartParser, FormParser]


class MessagingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class MessagingRecipientSerializer(MessagingPersonSerializer):
    label = serializers.CharField(help_text="Their office, or their roles in the cooperative.")


class MessageAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(reverse("api-messaging-attachment-detail", args=[obj.pk]))


class PrivateMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    attachments = MessageAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "conversation", "author", "author_name", "mine", "body", "created_at", "attachments"]
        read_only_fields = fields
        extra_kwargs = {"author": {"allow_null": True}}

    def get_author_name(self, obj) -> str:
        return str(obj.author) if obj.author_id else ""

    def get_mine(self, obj) -> bool:
        return obj.author_id == self.context["request"].user.pk


class ConversationLastMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.IntegerField(source="author_id", allow_null=True)
    author_name = serializers.SerializerMethodField()
    excerpt = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author_name(self, obj) -> str:
        return str(obj.author) if obj.author_id else ""

    def get_excerpt(self, obj) -> str:
        text = " ".join((obj.body or "").split())
        return text[:140]


class MessagingConversationSerializer(serializers.Serializer):
    """One conversation as its reader sees it (from their participant row)."""

    id = serializers.IntegerField(source="conversation_id")
    subject = serializers.CharField(source="conversation.subject")
    entity = serializers.IntegerField(source="conversation.entity_id")
    people = serializers.SerializerMethodField(help_text="The other participants.")
    last_message_at = serializers.DateTimeField()
    last_message = ConversationLastMessageSerializer(source="conversation.last_message", allow_null=True)
    message_count = serializers.IntegerField(source="conversation.message_count")
    unread = serializers.IntegerField()
    archived = serializers.BooleanField()

    @extend_schema_field(MessagingPersonSerializer(many=True))
    def get_people(self, obj):
        everyone = self.context["people"].get(obj.conversation_id, [])
        me = self.context["request"].user.pk
        return MessagingPersonSerializer([u for u in everyone if u.pk != me], many=True).data


class PrivateMessageInSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_BODY, trim_whitespace=False)
    client_key = serializers.UUIDField(required=False, allow_null=True, default=None,
                                       help_text="Chosen by the client: the same key twice writes one message.")
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=files.MAX_FILES,
        help_text=f"Up to {files.MAX_FILES} files of {files.MAX_BYTES // 1048576} MB (multipart/form-data).",
    )


class MessagingConversationInSerializer(PrivateMessageInSerializer):
    to = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), min_length=1,
                               max_length=MAX_RECIPIENTS, help_text="Ids of the people (users) to write to.")
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_SUBJECT)


class ConversationArchiveInSerializer(serializers.Serializer):
    archived = serializers.BooleanField(required=False, default=True)


class ConversationReportInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    person = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                      max_value=BIGINT_MAX, help_text="The participant whose messages are a problem.")


class ConversationReportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()


class MessagingUnreadSerializer(serializers.Serializer):
    messages = serializers.IntegerField()
    conversations = serializers.IntegerField()


class MessagingBlockSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="blocked_id")
    name = serializers.CharField(source="blocked.__str__")

    class Meta:
        model = Block
        fields = ["user", "name", "created_at"]
        read_only_fields = fields


class MessagingBlockInSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX)


class MessagingPreferenceSerializer(serializers.Serializer):
    email_frequency = serializers.ChoiceField(choices=EmailFrequency.choices,
                                              help_text="none, immediately or daily (the default).")


def _conversation(request, pk) -> Participant:
    try:
        return selectors.participation(request.user, int(pk))
    except (ObjectDoesNotExist, ValueError, OverflowError):
        raise Http404 from None


@extend_schema(tags=TAG)
class ConversationViewSet(viewsets.GenericViewSet):
    serializer_class = MessagingConversationSerializer
    parser_classes = PARSERS
    queryset = Participant.objects.none()

    def _answer(self, rows):
        names = selectors.people_of([p.conversation_id for p in rows])
        return MessagingConversationSerializer(rows, many=True, context={"request": self.request, "people": names}).data

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("archived", bool, description="The archived ones")],
                   responses=MessagingConversationSerializer(many=True))
    def list(self, request):
        qs = selectors.inbox(request.user, archived=bool_param(request, "archived"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self._answer(list(page)))

    @extend_schema(tags=TAG, responses=MessagingConversationSerializer)
    def retrieve(self, request, pk=None):
        part = _conversation(request, pk)
        return Response(self._answer([selectors.inbox(request.user, archived=part.archived).get(pk=part.pk)])[0])

    @extend_schema(tags=TAG, request={"application/json": MessagingConversationInSerializer,
                                      "multipart/form-data": MessagingConversationInSerializer},
                   responses={201: PrivateMessageSerializer, 200: PrivateMessageSerializer})
    def create(self, request):
        d = valid_data(MessagingConversationInSerializer, request)
        recipients = list(User.objects.filter(pk__in=d["to"]))
        if len(recipients) != len(set(d["to"])):
            raise serializers.ValidationError({"to": [_("You can write to the members and the staff of your "
                                                        "cooperative only.")]})
        message = services.start_conversation(
            actor=request.user, recipients=recipients, subject=d["subject"], body=d["body"],
            attachments=d["attachments"], client_key=d["client_key"],
        )
        return self._message(message)

    def _message(self, message):
        fresh = selectors.messages(message.conversation_id).get(pk=message.pk)
        code = status.HTTP_200_OK if getattr(message, "replayed", False) else status.HTTP_201_CREATED
        return Response(PrivateMessageSerializer(fresh, context={"request": self.request}).data, status=code)

    @extend_schema(tags=TAG, methods=["GET"], responses=PrivateMessageSerializer(many=True),
                   parameters=[OpenApiParameter("before", int, description="Only messages older than this one")])
    @extend_schema(tags=TAG, methods=["POST"], request={"application/json": PrivateMessageInSerializer,
                                                        "multipart/form-data": PrivateMessageInSerializer},
                   responses={201: PrivateMessageSerializer, 200: PrivateMessageSerializer})
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        part = _conversation(request, pk)
        if request.method == "POST":
            d = valid_data(PrivateMessageInSerializer, request)
            message = services.send_message(actor=request.user, conversation=part.conversation, body=d["body"],
                                            attachments=d["attachments"], client_key=d["client_key"])
            return self._message(message)
        page = self.paginate_queryset(selectors.messages(part.conversation_id, before=id_param(request, "before")))
        return self.get_paginated_response(PrivateMessageSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(tags=TAG, request=None, responses=MessagingConversationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        part = _conversation(request, pk)
        services.mark_read(actor=request.user, conversation=part.conversation)
        return self.retrieve(request, pk)

    @extend_schema(tags=TAG, request=ConversationArchiveInSerializer, responses=MessagingConversationSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        part = _conversation(request, pk)
        d = valid_data(ConversationArchiveInSerializer, request)
        services.set_archived(actor=request.user, conversation=part.conversation, archived=d["archived"])
        return self.retrieve(request, pk)

    @extend_schema(tags=TAG, request=ConversationReportInSerializer, responses={201: ConversationReportCreatedSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        part = _conversation(request, pk)
        d = valid_data(ConversationReportInSerializer, request)
        person = None
        if d["person"] is not None:
            person = User.objects.filter(
                pk=d["person"], pk__in=Participant.objects.filter(conversation_id=part.conversation_id)
                .values("user_id")
            ).first()
            if person is None:
                raise serializers.ValidationError({"person": [_("Choose one of the people in this conversation.")]})
        made = services.report_conversation(actor=request.user, conversation=part.conversation, reason=d["reason"],
                                            reported=person)
        return Response({"id": made.pk, "state": made.state}, status=status.HTTP_201_CREATED)


class UnreadView(APIView):
    @extend_schema(tags=TAG, responses=MessagingUnreadSerializer)
    def get(self, request):
        """How many messages the caller has not read, in how many conversations."""
        return Response(selectors.unread(request.user))


class RecipientsView(APIView):
    @extend_schema(tags=TAG, parameters=[OpenApiParameter("q", str, description="Part of a first or last name")],
                   responses=MessagingRecipientSerializer(many=True))
    def get(self, request):
        """Up to 20 people the caller may write to (colleagues of their cooperative and its staff)."""
        q = text_param(request, "q", max_length=100)
        return Response(MessagingRecipientSerializer(people.search(request.user, q), many=True).data)


@extend_schema(tags=TAG)
class BlockViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MessagingBlockSerializer

    def get_queryset(self):
        return selectors.blocked_by_me(self.request.user)

    def _person(self, pk):
        try:
            return _known_person(self.request.user, int(pk))
        except (ObjectDoesNotExist, ValueError, OverflowError):
            raise Http404 from None

    @extend_schema(tags=TAG, request=MessagingBlockInSerializer, responses={201: MessagingBlockSerializer})
    def create(self, request):
        d = valid_data(MessagingBlockInSerializer, request)
        block = services.block_person(actor=request.user, user=self._person(d["user"]))
        return Response(MessagingBlockSerializer(self.get_queryset().get(pk=block.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses={204: None})
    def destroy(self, request, pk=None):
        services.unblock_person(actor=request.user, user=self._person(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferenceView(APIView):
    parser_classes = PARSERS

    @extend_schema(tags=TAG, responses=MessagingPreferenceSerializer)
    def get(self, request):
        return Response({"email_frequency": services.email_frequency(request.user)})

    @extend_schema(tags=TAG, request=MessagingPreferenceSerializer, responses=MessagingPreferenceSerializer)
    def put(self, request):
        d = valid_data(MessagingPreferenceSerializer, request)
        pref = services.set_email_frequency(actor=request.user, frequency=d["email_frequency"])
        return Response({"email_frequency": pref.email_frequency})


@extend_schema(tags=TAG)
class AttachmentViewSet(viewsets.GenericViewSet):
    queryset = Attachment.objects.none()
    serializer_class = MessageAttachmentSerializer

    @extend_schema(tags=TAG, responses={(200, "application/octet-stream"): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="The file as it was attached")})
    def retrieve(self, request, pk=None):
        try:
            item = selectors.attachment(request.user, int(pk))
        except (ObjectDoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        return download(item)
