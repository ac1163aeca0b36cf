"""The buying-together API, with the pages' selectors and services (404 outside one's entity):

* ``buying/suppliers/?q=&category=&entity=`` — the supplier base: terms, average rating;
  ``{id}/`` adds the ratings; ``{id}/terms/`` (PUT, staff) saves the negotiated terms;
  ``{id}/rating/`` (POST, a member) rates it (again: changes the rating);
* ``buying/ratings/{id}/hide/`` (POST ``{"hidden": true|false}``, staff) hides or shows a comment;
* ``buying/group-purchases/?show=open|mine|past`` — group purchases; POST opens one; ``{id}/``
  gives the total and the participants the caller may see (all for its opener and staff, else
  their own); ``{id}/join/`` (``{"activity", "quantity"}``), ``{id}/leave/`` (``{"activity"}``),
  ``{id}/order/`` (send it now: the minimum reached), ``{id}/cancel/``, ``{id}/invoice/``
  (``{"invoice"}``: link the supplier invoice; its cost is split when booked).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import choice_param, id_param, text_param
from compagnon.members.models import Activity
from compagnon.purchases.models import Supplier

from . import group as groups
from . import selectors, services, split
from .models import GroupPurchase, Participation, SupplierRating, SupplierTerms

TAG = ["buying"]
QTY = {"max_digits": 14, "decimal_places": 2}


class BuyingTermsSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplierTerms
        fields = ["discount_percent", "conditions", "contact_name", "contact_email", "contact_phone", "valid_from",
                  "valid_until"]
        extra_kwargs = {"discount_percent": {"allow_null": True, "required": False},
                        "valid_from": {"allow_null": True, "required": False},
                        "valid_until": {"allow_null": True, "required": False}}


class BuyingRatingSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.__str__", read_only=True)

    class Meta:
        model = SupplierRating
        fields = ["id", "member", "member_name", "stars", "comment", "hidden", "updated_at"]
        read_only_fields = fields


class BuyingSupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    name = serializers.CharField()
    city = serializers.CharField()
    email = serializers.CharField()
    category = serializers.CharField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True, coerce_to_string=True)
    rating_count = serializers.IntegerField()
    terms = serializers.SerializerMethodField()

    @extend_schema(responses=BuyingTermsSerializer(allow_null=True))
    def get_terms(self, obj) -> dict | None:
        terms = obj.terms if hasattr(obj, "terms") else None
        return BuyingTermsSerializer(terms).data if terms else None


class BuyingSupplierDetailSerializer(BuyingSupplierSerializer):
    ratings = serializers.SerializerMethodField()

    @extend_schema(responses=BuyingRatingSerializer(many=True))
    def get_ratings(self, obj) -> list:
        return BuyingRatingSerializer(self.context["ratings"], many=True).data


class BuyingRatingInSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BuyingHideInSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()


class BuyingParticipationSerializer(serializers.ModelSerializer):
    activity_name = serializers.CharField(source="activity.name", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "activity", "activity_name", "quantity"]
        read_only_fields = fields


class BuyingGroupSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    reference = serializers.CharField(read_only=True)
    total_quantity = serializers.DecimalField(read_only=True, **QTY)
    participant_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = GroupPurchase
        fields = ["id", "reference", "entity", "supplier", "supplier_name", "title", "description", "unit",
                  "unit_price", "deadline", "minimum_quantity", "state", "ordered_at", "cancelled_at", "invoice",
                  "total_quantity", "participant_count"]
        read_only_fields = fields
        extra_kwargs = {"ordered_at": {"allow_null": True}, "cancelled_at": {"allow_null": True},
                        "invoice": {"allow_null": True}}


class BuyingGroupDetailSerializer(BuyingGroupSerializer):
    participants = serializers.SerializerMethodField(help_text="All participants for its opener and staff; "
                                                               "the caller's own activities for other members.")

    class Meta(BuyingGroupSerializer.Meta):
        fields = [*BuyingGroupSerializer.Meta.fields, "participants"]
        read_only_fields = fields

    @extend_schema(responses=BuyingParticipationSerializer(many=True))
    def get_participants(self, obj) -> list:
        return BuyingParticipationSerializer(self.context["rows"], many=True).data


class BuyingGroupInSerializer(serializers.Serializer):
    supplier = serializers.IntegerField()
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000)
    unit = serializers.CharField(max_length=30)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=0)
    deadline = serializers.DateField()
    minimum_quantity = serializers.DecimalField(min_value=0, **QTY)


class BuyingJoinInSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    quantity = serializers.DecimalField(min_value=0, **QTY)


class BuyingLeaveInSerializer(serializers.Serializer):
    activity = serializers.IntegerField()


class BuyingInvoiceInSerializer(serializers.Serializer):
    invoice = serializers.IntegerField()


SUPPLIER_PARAMS = [OpenApiParameter("q", str, description="Part of the name or city."),
                   OpenApiParameter("category", str), OpenApiParameter("entity", int)]


class SupplierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BuyingSupplierSerializer

    def get_queryset(self):
        r = self.request
        if getattr(self, "swagger_fake_view", False):
            return Supplier.objects.none()
        return selectors.suppliers(r.user, q=text_param(r, "q", max_length=100), category=text_param(r, "category"),
                                   entity_id=id_param(r, "entity"))

    @extend_schema(tags=TAG, parameters=SUPPLIER_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, responses=BuyingSupplierDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        s = self.get_object()
        return Response(BuyingSupplierDetailSerializer(s, context={"ratings": selectors.ratings_of(request.user, s)}).data)

    @extend_schema(tags=TAG, request=BuyingTermsSerializer, responses=BuyingTermsSerializer)
    @action(detail=True, methods=["put"])
    def terms(self, request, pk=None):
        s = self.get_object()
        data = valid_data(BuyingTermsSerializer, request)
        return Response(BuyingTermsSerializer(services.save_terms(actor=request.user, supplier=s, **data)).data)

    @extend_schema(tags=TAG, request=BuyingRatingInSerializer, responses=BuyingRatingSerializer)
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        s = self.get_object()
        data = valid_data(BuyingRatingInSerializer, request)
        return Response(BuyingRatingSerializer(services.rate(actor=request.user, supplier=s, **data)).data)


class RatingViewSet(viewsets.GenericViewSet):
    serializer_class = BuyingRatingSerializer

    def get_queryset(self):
        return SupplierRating.objects.filter(supplier__entity_id__in=selectors.entity_ids(self.request.user))

    @extend_schema(tags=TAG, request=BuyingHideInSerializer, responses=BuyingRatingSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        data = valid_data(BuyingHideInSerializer, request)
        return Response(BuyingRatingSerializer(services.set_hidden(actor=request.user, rating=self.get_object(),
                                                             hidden=data["hidden"])).data)


class GroupViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BuyingGroupSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GroupPurchase.objects.none()
        show = choice_param(self.request, "show", selectors.SHOWS) if self.action == "list" else ""
        return selectors.groups(self.request.user, show).order_by("deadline", "id")

    def _detail(self, g):
        g = selectors.group(self.request.user, g.pk)
        return BuyingGroupDetailSerializer(g, context={"rows": selectors.participations(self.request.user, g)}).data

    def _activity(self, g, pk) -> Activity:
        a = selectors.joinable_activities(self.request.user, g.entity_id).filter(pk=pk).first()
        if a is None:
            raise Http404
        return a

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("show", str, enum=list(selectors.SHOWS))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, responses=BuyingGroupDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    @extend_schema(tags=TAG, request=BuyingGroupInSerializer, responses={201: BuyingGroupDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(BuyingGroupInSerializer, request)
        supplier = selectors.suppliers(request.user).filter(pk=data.pop("supplier")).first()
        if supplier is None:
            raise Http404
        g = groups.open_group(actor=request.user, supplier=supplier, **data)
        return Response(self._detail(g), status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=BuyingJoinInSerializer, responses=BuyingGroupDetailSerializer)
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        g = self.get_object()
        data = valid_data(BuyingJoinInSerializer, request)
        groups.join(actor=request.user, group=g, activity=self._activity(g, data["activity"]),
                    quantity=data["quantity"])
        return Response(self._detail(g))

    @extend_schema(tags=TAG, request=BuyingLeaveInSerializer, responses=BuyingGroupDetailSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        g = self.get_object()
        data = valid_data(BuyingLeaveInSerializer, request)
        groups.leave(actor=request.user, group=g, activity=self._activity(g, data["activity"]))
        return Response(self._detail(g))

    @extend_schema(tags=TAG, request=None, responses=BuyingGroupDetailSerializer)
    @action(detail=True, methods=["post"])
    def order(self, request, pk=None):
        g = groups.settle(actor=request.user, group=self.get_object())
        return Response(self._detail(g))

    @extend_schema(tags=TAG, request=None, responses=BuyingGroupDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        g = groups.cancel(actor=request.user, group=self.get_object())
        return Response(self._detail(g))

    @extend_schema(tags=TAG, request=BuyingInvoiceInSerializer, responses=BuyingGroupDetailSerializer)
    @action(detail=True, methods=["post"])
    def invoice(self, request, pk=None):
        g = self.get_object()
        data = valid_data(BuyingInvoiceInSerializer, request)
        from compagnon.core.services import require

        require(request.user, "buying.manage_group", g)
        invoice = selectors.linkable_invoices(request.user, g).filter(pk=data["invoice"]).first()
        if invoice is None:
            raise Http404
        g = split.link_invoice(actor=request.user, group=g, invoice=invoice)
        return Response(self._detail(g))
