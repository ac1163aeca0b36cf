"""The onboarding API, with the pages' selectors and services (404 outside one's reach):

* ``onboarding/my-steps/`` — the caller's path: progress and steps (GET); ``{id}/done/`` marks an
  explanation or a task done, ``{id}/undo/`` takes it back, ``{id}/sign/`` ``{typed_name}`` signs a
  document (the evidence is kept);
* ``onboarding/follow/`` — advisors and administrators: the members they follow, stuck first
  (``?show=stuck|open|done``, ``?office=``); ``{member id}/`` their steps; ``{member id}/attended/``
  ``{step}`` marks a meeting attended;
* ``onboarding/paths/`` — administrators: paths (list, create, read with steps, PATCH, and
  ``{id}/give/``); ``onboarding/steps/`` — their steps (create, PATCH, DELETE);
* ``onboarding/kit/`` — the new member's kit of one's entity (``?entity=``): templates, contacts,
  who does what.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.client_ip import client_ip
from compagnon.core.params import choice_param, id_param
from compagnon.organisation.models import Entity

from . import building, selectors, services
from .models import LANGUAGES, Assignment, Path, Step
from .rules import admin_entity_ids
from .views import lang

TAG = ["onboarding"]


class OnboardingStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField(help_text="explain, sign, meeting or task")
    title = serializers.CharField()
    text = serializers.CharField()
    article = serializers.IntegerField(allow_null=True)
    document_url = serializers.CharField(allow_null=True)
    document_version = serializers.IntegerField()
    meeting_at = serializers.DateTimeField(allow_null=True)
    meeting_place = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    is_next = serializers.BooleanField()


class OnboardingPathStateSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    path = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    intro = serializers.CharField()
    done_count = serializers.IntegerField()
    total_count = serializers.IntegerField()
    next_step = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    steps = OnboardingStepSerializer(many=True)


class OnboardingSignSerializer(serializers.Serializer):
    typed_name = serializers.CharField(max_length=200)


class OnboardingSignatureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step_id")
    typed_name = serializers.CharField()
    signed_at = serializers.DateTimeField()
    document_title = serializers.CharField()
    document_version = serializers.IntegerField()
    document_sha256 = serializers.CharField()


class OneObjectSchema(AutoSchema):
    """``list`` answers one object here (the caller's path, the kit): not a paginated list."""

    def _is_list_view(self, serializer=None):
        return False


def _state(assignment: Assignment | None, member) -> dict:
    code = lang()
    out = {"member": member.pk, "name": str(member), "path": None, "title": "", "intro": "", "done_count": 0,
           "total_count": 0, "next_step": None, "completed_at": None, "steps": []}
    if assignment is None:
        return out
    steps = []
    for st in selectors.steps_of(assignment):
        s = st.step
        steps.append({"id": s.pk, "position": s.position, "kind": s.kind, "title": s.title(code), "text": s.text(code),
                      "article": s.article_id, "document_version": s.document_version,
                      "document_url": reverse("onboarding-step-document", args=[s.pk]) if s.file else None,
                      "meeting_at": s.meeting_at, "meeting_place": s.meeting_place,
                      "done_at": st.done.done_at if st.done else None,
                      "signed_at": st.signature.signed_at if st.signature else None, "is_next": st.is_next})
    return {**out, "path": assignment.path_id, "title": assignment.path.title(code),
            "intro": assignment.path.intro(code), "done_count": assignment.done_count,
            "total_count": assignment.total_count, "next_step": assignment.next_step_id,
            "completed_at": assignment.completed_at, "steps": steps}


class MyStepsViewSet(viewsets.GenericViewSet):
    serializer_class = OnboardingPathStateSerializer
    schema = OneObjectSchema()
    queryset = Step.objects.none()  # the steps are read through selectors.my_step (the id's type for the schema)

    def _member(self):
        member = selectors.own_member(self.request.user)
        if member is None:
            raise Http404
        return member

    def _step(self, pk):
        try:
            return selectors.my_step(self.request.user, pk)
        except (Step.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def _answer(self, member):
        return Response(OnboardingPathStateSerializer(_state(selectors.active_assignment(member), member)).data)

    @extend_schema(tags=TAG, responses=OnboardingPathStateSerializer)
    def list(self, request):
        return self._answer(self._member())

    @extend_schema(tags=TAG, request=None, responses=OnboardingPathStateSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        member = self._member()
        services.mark_done(actor=request.user, member=member, step=self._step(pk))
        return self._answer(member)

    @extend_schema(tags=TAG, request=None, responses=OnboardingPathStateSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        member = self._member()
        services.undo(actor=request.user, member=member, step=self._step(pk))
        return self._answer(member)

    @extend_schema(tags=TAG, request=OnboardingSignSerializer, responses={201: OnboardingSignatureSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        member = self._member()
        step = self._step(pk)
        data = valid_data(OnboardingSignSerializer, request)
        sig = services.sign(actor=request.user, member=member, step=step, typed_name=data["typed_name"],
                            language=lang(), ip_address=client_ip(request),
                            user_agent=request.META.get("HTTP_USER_AGENT", ""))
        return Response(OnboardingSignatureSerializer(sig).data, status=status.HTTP_201_CREATED)


class OnboardingFollowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.__str__")
    office = serializers.CharField(source="member.office.name")
    path = serializers.IntegerField(source="path_id")
    done_count = serializers.IntegerField()
    total_count = serializers.IntegerField()
    next_step = serializers.IntegerField(source="next_step_id", allow_null=True)
    last_progress_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    stuck = serializers.BooleanField()


class OnboardingAttendedSerializer(serializers.Serializer):
    step = serializers.IntegerField()


class FollowViewSet(viewsets.GenericViewSet):
    serializer_class = OnboardingFollowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.follow_list(self.request.user, office_id=id_param(self.request, "office"),
                                     show=choice_param(self.request, "show", ("stuck", "open", "done")))

    def _assignment(self, pk):
        try:
            return selectors.followed_assignment(self.request.user, pk)
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("show", str, enum=["stuck", "open", "done"]),
                                         OpenApiParameter("office", int)])
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset().values_list("id", flat=True))
        return self.get_paginated_response(OnboardingFollowSerializer(selectors.follow_rows(page), many=True).data)

    @extend_schema(tags=TAG, responses=OnboardingPathStateSerializer)
    def retrieve(self, request, pk=None):
        a = self._assignment(pk)
        return Response(OnboardingPathStateSerializer(_state(a, a.member)).data)

    @extend_schema(tags=TAG, request=OnboardingAttendedSerializer, responses=OnboardingPathStateSerializer)
    @action(detail=True, methods=["post"])
    def attended(self, request, pk=None):
        a = self._assignment(pk)
        data = valid_data(OnboardingAttendedSerializer, request)
        step = Step.objects.filter(pk=data["step"], path_id=a.path_id, archived=False).first()
        if step is None:
            raise Http404
        services.mark_attended(actor=request.user, member=a.member, step=step)
        a = self._assignment(pk)
        return Response(OnboardingPathStateSerializer(_state(a, a.member)).data)


class OnboardingStepAdminSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "path", "position", "kind", "title_fr", "title_nl", "title_en", "text_fr", "text_nl",
                  "text_en", "article", "meeting_at", "meeting_place", "document_version", "filename"]
        read_only_fields = fields
        extra_kwargs = {"article": {"allow_null": True}, "meeting_at": {"allow_null": True}}


class OnboardingPathSerializer(serializers.ModelSerializer):
    class Meta:
        model = Path
        fields = ["id", "entity", "maturity", "title_fr", "title_nl", "title_en", "intro_fr", "intro_nl", "intro_en",
                  "updated_at"]
        read_only_fields = fields


class OnboardingPathDetailSerializer(OnboardingPathSerializer):
    steps = serializers.SerializerMethodField()

    class Meta(OnboardingPathSerializer.Meta):
        fields = [*OnboardingPathSerializer.Meta.fields, "steps"]
        read_only_fields = fields

    @extend_schema_field(OnboardingStepAdminSerializer(many=True))
    def get_steps(self, obj) -> list:
        return OnboardingStepAdminSerializer(selectors.path_steps(obj), many=True).data


class OnboardingPathInSerializer(serializers.Serializer):
    entity = serializers.IntegerField(required=False, help_text="Default: the first entity you administer.")
    maturity = serializers.CharField(required=False, help_text="new, developing or established")
    title_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    title_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    title_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    intro_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    intro_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    intro_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class OnboardingGivenSerializer(serializers.Serializer):
    given = serializers.IntegerField()


class PathViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OnboardingPathSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Path.objects.none()
        return selectors.managed_paths(self.request.user)

    @extend_schema(tags=TAG)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, responses=OnboardingPathDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(OnboardingPathDetailSerializer(self.get_object()).data)

    @extend_schema(tags=TAG, request=OnboardingPathInSerializer, responses={201: OnboardingPathDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(OnboardingPathInSerializer, request)
        admins = admin_entity_ids(request.user)
        entity_id = data.pop("entity", None) or (min(admins) if admins else None)
        if entity_id not in admins:
            raise Http404
        path = building.save_path(actor=request.user, entity=Entity.objects.get(pk=entity_id),
                                  maturity=data.pop("maturity", "new"), **data)
        return Response(OnboardingPathDetailSerializer(path).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=OnboardingPathInSerializer, responses=OnboardingPathDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        path = self.get_object()
        data = valid_data(OnboardingPathInSerializer, request)
        sent = set(request.data.keys()) if hasattr(request.data, "keys") else set()
        values = {k: (data[k] if k in sent else getattr(path, k)) for k in
                  [f"{f}_{c}" for f in ("title", "intro") for c in LANGUAGES]}
        path = building.save_path(actor=request.user, entity=path.entity, maturity=path.maturity, path=path, **values)
        return Response(OnboardingPathDetailSerializer(path).data)

    @extend_schema(tags=TAG, request=None, responses=OnboardingGivenSerializer)
    @action(detail=True, methods=["post"])
    def give(self, request, pk=None):
        return Response({"given": building.give_to_members(actor=request.user, path=self.get_object())})


class OnboardingStepInSerializer(serializers.Serializer):
    path = serializers.IntegerField(required=False, help_text="Needed to create a step.")
    kind = serializers.CharField(required=False, help_text="explain, sign, meeting or task")
    title_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    title_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    title_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
    text_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    text_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    text_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    article = serializers.IntegerField(required=False, allow_null=True)
    meeting_at = serializers.DateTimeField(required=False, allow_null=True)
    meeting_place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StepViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = OnboardingStepAdminSerializer
    http_method_names = ["post", "patch", "delete", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        return Step.objects.filter(path__entity_id__in=admin_entity_ids(self.request.user), archived=False)

    def _article(self, path, pk):
        if not pk:
            return None
        from django.db.models import Q

        from compagnon.knowledge.models import Article

        article = Article.objects.filter(Q(entity_id=path.entity_id) | Q(shared=True), pk=pk).first()
        if article is None:
            raise Http404
        return article

    @extend_schema(tags=TAG, request=OnboardingStepInSerializer, responses={201: OnboardingStepAdminSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(OnboardingStepInSerializer, request)
        path = selectors.managed_paths(request.user).filter(pk=data.pop("path", None)).first()
        if path is None:
            raise Http404
        article = self._article(path, data.pop("article", None))
        step = building.save_step(actor=request.user, path=path, kind=data.pop("kind", ""), article=article, **data)
        return Response(OnboardingStepAdminSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=OnboardingStepInSerializer, responses=OnboardingStepAdminSerializer)
    def partial_update(self, request, *args, **kwargs):
        step = self.get_object()
        data = valid_data(OnboardingStepInSerializer, request)
        sent = set(request.data.keys()) if hasattr(request.data, "keys") else set()
        data.pop("path", None)
        values = {k: (data[k] if k in sent else getattr(step, k)) for k in
                  ["kind", "meeting_at", "meeting_place", *[f"{f}_{c}" for f in ("title", "text") for c in LANGUAGES]]}
        article = self._article(step.path, data.get("article")) if "article" in sent else step.article
        step = building.save_step(actor=request.user, path=step.path, step=step, article=article, **values)
        return Response(OnboardingStepAdminSerializer(step).data)

    @extend_schema(tags=TAG, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        building.remove_step(actor=request.user, step=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OnboardingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    email = serializers.CharField()


class OnboardingServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    people = OnboardingPersonSerializer(many=True)
    ask_url = serializers.CharField()


class OnboardingKitSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    files = serializers.ListField(child=serializers.DictField())
    contacts = serializers.ListField(child=serializers.DictField())
    advisors = OnboardingPersonSerializer(many=True)
    services = OnboardingServiceSerializer(many=True)
    accountants = OnboardingPersonSerializer(many=True)
    admins = OnboardingPersonSerializer(many=True)


class KitViewSet(viewsets.GenericViewSet):
    serializer_class = OnboardingKitSerializer
    schema = OneObjectSchema()

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("entity", int)], responses=OnboardingKitSerializer)
    def list(self, request):
        ids = selectors.kit_entity_ids(request.user)
        if not ids:
            raise Http404
        wanted = id_param(request, "entity")
        member = selectors.own_member(request.user)
        entity_id = wanted if wanted in ids else (member.entity_id if member else min(ids))
        chart = selectors.org_chart(request.user, entity_id)
        ask = reverse("support-new")
        return Response(OnboardingKitSerializer({
            "entity": entity_id,
            "files": [{"id": f.pk, "title": f.title, "description": f.description, "language": f.language,
                       "url": reverse("onboarding-kit-file", args=[f.pk])}
                      for f in selectors.kit_files(request.user, entity_id)],
            "contacts": [{"id": c.pk, "name": c.name, "role": c.role, "email": c.email, "phone": c.phone,
                          "office": c.office_id} for c in selectors.kit_contacts(request.user, entity_id)],
            "advisors": [ra.user for ra in chart["advisors"]],
            "services": [{"code": s.code, "label": str(s.label), "people": s.people,
                          "ask_url": f"{ask}?service={s.code}"} for s in chart["services"]],
            "accountants": chart["accountants"], "admins": chart["admins"]}).data)
