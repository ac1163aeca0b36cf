"""The API of surplus sharing (the entity's administrators) and of the transparency page (every
member of the entity); 404 outside one's scope, 403 for a member of the entity who is not one of
its administrators.

* ``governance/distribution-rules/?entity=`` — list, ``POST`` a new set (it becomes current);
* ``governance/allocations/?entity=`` — list, ``{id}/`` with each part and its split;
  ``POST allocations/simulate/`` ``{entity, year, rules?}`` (201); ``POST {id}/post/`` ``{date}``;
* ``governance/transparency/{entity}/`` — the aggregated figures, the rules in force, the
  allocations posted and the latest decisions.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon.core.api import valid_data
from compagnon.core.params import id_param
from compagnon.core.services import require

from . import selectors, surplus, transparency
from .models import DistributionRules, Resolution, SurplusAllocation

MONEY = {"max_digits": 14, "decimal_places": 2}


class RulesSerializer(serializers.ModelSerializer):
    voted_on = serializers.SerializerMethodField()

    class Meta:
        model = DistributionRules
        fields = ["id", "entity", *surplus.RULE_FIELDS, "resolution", "voted_on", "created_at"]
        read_only_fields = ["id", "entity", "voted_on", "created_at"]

    def get_voted_on(self, obj) -> str | None:
        return obj.resolution.assembly.record_date.isoformat() if obj.resolution_id else None


class RulesInSerializer(serializers.ModelSerializer):
    entity = serializers.IntegerField()
    resolution = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = DistributionRules
        fields = ["entity", *surplus.RULE_FIELDS, "resolution"]


class WorkerPartSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.CharField()
    basis = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)


class InterestPartSerializer(serializers.Serializer):
    associate = serializers.IntegerField()
    member = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    number = serializers.CharField()
    capital = serializers.DecimalField(**MONEY)
    amount = serializers.DecimalField(**MONEY)


class AllocationSerializer(serializers.ModelSerializer):
    split = serializers.SerializerMethodField()
    workers = serializers.SerializerMethodField()
    associates = serializers.SerializerMethodField()

    class Meta:
        model = SurplusAllocation
        fields = [
            "id", "entity", "year", "rules", "state", "result", "capital", "legal_reserve_before",
            *SurplusAllocation.PARTS, "split", "workers", "associates", "date", "entry", "posted_at",
        ]
        read_only_fields = fields

    def get_split(self, obj) -> str:
        return (obj.detail or {}).get("split", "")

    @extend_schema(responses=WorkerPartSerializer(many=True))
    def get_workers(self, obj) -> list[dict]:
        return WorkerPartSerializer((obj.detail or {}).get("workers", []), many=True).data

    @extend_schema(responses=InterestPartSerializer(many=True))
    def get_associates(self, obj) -> list[dict]:
        return InterestPartSerializer((obj.detail or {}).get("associates", []), many=True).data


class SimulateInSerializer(serializers.Serializer):
    entity = serializers.IntegerField()
    year = serializers.IntegerField()
    rules = serializers.IntegerField(required=False, allow_null=True, help_text="Rules to use; the current ones by default.")


class PostInSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Date of the entry: after the end of the year, not in the future.")


def _admin_entity(request, pk):
    try:
        entity = selectors.assembly_entity(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    require(request.user, "governance.manage_surplus", entity)
    return entity


class RulesViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = RulesSerializer

    def get_queryset(self):
        qs = DistributionRules.objects.filter(
            entity_id__in=selectors.surplus_entities(self.request.user).values("pk")
        ).select_related("resolution__assembly")
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    @extend_schema(tags=["governance"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=["governance"], request=RulesInSerializer, responses={201: RulesSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(RulesInSerializer, request)
        entity = _admin_entity(request, data.pop("entity"))
        resolution = None
        if data.get("resolution"):
            resolution = Resolution.objects.filter(pk=data["resolution"], assembly__entity=entity).first()
            if resolution is None:
                raise serializers.ValidationError({"resolution": [_("Choose a resolution of this entity that was adopted.")]})
        data.pop("resolution", None)
        rules = surplus.save_rules(actor=request.user, entity=entity, resolution=resolution, **data)
        return Response(RulesSerializer(rules).data, status=status.HTTP_201_CREATED)


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AllocationSerializer

    def get_queryset(self):
        qs = selectors.allocations(self.request.user)
        entity = id_param(self.request, "entity")
        return qs.filter(entity_id=entity) if entity else qs

    @extend_schema(tags=["governance"])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=["governance"])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(tags=["governance"], request=SimulateInSerializer, responses={201: AllocationSerializer})
    @action(detail=False, methods=["post"])
    def simulate(self, request):
        data = valid_data(SimulateInSerializer, request)
        entity = _admin_entity(request, data["entity"])
        rules = None
        if data.get("rules"):
            rules = DistributionRules.objects.filter(pk=data["rules"], entity=entity).first()
            if rules is None:
                raise serializers.ValidationError({"rules": [_("Choose rules of this entity.")]})
        allocation = surplus.simulate(actor=request.user, entity=entity, year=data["year"], rules=rules)
        return Response(AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["governance"], request=PostInSerializer, responses=AllocationSerializer)
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_allocation(self, request, pk=None):
        allocation = self.get_object()
        data = valid_data(PostInSerializer, request)
        allocation = surplus.post(actor=request.user, allocation=allocation, date=data["date"])
        return Response(AllocationSerializer(allocation).data)


class YearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    so_far = serializers.BooleanField()
    revenue = serializers.DecimalField(**MONEY)
    result = serializers.DecimalField(**MONEY)


class CategoryCountSerializer(serializers.Serializer):
    category = serializers.CharField()
    associates = serializers.IntegerField()


class PostedAllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurplusAllocation
        fields = ["year", "result", *SurplusAllocation.PARTS, "date"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    assembly = serializers.IntegerField(source="assembly_id")
    title = serializers.CharField()
    adopted = serializers.BooleanField(allow_null=True)
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)


class TransparencySerializer(serializers.Serializer):
    years = YearFiguresSerializer(many=True)
    capital = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    members = serializers.IntegerField()
    associates = serializers.IntegerField()
    categories = CategoryCountSerializer(many=True)
    rules = RulesSerializer(allow_null=True)
    allocations = PostedAllocationSerializer(many=True)
    decisions = DecisionSerializer(many=True)


class TransparencyView(APIView):
    @extend_schema(tags=["governance"], responses=TransparencySerializer)
    def get(self, request, entity_pk):
        try:
            entity = selectors.transparency_entity(request.user, entity_pk)
        except ObjectDoesNotExist:
            raise Http404 from None
        require(request.user, "governance.view_transparency", entity)
        f = transparency.figures(entity)
        resolutions = [r for a in selectors.recent_decisions(request.user, entity) for r in a.resolutions.all()]
        data = {
            "years": [
                {"year": y.year, "so_far": y.so_far, "revenue": y.revenue, "result": y.result} for y in f.years
            ],
            "capital": f.capital,
            "paid": f.paid,
            "members": f.members,
            "associates": f.associates,
            "categories": [{"category": name, "associates": n} for name, n in f.categories],
            "rules": f.rules,
            "allocations": f.allocations,
            "decisions": resolutions,
        }
        return Response(TransparencySerializer(data).data)
