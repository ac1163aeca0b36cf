"""The advising API, continued: yearly reviews, their templates, absences and relays.

* ``advising/reviews/?member=&year=`` — who follows the member sees them all, the member the done
  ones; POST starts one (``member``, ``year``, ``template``, ``appointment``); PATCH saves
  ``answers`` (question id → answer) and ``summary`` while in progress; ``{id}/done/`` closes and
  shares it; ``{id}/pdf/`` downloads it;
* ``advising/templates/`` — the entity's review templates (administrators and advisors); POST and
  PUT carry the whole list of ``questions``;
* ``advising/absences/`` — current and coming absences; POST declares one (``entity``,
  ``advisor`` — an administrator for another advisor —, ``starts_on``, ``ends_on``, ``relay``,
  ``message``); DELETE cancels it and its relay.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import id_param, int_param
from compagnon.organisation.models import Entity

from . import absences as absence_services
from . import reviews as review_services
from . import selectors
from .models import Absence, QuestionKind, Review, ReviewTemplate
from .rules import staff_entity_ids

TAG = ["advising"]


class AdvisingQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    section = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    label = serializers.CharField(max_length=300)
    help = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=QuestionKind.choices, default=QuestionKind.LONG_TEXT)


class AdvisingReviewSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.__str__", read_only=True)
    questions = AdvisingQuestionSerializer(many=True, read_only=True)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True,
                                    help_text="Question id → answer.")

    class Meta:
        model = Review
        fields = ["id", "member", "member_name", "year", "template", "appointment", "advisor", "state", "title",
                  "intro", "questions", "answers", "summary", "done_at"]
        read_only_fields = fields
        extra_kwargs = {"template": {"allow_null": True}, "appointment": {"allow_null": True},
                        "done_at": {"allow_null": True}}


class AdvisingReviewInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    template = serializers.IntegerField()
    appointment = serializers.IntegerField(required=False, allow_null=True)


class AdvisingAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=5000), required=False,
                                    default=dict)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ReviewViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingReviewSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        qs = selectors.reviews(self.request.user).select_related("member__user", "member__entity")
        if self.action == "list":
            member = id_param(self.request, "member")
            if member:
                qs = qs.filter(member_id=member)
            year = int_param(self.request, "year", min_value=2000, max_value=2100)
            if year:
                qs = qs.filter(year=year)
        return qs.order_by("-year", "-id")

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("member", int), OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingReviewInSerializer, responses={201: AdvisingReviewSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(AdvisingReviewInSerializer, request)
        member = selectors.followed_members(request.user).filter(pk=data["member"]).first()
        template = selectors.templates(request.user).filter(pk=data["template"]).first()
        if member is None or template is None:
            raise Http404
        appointment = None
        if data.get("appointment"):
            appointment = selectors.appointments(request.user).filter(pk=data["appointment"], member=member).first()
            if appointment is None:
                raise Http404
        r = review_services.start_review(actor=request.user, member=member, year=data["year"], template=template,
                                         appointment=appointment)
        return Response(AdvisingReviewSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingAnswersSerializer, responses=AdvisingReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = valid_data(AdvisingAnswersSerializer, request)
        r = review_services.save_answers(actor=request.user, review=self.get_object(), answers=data["answers"],
                                         summary=data.get("summary"))
        return Response(AdvisingReviewSerializer(r).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=None, responses=AdvisingReviewSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return Response(AdvisingReviewSerializer(review_services.complete_review(
            actor=request.user, review=self.get_object())).data)

    @extend_schema(tags=TAG, responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        from .pdf import filename, review_pdf

        r = self.get_object()
        response = HttpResponse(review_pdf(r), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename(r)}"'
        return response


# --- templates -----------------------------------------------------------------------------------------


class AdvisingTemplateSerializer(serializers.ModelSerializer):
    questions = AdvisingQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewTemplate
        fields = ["id", "entity", "name", "intro", "active", "questions"]
        read_only_fields = fields


class AdvisingTemplateInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    intro = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)
    questions = AdvisingQuestionSerializer(many=True)


class TemplateViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingTemplateSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewTemplate.objects.none()
        return selectors.templates(self.request.user).prefetch_related("questions").order_by("name", "id")

    def _entity(self, pk) -> Entity:
        entity = Entity.objects.filter(pk=pk, pk__in=staff_entity_ids(self.request.user)).first()
        if entity is None:
            raise Http404
        return entity

    @extend_schema(tags=TAG)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingTemplateInSerializer, responses={201: AdvisingTemplateSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(valid_data(AdvisingTemplateInSerializer, request))
        t = review_services.save_template(actor=request.user, entity=self._entity(data.pop("entity")), **data)
        t = selectors.template(request.user, t.pk)
        return Response(AdvisingTemplateSerializer(t).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=AdvisingTemplateInSerializer, responses=AdvisingTemplateSerializer)
    def update(self, request, *args, **kwargs):
        template = self.get_object()
        data = dict(valid_data(AdvisingTemplateInSerializer, request))
        data.pop("entity")
        t = review_services.save_template(actor=request.user, entity=template.entity, template=template, **data)
        return Response(AdvisingTemplateSerializer(selectors.template(request.user, t.pk)).data)


# --- absences -----------------------------------------------------------------------------------------


class AdvisingAbsenceSerializer(serializers.ModelSerializer):
    advisor_name = serializers.CharField(source="advisor.__str__", read_only=True)
    relay_name = serializers.CharField(source="relay.__str__", read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "entity", "advisor", "advisor_name", "starts_on", "ends_on", "relay", "relay_name", "message"]
        read_only_fields = fields


class AdvisingAbsenceInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    advisor = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="Administrators only: the advisor away. Default: you.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    relay = serializers.IntegerField()
    message = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AbsenceViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AdvisingAbsenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        qs = selectors.absences(self.request.user)
        if self.action == "list":
            qs = qs.filter(ends_on__gte=timezone.localdate())
        return qs.order_by("starts_on", "id")

    @extend_schema(tags=TAG)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=AdvisingAbsenceInSerializer, responses={201: AdvisingAbsenceSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(AdvisingAbsenceInSerializer, request)
        entity = Entity.objects.filter(pk=data["entity"], pk__in=staff_entity_ids(request.user)).first()
        if entity is None:
            raise Http404
        advisors = selectors.advisors_of_entities([entity.pk])
        advisor = request.user if not data.get("advisor") else advisors.filter(pk=data["advisor"]).first()
        relay = advisors.filter(pk=data["relay"]).first()
        if advisor is None:
            raise serializers.ValidationError({"advisor": [_("This person advises no office of the entity.")]})
        a = absence_services.declare_absence(actor=request.user, entity=entity, advisor=advisor,
                                             starts_on=data["starts_on"], ends_on=data["ends_on"], relay=relay,
                                             message=data["message"])
        return Response(AdvisingAbsenceSerializer(a).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        absence_services.cancel_absence(actor=request.user, absence=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

