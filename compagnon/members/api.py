from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import choice_param, text_param

from . import selectors, services
from .forms import validate_logo
from .models import Activity, ActivityMembership, Maturity, Member, MemberStatus, Trade


class TradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trade
        fields = ["code", "name_fr", "name_nl", "name_en"]


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    trades = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    advisor = serializers.EmailField(source="advisor.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "number",
            "email",
            "first_name",
            "last_name",
            "entity",
            "office",
            "status",
            "status_since",
            "maturity",
            "advisor",
            "trades",
            "skills",
            "languages",
            "city",
            "postcode",
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=MemberStatus.choices)
    effective_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AdvisorSerializer(serializers.Serializer):
    advisor = serializers.EmailField(
        allow_null=True, help_text="Email of an advisor of the member's office, or null."
    )


class MaturitySerializer(serializers.Serializer):
    maturity = serializers.ChoiceField(choices=Maturity.choices)


class MembershipSerializer(serializers.ModelSerializer):
    member_number = serializers.CharField(source="member.number", read_only=True)
    name = serializers.CharField(source="member.user.get_full_name", read_only=True)

    class Meta:
        model = ActivityMembership
        fields = ["id", "member", "member_number", "name", "role", "share", "since"]
        read_only_fields = ["id", "member_number", "name", "since"]


class LogoField(serializers.ImageField):
    """Accepts an image; gives the app's address of the logo (``Activity.logo_url``, readable by
    whoever may see the activity), never the storage's."""

    def to_representation(self, value):
        if not value:
            return None
        url = value.instance.logo_url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ActivitySerializer(serializers.ModelSerializer):
    trade = serializers.SlugRelatedField(
        slug_field="code", queryset=Trade.objects.all(), required=False, allow_null=True
    )
    memberships = MembershipSerializer(many=True, read_only=True)
    logo = LogoField(required=False, allow_null=True, validators=[validate_logo])

    class Meta:
        model = Activity
        fields = [
            "id",
            "entity",
            "name",
            "trade",
            "description",
            "status",
            "logo",
            "brand_color",
            "letterhead",
            "footer",
            "payment_terms_days",
            "document_language",
            "contribution_rate",
            "memberships",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "entity",
            "contribution_rate",
            "memberships",
            "created_at",
            "updated_at",
        ]


@extend_schema(tags=["members"])
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members you may see (yourself, your colleagues, the members you follow or administer)."""

    serializer_class = MemberSerializer

    def get_queryset(self):
        return selectors.member_list(
            self.request.user,
            search=text_param(self.request, "search"),
            status=choice_param(self.request, "status", MemberStatus.values),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("status", str, enum=MemberStatus.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=StatusChangeSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        member = self.get_object()
        if not request.user.has_perm("members.change_member_status", member):
            raise PermissionDenied
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.change_member_status(
            actor=request.user, member=member, **data.validated_data
        )
        return Response(MemberSerializer(self.get_queryset().get(pk=member.pk)).data)

    @extend_schema(request=AdvisorSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="set-advisor")
    def set_advisor(self, request, pk=None):
        from compagnon.accounts.models import User

        member = self.get_object()
        if not request.user.has_perm("members.change_member_advisor", member):
            raise PermissionDenied
        data = AdvisorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["advisor"]
        advisor = User.objects.filter(email__iexact=email).first() if email else None
        if email and advisor is None:
            raise serializers.ValidationError({"advisor": [_("No advisor has this email.")]})
        services.assign_advisor(actor=request.user, member=member, advisor=advisor)
        return Response(MemberSerializer(self.get_queryset().get(pk=member.pk)).data)

    @extend_schema(request=MaturitySerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="set-maturity")
    def set_maturity(self, request, pk=None):
        member = self.get_object()
        if not request.user.has_perm("members.change_member_maturity", member):
            raise PermissionDenied
        data = MaturitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_member_maturity(actor=request.user, member=member, **data.validated_data)
        return Response(MemberSerializer(self.get_queryset().get(pk=member.pk)).data)


@extend_schema(tags=["members"])
class ActivityViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Activities you work in (members) or follow (staff). Holders update settings; members open new ones."""

    serializer_class = ActivitySerializer

    def get_queryset(self):
        return (
            permissions.activities(self.request.user)
            .select_related("trade")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=ActivityMembership.objects.select_related("member__user"),
                )
            )
            .order_by("name", "id")
        )

    def perform_create(self, serializer):
        scope = permissions.scope_for(self.request.user)
        if not scope.is_member:
            raise PermissionDenied
        member = Member.objects.select_related("entity").get(pk=scope.member_id)
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("name", "trade", "description", "document_language", "payment_terms_days")
        }
        activity = services.create_activity(actor=self.request.user, member=member, **data)
        rest = {k: v for k, v in serializer.validated_data.items() if k not in data}
        if rest:
            activity = services.update_activity(actor=self.request.user, activity=activity, **rest)
        serializer.instance = activity

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "logo" in data and data["logo"] is None:
            data["logo"] = False
        serializer.instance = services.update_activity(
            actor=self.request.user, activity=serializer.instance, **data
        )

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            response.data = ActivitySerializer(
                self.get_queryset().get(pk=kwargs["pk"]), context=self.get_serializer_context()
            ).data
        return response


@extend_schema(tags=["members"])
class TradeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TradeSerializer
    queryset = Trade.objects.order_by("code")
    lookup_field = "code"
