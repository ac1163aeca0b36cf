"""The jobs API, with the pages' selectors and services (404 outside one's scope):

* ``jobs/jobs/`` — the jobs the caller sees; ``{id}/`` with its steps; POST declares a job in one
  request (the steps run, the answer carries the checklist);
* ``jobs/steps/{id}/hold/``, ``/ok/`` (a member of the job's activity), ``/validate/`` (the
  advisor of the member's office, or an administrator);
* ``jobs/offers/`` — the open offers that fit the caller (trade, zone); POST offers one of the
  caller's jobs; ``{id}/take/`` takes an offer into one of the caller's activities.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.clients.models import Client
from compagnon.core.api import valid_data
from compagnon.members.models import Member, Trade

from . import handover, selectors, services, steps
from .models import DocumentChoice, FeeKind, Job, JobStep, Offer

TAG = ["jobs"]
MONEY = {"max_digits": 12, "decimal_places": 2}


class JobStepSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField()
    missing_texts = serializers.SerializerMethodField()

    class Meta:
        model = JobStep
        fields = ["id", "kind", "state", "waiting_for", "explanation", "missing", "missing_texts", "data", "automatic",
                  "updated_at"]
        read_only_fields = fields

    def get_explanation(self, obj) -> str:
        return steps.explain(obj)

    def get_missing_texts(self, obj) -> list[str]:
        return steps.missing_texts(obj)


class JobSerializer(serializers.ModelSerializer):
    activity_name = serializers.CharField(source="activity.name", read_only=True)

    class Meta:
        model = Job
        fields = ["id", "activity", "activity_name", "member", "client", "client_name", "description", "amount",
                  "starts_on", "ends_on", "street", "postcode", "city", "document_kind", "wants_prefinancing",
                  "origin_activity", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"client": {"allow_null": True}, "origin_activity": {"allow_null": True}}


class JobDetailSerializer(JobSerializer):
    steps = JobStepSerializer(many=True, read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class DeclareSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    client = serializers.IntegerField(required=False, allow_null=True, help_text="An existing client of the activity.")
    client_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    client_email = serializers.EmailField(required=False, allow_blank=True)
    client_is_company = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(min_value=0, **MONEY)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    colleagues = serializers.ListField(child=serializers.IntegerField(), required=False)
    document_kind = serializers.ChoiceField(choices=DocumentChoice.choices, required=False, default="quote")
    wants_prefinancing = serializers.BooleanField(required=False, default=False)
    client_key = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="Your own key for this declaration: sent again with the same key, it returns the job "
                  "already declared (200) instead of declaring another.",
    )


class OfferSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="job.description", read_only=True)
    starts_on = serializers.DateField(source="job.starts_on", read_only=True)
    ends_on = serializers.DateField(source="job.ends_on", read_only=True)
    place = serializers.CharField(source="job.place", read_only=True)
    offered_by_name = serializers.CharField(source="offered_by.__str__", read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "job", "description", "starts_on", "ends_on", "place", "offered_by", "offered_by_name",
                  "trade", "postcode_prefix", "sector", "note", "fee_kind", "fee_value", "state", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"trade": {"allow_null": True}, "sector": {"allow_null": True}}


class OfferInSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    client_agreed = serializers.BooleanField(help_text="The member confirms the client agreed to be handed over.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    trade = serializers.IntegerField(required=False, allow_null=True)
    postcode_prefix = serializers.CharField(max_length=8, required=False, allow_blank=True)
    sector = serializers.IntegerField(required=False, allow_null=True)
    fee_kind = serializers.ChoiceField(choices=FeeKind.choices, required=False, default="none")
    fee_value = serializers.DecimalField(min_value=0, required=False, default=0, **MONEY)


class TakeInSerializer(serializers.Serializer):
    activity = serializers.IntegerField(help_text="One of the caller's activities.")


@extend_schema(tags=TAG)
class JobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    def get_serializer_class(self):
        return JobDetailSerializer if self.action == "retrieve" else JobSerializer

    def get_queryset(self):
        qs = selectors.jobs(self.request.user).order_by("-starts_on", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("steps")
        return qs

    @extend_schema(tags=TAG, request=DeclareSerializer, responses={201: JobDetailSerializer, 200: JobDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(DeclareSerializer, request)
        activity = selectors.declarable_activities(request.user).filter(pk=data.pop("activity")).first()
        if activity is None:
            raise ValidationError({"activity": _("Choose one of your open activities.")})
        client_pk = data.pop("client", None)
        client = None
        if client_pk:
            client = Client.objects.filter(pk=client_pk, activity=activity).first()
            if client is None:
                raise ValidationError({"client": _("This client belongs to another activity.")})
        wanted = data.pop("colleagues", [])
        colleagues = list(Member.objects.filter(pk__in=wanted, entity_id=activity.entity_id))
        if len(colleagues) != len(set(wanted)):
            raise ValidationError({"colleagues": _("Colleagues are members working in the same activity.")})
        job = services.declare_job(actor=request.user, activity=activity, client=client, colleagues=colleagues, **data)
        again = getattr(job, "already_declared", False)
        return Response(JobDetailSerializer(selectors.job(request.user, job.pk)).data,
                        status=status.HTTP_200_OK if again else status.HTTP_201_CREATED)


class StepViewSet(viewsets.GenericViewSet):
    serializer_class = JobStepSerializer

    def get_queryset(self):
        return selectors.steps(self.request.user)

    def _do(self, fn):
        return Response(JobStepSerializer(fn(actor=self.request.user, step=self.get_object())).data)

    @extend_schema(tags=TAG, request=None, responses=JobStepSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._do(services.hold_step)

    @extend_schema(tags=TAG, request=None, responses=JobStepSerializer)
    @action(detail=True, methods=["post"])
    def ok(self, request, pk=None):
        return self._do(services.ok_step)

    @extend_schema(tags=TAG, request=None, responses=JobStepSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        return self._do(services.validate_step)


@extend_schema(tags=TAG)
class OfferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OfferSerializer

    def get_queryset(self):
        if self.action == "take":
            return selectors.open_offers(self.request.user)
        return selectors.visible_offers(self.request.user).select_related("job", "offered_by__user").order_by(
            "-created_at", "-id")

    @extend_schema(tags=TAG, request=OfferInSerializer, responses={201: OfferSerializer})
    def create(self, request, *args, **kwargs):
        from compagnon.fieldwork.models import Sector

        data = valid_data(OfferInSerializer, request)
        job = selectors.jobs(request.user).filter(pk=data.pop("job")).first()
        if job is None:
            raise Http404
        trade_pk, sector_pk = data.pop("trade", None), data.pop("sector", None)
        trade = Trade.objects.filter(pk=trade_pk).first() if trade_pk else None
        sector = Sector.objects.filter(pk=sector_pk, entity_id=job.entity_id).first() if sector_pk else None
        offer = handover.offer_job(actor=request.user, job=job, trade=trade, sector=sector, **data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=TakeInSerializer, responses=JobDetailSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        data = valid_data(TakeInSerializer, request)
        offer = self.get_object()
        activity = selectors.declarable_activities(request.user).filter(pk=data["activity"]).first()
        if activity is None:
            raise ValidationError({"activity": _("Choose one of your own activities.")})
        job = handover.take_offer(actor=request.user, offer=offer, activity=activity)
        return Response(JobDetailSerializer(selectors.job(request.user, job.pk)).data)
