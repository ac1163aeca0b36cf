"""The procedures' API, with the pages' selectors and services (404 outside what one reads):

* ``procedures/?q=&trade=&kind=`` — procedures in force one reads (``q``: full-text search, best
  first); POST writes a new procedure (its first draft, steps as text, no photos: add them on the
  page); ``{id}/`` the version in force with its steps; ``{id}/versions/`` the versions one sees;
  ``{id}/propose/`` POST opens a draft of a new version from the one in force;
* ``procedure-versions/{id}/`` one version (a draft for its author, the referents and staff);
  PATCH saves a draft (its author); ``{id}/submit/`` sends it for review; ``{id}/review/``
  ``{decision: validate|send_back, comment, shared}`` (a referent of the trade, or an administrator
  when the trade has none);
* ``procedure-checklists/`` — checklists on the intervention sheets one sees; POST ``{sheet,
  procedure}`` attaches the version in force; ``{id}/ticks/`` POST ``{done: [step ids]}``.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import choice_param, id_param, text_param
from compagnon.members.models import Trade
from compagnon.organisation.models import Entity

from . import search, selectors, services
from .models import Kind, Procedure, SheetChecklist, State, Version
from .rules import referent_pairs, staff_entity_ids, writer_entity_ids

TAG = ["procedures"]


class ProcedureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    trade = serializers.IntegerField(source="trade_id")
    kind = serializers.CharField(help_text="installation, repair, maintenance or safety")
    title = serializers.CharField()
    language = serializers.CharField()
    shared = serializers.BooleanField()
    current_version = serializers.IntegerField(source="current_id", allow_null=True)
    in_force_since = serializers.DateTimeField(allow_null=True)


class StepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    to_tick = serializers.BooleanField()
    photos = serializers.ListField(child=serializers.IntegerField(), help_text="Photo ids (served by the page).")


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    procedure = serializers.IntegerField(source="procedure_id")
    number = serializers.IntegerField(allow_null=True)
    state = serializers.CharField(help_text="draft, review, changes or validated")
    in_force = serializers.BooleanField()
    title = serializers.CharField()
    tools = serializers.CharField()
    safety = serializers.CharField()
    change_note = serializers.CharField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(allow_null=True)
    review_comment = serializers.CharField()
    validated_at = serializers.DateTimeField(allow_null=True)
    based_on = serializers.IntegerField(source="based_on_id", allow_null=True)
    steps = StepSerializer(many=True)


class ProcedureDetailSerializer(ProcedureSerializer):
    source = serializers.CharField()
    version = VersionSerializer(allow_null=True)


class StepInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    to_tick = serializers.BooleanField(default=False)


class DraftInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    tools = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    safety = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    steps = StepInSerializer(many=True, min_length=1, max_length=services.MAX_STEPS)


class ProcedureInSerializer(DraftInSerializer):
    entity = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text="Your entity when omitted.")
    trade = serializers.PrimaryKeyRelatedField(queryset=Trade.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    shared = serializers.BooleanField(default=False)
    source = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                   help_text="Where it was written from, e.g. peerhelp.question:42.")


class ReviewInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("validate", "validate"), ("send_back", "send back")])
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    shared = serializers.BooleanField(required=False, allow_null=True, default=None)


class ChecklistItemSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    text = serializers.CharField()
    done = serializers.BooleanField()


class ChecklistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sheet = serializers.IntegerField(source="sheet_id")
    procedure = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id")
    version_number = serializers.IntegerField()
    title = serializers.CharField()
    attached_at = serializers.DateTimeField()
    items = ChecklistItemSerializer(many=True)


class ChecklistInSerializer(serializers.Serializer):
    sheet = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    procedure = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class TicksInSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=200)


def _steps(version) -> list[dict]:
    return [{"id": s.pk, "position": s.position, "text": s.text, "to_tick": s.to_tick,
             "photos": [p.pk for p in s.photos.all()]} for s in version.steps.all()]


def _version(v: Version) -> dict:
    return {**{f: getattr(v, f) for f in ("id", "procedure_id", "number", "state", "title", "tools", "safety",
                                          "change_note", "created_at", "submitted_at", "review_comment",
                                          "validated_at", "based_on_id")},
            "in_force": v.procedure.current_id == v.pk, "author": str(v.author),
            "reviewed_by": str(v.reviewed_by) if v.reviewed_by_id else None, "steps": _steps(v)}


def _detail(user, procedure: Procedure) -> dict:
    version = selectors.version(user, procedure, procedure.current_id) if procedure.current_id else None
    return {**{f: getattr(procedure, f) for f in ("id", "entity_id", "trade_id", "kind", "title", "language",
                                                  "shared", "current_id", "in_force_since", "source")},
            "version": _version(version) if version else None}


class ProcedureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProcedureSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Procedure.objects.none()
        return selectors.procedures(self.request.user)

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("q", str, description="Words to search."),
                                         OpenApiParameter("trade", int), OpenApiParameter("kind", str,
                                                                                           enum=Kind.values)])
    def list(self, request, *args, **kwargs):
        q = text_param(request, "q")
        qs = selectors.in_force(request.user, trade_id=id_param(request, "trade"),
                                kind=choice_param(request, "kind", Kind.values))
        rows = search.search(qs, q) if q else qs
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ProcedureSerializer(page, many=True).data)

    @extend_schema(tags=TAG, responses=ProcedureDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        procedure = selectors.procedure(request.user, self.get_object().pk)
        return Response(ProcedureDetailSerializer(_detail(request.user, procedure)).data)

    @extend_schema(tags=TAG, request=ProcedureInSerializer, responses={201: VersionSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(ProcedureInSerializer, request)
        writers = writer_entity_ids(request.user)
        entity_id = data.pop("entity", None) or (min(writers) if writers else None)
        if entity_id not in writers:
            raise Http404
        version = services.create_procedure(actor=request.user, entity=Entity.objects.get(pk=entity_id),
                                            trade=data["trade"], kind=data["kind"], title=data["title"],
                                            steps=data["steps"], tools=data["tools"], safety=data["safety"],
                                            shared=data["shared"], source=data["source"])
        version = selectors.version(request.user, version.procedure, version.pk)
        return Response(VersionSerializer(_version(version)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        procedure = self.get_object()
        rows = (selectors.visible_versions(request.user, procedure).select_related("author", "reviewed_by", "procedure")
                .prefetch_related(selectors.steps()).order_by("-created_at", "-id"))
        return Response(VersionSerializer([_version(v) for v in rows], many=True).data)

    @extend_schema(tags=TAG, request=None, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        procedure = self.get_object()
        version = services.propose_version(actor=request.user, procedure=procedure)
        version = selectors.version(request.user, procedure, version.pk)
        return Response(VersionSerializer(_version(version)).data, status=status.HTTP_201_CREATED)


def visible_versions_q(user) -> Q:
    q = Q(state=State.VALIDATED) | Q(author_id=user.pk) | Q(procedure__entity_id__in=staff_entity_ids(user))
    for entity_id, trade_id in referent_pairs(user):
        q |= Q(procedure__entity_id=entity_id, procedure__trade_id=trade_id)
    return q


class VersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VersionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Version.objects.none()
        user = self.request.user
        return (Version.objects.filter(procedure__in=selectors.procedures(user).values("id"))
                .filter(visible_versions_q(user)).select_related("procedure", "author", "reviewed_by")
                .prefetch_related(selectors.steps()))

    def _answer(self, version):
        return Response(VersionSerializer(_version(self.get_queryset().get(pk=version.pk))).data)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return Response(VersionSerializer(_version(self.get_object())).data)

    @extend_schema(tags=TAG, request=DraftInSerializer, responses=VersionSerializer)
    def partial_update(self, request, *args, **kwargs):
        version = self.get_object()
        data = valid_data(DraftInSerializer, request)
        services.save_draft(actor=request.user, version=version, **data)
        return self._answer(version)

    @extend_schema(tags=TAG, request=None, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        version = self.get_object()
        services.submit(actor=request.user, version=version)
        return self._answer(version)

    @extend_schema(tags=TAG, request=ReviewInSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        version = self.get_object()
        data = valid_data(ReviewInSerializer, request)
        services.review(actor=request.user, version=version, **data)
        return self._answer(version)


def _checklist(c: SheetChecklist) -> dict:
    ticked = {t.step_id for t in c.ticks.all()}
    return {"id": c.pk, "sheet_id": c.sheet_id, "procedure": c.version.procedure_id, "version_id": c.version_id,
            "version_number": c.version.number, "title": c.version.title, "attached_at": c.attached_at,
            "items": [{"step": s.pk, "text": s.text, "done": s.pk in ticked}
                      for s in c.version.steps.all() if s.to_tick]}


class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SheetChecklist.objects.none()
        return (selectors.checklists(self.request.user).select_related("version")
                .prefetch_related("version__steps", "ticks").order_by("-attached_at", "-id"))

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("sheet", int)])
    def list(self, request, *args, **kwargs):
        qs = self.get_queryset()
        sheet_id = id_param(request, "sheet")
        if sheet_id:
            qs = qs.filter(sheet_id=sheet_id)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ChecklistSerializer([_checklist(c) for c in page], many=True).data)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return Response(ChecklistSerializer(_checklist(self.get_object())).data)

    @extend_schema(tags=TAG, request=ChecklistInSerializer, responses={201: ChecklistSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(ChecklistInSerializer, request)
        try:
            sheet = selectors.sheet(request.user, data["sheet"])
        except Exception:  # noqa: BLE001 - DoesNotExist: not a sheet one sees
            raise Http404 from None
        procedure = selectors.in_force(request.user).filter(pk=data["procedure"]).first()
        if procedure is None:
            raise Http404
        checklist = services.attach_checklist(actor=request.user, sheet=sheet, procedure=procedure)
        return Response(ChecklistSerializer(_checklist(self.get_queryset().get(pk=checklist.pk))).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=TicksInSerializer, responses=ChecklistSerializer)
    @action(detail=True, methods=["post"])
    def ticks(self, request, pk=None):
        checklist = self.get_object()
        data = valid_data(TicksInSerializer, request)
        services.set_ticks(actor=request.user, checklist=checklist, done=data["done"])
        return Response(ChecklistSerializer(_checklist(self.get_queryset().get(pk=checklist.pk))).data)
