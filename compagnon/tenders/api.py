"""The tenders API, with the pages' selectors and services (404 outside one's scope, 403 for a
visible object one may not change):

* ``tenders/notices/`` — the notices the caller sees (``?for_me=true``, ``?kind=``); POST enters
  one by hand (staff);
* ``tenders/imports/`` — the imports (staff); POST a file (multipart: ``entity``, ``source``,
  ``file``, ``dry_run``): the answer says what was (or would be) created, updated, refused;
  ``{id}/file/`` the file kept;
* ``tenders/answers/`` — the caller's answers; POST ``{notice}`` opens one; ``{id}/invite/``,
  ``{id}/shares/``, ``{id}/attach-documents/``, ``{id}/submit/``, ``{id}/outcome/``;
* ``tenders/answer-members/`` — the groups' members; ``{id}/accept/``, ``{id}/decline/``,
  ``{id}/declare/`` (a won answer's share as a job);
* ``tenders/checklist/`` — items of one's groups; POST adds; ``{id}/toggle/``;
* ``tenders/files/`` — files of one's groups; POST (multipart ``answer``, ``file``); ``{id}/download/``;
* ``tenders/admin-documents/`` — the cooperative's documents (members read, staff add);
  ``{id}/download/``;
* ``tenders/trades/`` — the CPV → trade table (staff): list, add, delete.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.api import valid_data
from compagnon.core.params import bool_param, choice_param
from compagnon.members.models import Member, Trade
from compagnon.organisation.models import Entity

from . import selectors, services
from .models import (
    AdminDocument,
    AdminKind,
    Answer,
    AnswerFile,
    AnswerMember,
    AnswerState,
    ChecklistItem,
    CpvTrade,
    Kind,
    Notice,
    NoticeImport,
    Role,
    Source,
)
from .rules import managed_entity_ids

TAG = ["tenders"]
PARSERS = [JSONParser, MultiPartParser, FormParser]
MONEY = {"max_digits": 14, "decimal_places": 2}
BINARY = {(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}


def _download(item, content_type: str = ""):
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                            content_type=content_type or getattr(item, "content_type", "") or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


def _managed_entity(user, pk) -> Entity:
    entity = Entity.objects.filter(pk=pk, pk__in=managed_entity_ids(user)).first()
    if entity is None:
        raise ValidationError({"entity": _("Choose a cooperative you serve.")})
    return entity


class TenderNoticeSerializer(serializers.ModelSerializer):
    for_me = serializers.SerializerMethodField()
    link = serializers.CharField(read_only=True, help_text="The notice at its source (empty when unknown).")

    class Meta:
        model = Notice
        fields = ["id", "entity", "kind", "source", "source_id", "title", "buyer", "description", "cpv_codes",
                  "department", "nuts", "postcode", "published_on", "deadline", "link", "estimated_value", "for_me"]
        read_only_fields = fields
        extra_kwargs = {"published_on": {"allow_null": True}, "deadline": {"allow_null": True},
                        "estimated_value": {"allow_null": True}}

    def get_for_me(self, obj) -> bool:
        return bool(getattr(obj, "for_me", False))


class TenderNoticeInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.TENDER)
    title = serializers.CharField(max_length=300)
    buyer = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    cpv_codes = serializers.ListField(child=serializers.CharField(max_length=12), required=False, default=list,
                                      max_length=50)
    department = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    nuts = serializers.CharField(max_length=5, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    estimated_value = serializers.DecimalField(min_value=0, required=False, allow_null=True, default=None, **MONEY)


@extend_schema(tags=TAG, parameters=[
    OpenApiParameter("for_me", bool, description="Only the notices matched to the caller."),
    OpenApiParameter("kind", str, enum=Kind.values)])
class NoticeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderNoticeSerializer

    def get_queryset(self):
        qs = selectors.notices(self.request.user).order_by("-published_on", "-id")
        if self.action == "list":
            kind = choice_param(self.request.query_params, "kind", Kind.values)
            if kind:
                qs = qs.filter(kind=kind)
            if bool_param(self.request.query_params, "for_me"):
                s = permissions.scope_for(self.request.user)
                qs = qs.filter(matches__member_id=s.member_id) if s.member_id else qs.none()
        return qs

    @extend_schema(tags=TAG, request=TenderNoticeInSerializer, responses={201: TenderNoticeSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(TenderNoticeInSerializer, request))
        entity = _managed_entity(request.user, data.pop("entity"))
        notice = services.save_notice(actor=request.user, entity=entity, **data)
        return Response(TenderNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class TenderImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeImport
        fields = ["id", "entity", "source", "name", "created", "updated", "problems", "created_at"]
        read_only_fields = fields


class TenderImportInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    source = serializers.ChoiceField(choices=[(Source.BOAMP, "BOAMP"), (Source.TED, "TED")])
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)


class TenderImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.ListField(child=serializers.CharField(), help_text="Source references created.")
    updated = serializers.ListField(child=serializers.CharField(), help_text="Source references updated.")
    problems = serializers.ListField(child=serializers.DictField(), help_text="{record, reference, field, message}")
    import_id = serializers.IntegerField(allow_null=True)


@extend_schema(tags=TAG)
class ImportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderImportSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return selectors.imports(self.request.user).order_by("-created_at", "-id")

    @extend_schema(tags=TAG, request={"multipart/form-data": TenderImportInSerializer},
                   responses={201: TenderImportResultSerializer, 200: TenderImportResultSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(TenderImportInSerializer, request)
        entity = _managed_entity(request.user, data["entity"])
        upload = data["file"]
        result = services.import_notices(actor=request.user, entity=entity, source=data["source"], name=upload.name,
                                         data=upload.read(formats_max() + 1), dry_run=data["dry_run"])
        body = {"dry_run": result.dry_run, "created": [n.source_id for n in result.created],
                "updated": [n.source_id for n in result.updated],
                "problems": [p.as_dict() for p in result.problems],
                "import_id": result.notice_import.pk if result.notice_import else None}
        return Response(body, status=status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses=BINARY)
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        imp = self.get_object()
        return _download(imp, "application/json" if imp.source == Source.BOAMP else "application/xml")


def formats_max() -> int:
    from .formats import MAX_BYTES

    return MAX_BYTES


class TenderAnswerMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = AnswerMember
        fields = ["id", "answer", "member", "name", "role", "state", "share", "job"]
        read_only_fields = fields
        extra_kwargs = {"job": {"allow_null": True}}


class TenderAnswerSerializer(serializers.ModelSerializer):
    notice_title = serializers.CharField(source="notice.title", read_only=True)
    deadline = serializers.DateTimeField(source="notice.deadline", read_only=True, allow_null=True)

    class Meta:
        model = Answer
        fields = ["id", "notice", "notice_title", "deadline", "lead", "state", "lost_reason", "won_amount",
                  "starts_on", "ends_on", "submitted_at", "decided_at", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"won_amount": {"allow_null": True}, "starts_on": {"allow_null": True},
                        "ends_on": {"allow_null": True}, "submitted_at": {"allow_null": True},
                        "decided_at": {"allow_null": True}}


class TenderAnswerDetailSerializer(TenderAnswerSerializer):
    members = TenderAnswerMemberSerializer(many=True, read_only=True)

    class Meta(TenderAnswerSerializer.Meta):
        fields = [*TenderAnswerSerializer.Meta.fields, "members"]
        read_only_fields = fields


class TenderOpenInSerializer(serializers.Serializer):
    notice = serializers.IntegerField()


class TenderInviteInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    role = serializers.ChoiceField(choices=[(Role.PARTNER, "partner"), (Role.SUBCONTRACTOR, "subcontractor")],
                                   default=Role.PARTNER)
    share = serializers.DecimalField(min_value=0, max_value=100, max_digits=5, decimal_places=2, default=0)


class TenderShareInSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="The id of the group's row (answer-members).")
    share = serializers.DecimalField(min_value=0, max_value=100, max_digits=5, decimal_places=2)


class TenderSharesInSerializer(serializers.Serializer):
    shares = TenderShareInSerializer(many=True)


class TenderOutcomeInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s, s) for s in (AnswerState.SUBMITTED, AnswerState.WON,
                                                                AnswerState.LOST, AnswerState.ABANDONED)])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    won_amount = serializers.DecimalField(min_value=0, required=False, allow_null=True, default=None, **MONEY)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    activity = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="One of the caller's activities: it takes their share when won.")


class TenderActivityInSerializer(serializers.Serializer):
    activity = serializers.IntegerField(help_text="One of the caller's activities.")


def _my_activity(user, pk):
    if pk is None:
        return None
    s = permissions.scope_for(user)
    activity = selectors.my_activities(s.member_id).filter(pk=pk).first() if s.member_id else None
    if activity is None:
        raise ValidationError({"activity": _("Choose one of your open activities.")})
    return activity


@extend_schema(tags=TAG)
class AnswerViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    def get_serializer_class(self):
        return TenderAnswerDetailSerializer if self.action != "list" else TenderAnswerSerializer

    def get_queryset(self):
        qs = selectors.answers(self.request.user).order_by("-created_at", "-id")
        return qs.prefetch_related("members__member__user") if self.action != "list" else qs

    def _detail(self, answer, code=status.HTTP_200_OK):
        return Response(TenderAnswerDetailSerializer(selectors.answers(self.request.user).prefetch_related(
            "members__member__user").get(pk=answer.pk)).data, status=code)

    def _lead(self):
        answer = self.get_object()
        if not self.request.user.has_perm("tenders.lead", answer):
            raise PermissionDenied
        return answer

    @extend_schema(tags=TAG, request=TenderOpenInSerializer, responses={201: TenderAnswerDetailSerializer,
                                                                  200: TenderAnswerDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(TenderOpenInSerializer, request)
        notice = selectors.notices(request.user).filter(pk=data["notice"]).first()
        if notice is None:
            raise Http404
        answer = services.open_answer(actor=request.user, notice=notice)
        return self._detail(answer, status.HTTP_200_OK if getattr(answer, "already_opened", False)
                            else status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=TenderInviteInSerializer, responses={201: TenderAnswerMemberSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        answer = self._lead()
        data = valid_data(TenderInviteInSerializer, request)
        member = Member.objects.filter(pk=data["member"], entity_id=answer.entity_id).first()
        if member is None:
            raise ValidationError({"member": _("Invite an active member of your cooperative.")})
        row = services.invite(actor=request.user, answer=answer, member=member, role=data["role"],
                              share=data["share"])
        return Response(TenderAnswerMemberSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=TenderSharesInSerializer, responses=TenderAnswerDetailSerializer)
    @action(detail=True, methods=["post"])
    def shares(self, request, pk=None):
        answer = self._lead()
        data = valid_data(TenderSharesInSerializer, request)
        services.set_shares(actor=request.user, answer=answer, shares={s["member"]: s["share"] for s in data["shares"]})
        return self._detail(answer)

    @extend_schema(tags=TAG, request=None, responses=TenderAnswerDetailSerializer)
    @action(detail=True, methods=["post"], url_path="attach-documents")
    def attach_documents(self, request, pk=None):
        answer = self.get_object()
        if not request.user.has_perm("tenders.work", answer):
            raise PermissionDenied
        services.attach_admin_documents(actor=request.user, answer=answer)
        return self._detail(answer)

    @extend_schema(tags=TAG, request=None, responses=TenderAnswerDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        answer = self._lead()
        services.submit(actor=request.user, answer=answer)
        return self._detail(answer)

    @extend_schema(tags=TAG, request=TenderOutcomeInSerializer, responses=TenderAnswerDetailSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        answer = self._lead()
        data = dict(valid_data(TenderOutcomeInSerializer, request))
        data["activity"] = _my_activity(request.user, data.pop("activity"))
        services.record_outcome(actor=request.user, answer=answer, **data)
        return self._detail(answer)


@extend_schema(tags=TAG)
class AnswerMemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderAnswerMemberSerializer

    def get_queryset(self):
        return selectors.answer_members(self.request.user).order_by("answer_id", "id")

    def _respond(self, accept: bool):
        row = self.get_object()
        if not self.request.user.has_perm("tenders.respond", row):
            raise PermissionDenied
        return Response(TenderAnswerMemberSerializer(services.respond(actor=self.request.user, row=row,
                                                                accept=accept)).data)

    @extend_schema(tags=TAG, request=None, responses=TenderAnswerMemberSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._respond(True)

    @extend_schema(tags=TAG, request=None, responses=TenderAnswerMemberSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._respond(False)

    @extend_schema(tags=TAG, request=TenderActivityInSerializer, responses=TenderAnswerMemberSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        row = self.get_object()
        if not request.user.has_perm("tenders.declare_share", row):
            raise PermissionDenied
        data = valid_data(TenderActivityInSerializer, request)
        row = services.declare_share(actor=request.user, row=row, activity=_my_activity(request.user, data["activity"]))
        return Response(TenderAnswerMemberSerializer(row).data)


class TenderChecklistSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "answer", "label", "who", "due_on", "done", "done_at"]
        read_only_fields = fields
        extra_kwargs = {"who": {"allow_null": True}, "due_on": {"allow_null": True},
                        "done_at": {"allow_null": True}}


class TenderItemInSerializer(serializers.Serializer):
    answer = serializers.IntegerField()
    label = serializers.CharField(max_length=200)
    who = serializers.IntegerField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


def _working_answer(user, pk) -> Answer:
    answer = selectors.answers(user).filter(pk=pk).first()
    if answer is None:
        raise Http404
    if not user.has_perm("tenders.work", answer):
        raise PermissionDenied
    return answer


@extend_schema(tags=TAG)
class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderChecklistSerializer

    def get_queryset(self):
        return selectors.checklist(self.request.user).order_by("answer_id", "position", "id")

    @extend_schema(tags=TAG, request=TenderItemInSerializer, responses={201: TenderChecklistSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(TenderItemInSerializer, request)
        answer = _working_answer(request.user, data["answer"])
        who = Member.objects.filter(pk=data["who"], entity_id=answer.entity_id).first() if data["who"] else None
        if data["who"] and who is None:
            raise ValidationError({"who": _("Choose a member of the group.")})
        item = services.add_item(actor=request.user, answer=answer, label=data["label"], who=who,
                                 due_on=data["due_on"])
        return Response(TenderChecklistSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=None, responses=TenderChecklistSerializer)
    @action(detail=True, methods=["post"])
    def toggle(self, request, pk=None):
        return Response(TenderChecklistSerializer(services.toggle_item(actor=request.user, item=self.get_object())).data)


class TenderFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnswerFile
        fields = ["id", "answer", "name", "content_type", "size", "admin_document", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"admin_document": {"allow_null": True}}


class TenderFileInSerializer(serializers.Serializer):
    answer = serializers.IntegerField()
    file = serializers.FileField()


@extend_schema(tags=TAG)
class FileViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderFileSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return selectors.files(self.request.user).order_by("-created_at", "-id")

    @extend_schema(tags=TAG, request={"multipart/form-data": TenderFileInSerializer}, responses={201: TenderFileSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(TenderFileInSerializer, request)
        answer = _working_answer(request.user, data["answer"])
        item = services.add_file(actor=request.user, answer=answer, upload=data["file"])
        return Response(TenderFileSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses=BINARY)
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return _download(self.get_object())


class TenderAdminDocumentSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = AdminDocument
        fields = ["id", "entity", "kind", "title", "name", "content_type", "size", "issued_on", "expires_on",
                  "status", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"expires_on": {"allow_null": True}}

    def get_status(self, obj) -> str:
        return obj.status()


class TenderAdminDocumentInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AdminKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema(tags=TAG)
class AdminDocumentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderAdminDocumentSerializer
    parser_classes = PARSERS

    def get_queryset(self):
        return selectors.admin_documents(self.request.user).order_by("kind", "-issued_on", "-id")

    @extend_schema(tags=TAG, request={"multipart/form-data": TenderAdminDocumentInSerializer},
                   responses={201: TenderAdminDocumentSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(TenderAdminDocumentInSerializer, request))
        entity = Entity.objects.filter(pk=data.pop("entity"), pk__in=selectors.visible_entity_ids(request.user)).first()
        if entity is None:
            raise ValidationError({"entity": _("Choose a cooperative you serve.")})
        doc = services.save_admin_document(actor=request.user, entity=entity, upload=data.pop("file"), **data)
        return Response(TenderAdminDocumentSerializer(doc).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses=BINARY)
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return _download(self.get_object())


class TenderMappingSerializer(serializers.ModelSerializer):
    trade_code = serializers.CharField(source="trade.code", read_only=True)

    class Meta:
        model = CpvTrade
        fields = ["id", "entity", "trade", "trade_code", "cpv_prefix", "keywords"]
        read_only_fields = ["id", "trade_code"]


@extend_schema(tags=TAG)
class MappingViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TenderMappingSerializer

    def get_queryset(self):
        return selectors.mappings(self.request.user).order_by("trade__code", "cpv_prefix", "id")

    def create(self, request, *args, **kwargs):
        s = TenderMappingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        entity = _managed_entity(request.user, d["entity"].pk)
        trade = Trade.objects.get(pk=d["trade"].pk)
        row = services.save_mapping(actor=request.user, entity=entity, trade=trade,
                                    cpv_prefix=d.get("cpv_prefix", ""), keywords=d.get("keywords", ""))
        return Response(TenderMappingSerializer(row).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_mapping(actor=self.request.user, mapping=instance)
