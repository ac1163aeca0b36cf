"""API of field service under /api/v1/fieldwork/: sectors, the catalogue, requests (take, propose,
decline), contracts (rhythms, tasks, generated visits), visits (by day, member, sector; plan),
slots, unavailability, the calendar feed's address. As thin as the pages: same scopes (``rules``),
same services; a client's name, phone, email and exact address are null unless the caller is
assigned (``rules.sees_client``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.core.params import choice_param, date_param, id_param
from compagnon.members.models import Activity, Member

from . import rules, selectors, services
from .models import (
    Contract,
    ContractTask,
    Recurrence,
    Request,
    RequestState,
    Sector,
    Service,
    Slot,
    Unavailability,
    Unit,
    Visit,
    VisitState,
    VisitTask,
)

TAGS = ["field service"]


class MaskedClientMixin:
    """Null the client's details for a caller who is not assigned to the object."""

    masked: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not rules.sees_client(request.user, instance):
            for name in self.masked:
                data[name] = None
        return data


class SectorSerializer(serializers.ModelSerializer):
    trades = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Sector
        fields = [
            "id",
            "entity",
            "office",
            "name",
            "trades",
            "postcodes",
            "communes",
            "lead",
            "members",
            "offer_hours",
        ]


@extend_schema(tags=TAGS)
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """The sectors you belong to or lead (staff: every sector of the entity)."""

    serializer_class = SectorSerializer

    def get_queryset(self):
        return (
            rules.sectors(self.request.user)
            .prefetch_related("trades", "members")
            .order_by("name", "id")
        )


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(Unit.values) + ")$",
        "description": "UN/ECE rec. 20: HUR hour, C62 visit (one), H87 piece.",
    }
)
class UnitField(serializers.ChoiceField):
    """The catalogue's unit, described inline (another context already names a ``unit`` enum)."""


class ServiceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    unit = UnitField(choices=Unit.choices, required=False)

    class Meta:
        model = Service
        fields = [
            "id",
            "entity",
            "trade",
            "name",
            "name_fr",
            "name_nl",
            "name_en",
            "unit",
            "unit_price",
            "vat_rate",
            "home_services",
            "minutes",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["entity"].queryset = permissions.entities(request.user)
        if isinstance(self.instance, Service):
            self.fields["entity"].read_only = True


@extend_schema(tags=TAGS)
class ServiceViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The catalogue of services by trade. Advisors and administrators of the entity add and
    change services (a service is switched off with ``active: false``, never deleted)."""

    serializer_class = ServiceSerializer

    def get_queryset(self):
        qs = selectors.services(self.request.user)
        if (trade := id_param(self.request, "trade")) is not None:
            qs = qs.filter(trade_id=trade)
        return qs

    @extend_schema(parameters=[OpenApiParameter("trade", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_service(
            actor=self.request.user, entity=data.pop("entity"), **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_service(
            actor=self.request.user, service=serializer.instance, **serializer.validated_data
        )


class VisitTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitTask
        fields = ["id", "name", "service", "contract_task", "chosen_by_client"]


class VisitSerializer(MaskedClientMixin, serializers.ModelSerializer):
    masked = ("client_name", "client_phone", "street", "latitude", "longitude")
    client_name = serializers.CharField(source="client.name", allow_null=True, read_only=True)
    client_phone = serializers.CharField(source="client.phone", allow_null=True, read_only=True)
    street = serializers.CharField(allow_null=True, read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True
    )
    ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    tasks = VisitTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "activity",
            "client",
            "client_name",
            "client_phone",
            "contract",
            "request",
            "sector",
            "member",
            "state",
            "day",
            "starts_at",
            "ends_at",
            "minutes",
            "window_start",
            "window_end",
            "notes",
            "street",
            "postcode",
            "city",
            "country",
            "latitude",
            "longitude",
            "tasks",
        ]
        read_only_fields = fields


class RequestSerializer(MaskedClientMixin, serializers.ModelSerializer):
    masked = ("name", "email", "phone", "street", "latitude", "longitude")
    name = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "id",
            "entity",
            "office",
            "sector",
            "state",
            "description",
            "trade",
            "services",
            "postcode",
            "city",
            "country",
            "wished_from",
            "wished_until",
            "name",
            "email",
            "phone",
            "street",
            "latitude",
            "longitude",
            "taken_by",
            "proposed_member",
            "activity",
            "client",
            "offered_at",
            "flagged_at",
            "created_at",
            "photos",
        ]
        read_only_fields = fields

    def get_photos(self, obj) -> int:
        return len(obj.photos.all())


class TakeSerializer(serializers.Serializer):
    activity = serializers.IntegerField(
        help_text="An activity you work in; the client is created there (or reused)."
    )
    client = serializers.IntegerField(
        required=False, allow_null=True, help_text="An existing client of that activity."
    )


class ProposeSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="A member of the request's sector.")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


@extend_schema(tags=TAGS)
class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Clients' requests of your sectors (and those taken by or proposed to you). Before a request
    is yours, the client's name, email, phone, street and position are null."""

    serializer_class = RequestSerializer

    def get_queryset(self):
        return selectors.requests(
            self.request.user,
            state=choice_param(self.request, "state", RequestState.values),
            sector_id=id_param(self.request, "sector"),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=RequestState.values),
            OpenApiParameter("sector", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TakeSerializer, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take the request (or accept it when it was proposed to you): answers the first visit, to plan."""
        req = self.get_object()
        data = TakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = Activity.objects.filter(pk=data.validated_data["activity"]).first()
        if activity is None or not permissions.is_activity_worker.test(request.user, activity):
            raise DjangoValidationError({"activity": "Choose one of the activities you work in."})
        client = None
        if data.validated_data.get("client"):
            client = Client.objects.filter(
                pk=data.validated_data["client"], activity=activity
            ).first()
            if client is None:
                raise DjangoValidationError(
                    {"client": "Choose a client of the activity the work is done for."}
                )
        visit = services.take_request(
            actor=request.user, request=req, activity=activity, client=client
        )
        visit = selectors.visit_detail(request.user, visit.pk)
        return Response(
            VisitSerializer(visit, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ProposeSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """The sector's lead (or staff) proposes the request to a member, who takes or declines it."""
        req = self.get_object()
        data = ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = Member.objects.filter(
            pk=data.validated_data["member"], entity_id=req.entity_id
        ).first()
        if member is None:
            raise DjangoValidationError({"member": "Propose a member of the request's sector."})
        services.propose_member(actor=request.user, request=req, member=member)
        return Response(self.get_serializer(selectors.request_detail(request.user, req.pk)).data)

    @extend_schema(request=DeclineSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The member the request was proposed to declines it; it stays offered to the sector."""
        req = self.get_object()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decline_proposal(
            actor=request.user, request=req, reason=data.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(selectors.request_detail(request.user, req.pk)).data)


class PlanSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    day = serializers.DateField()
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="On ``day``; empty: the visit's time, else 9:00."
    )


@extend_schema(tags=TAGS)
class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Visits of your sectors, activities and calendar; filter by day (or a period), member, sector."""

    serializer_class = VisitSerializer

    def get_queryset(self):
        r = self.request
        day = date_param(r, "day")
        return selectors.visits(
            r.user,
            since=day or date_param(r, "date_from"),
            until=day or date_param(r, "date_to"),
            member_id=id_param(r, "member"),
            sector_id=id_param(r, "sector"),
            state=choice_param(r, "state", VisitState.values),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("day", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("member", int),
            OpenApiParameter("sector", int),
            OpenApiParameter("state", str, enum=VisitState.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PlanSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """Plan or move the visit; refused (400) when the member is unavailable or at another visit."""
        visit = self.get_object()
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = (
            rules.planning_members(request.user).filter(pk=data.validated_data["member"]).first()
            or Member.objects.filter(
                pk=data.validated_data["member"], entity_id=visit.activity.entity_id
            ).first()
        )
        if member is None:
            raise DjangoValidationError(
                {"member": "Choose a member of the visit's sector or of its activity."}
            )
        services.plan_visit(
            user=request.user,
            visit=visit,
            member=member,
            day=data.validated_data["day"],
            starts_at=data.validated_data.get("starts_at"),
        )
        return Response(self.get_serializer(selectors.visit_detail(request.user, visit.pk)).data)


class RecurrenceSerializer(serializers.ModelSerializer):
    months = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=12), min_length=1
    )

    class Meta:
        model = Recurrence
        fields = ["months", "every_weeks", "weekday", "minutes", "start_time"]


class ContractTaskSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = ContractTask
        fields = ["id", "name", "service", "every_visit"]


class ContractSerializer(MaskedClientMixin, serializers.ModelSerializer):
    masked = ("street", "latitude", "longitude", "access_notes")
    recurrences = RecurrenceSerializer(many=True, read_only=True)
    tasks = ContractTaskSerializer(many=True, read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True
    )
    street = serializers.CharField(allow_null=True, required=False, allow_blank=True)
    access_notes = serializers.CharField(allow_null=True, required=False, allow_blank=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "activity",
            "client",
            "request",
            "sector",
            "member",
            "name",
            "state",
            "starts_on",
            "ends_on",
            "renews_yearly",
            "pricing",
            "price",
            "vat_rate",
            "yearly_hours",
            "invoicing",
            "client_validates_sheets",
            "home_services",
            "immediate_advance",
            "access_notes",
            "street",
            "postcode",
            "city",
            "country",
            "latitude",
            "longitude",
            "recurrences",
            "tasks",
        ]
        read_only_fields = [
            "id",
            "state",
            "request",
            "latitude",
            "longitude",
            "recurrences",
            "tasks",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            self.fields["activity"].queryset = permissions.activities(user)
            self.fields["client"].queryset = permissions.scoped_by_activity(
                user, Client.objects.all()
            )
            self.fields["member"].queryset = permissions.members(user) | rules.planning_members(
                user
            )
            self.fields["sector"].queryset = rules.sectors(user)
        if isinstance(self.instance, Contract):
            self.fields["activity"].read_only = True
            self.fields["client"].read_only = True
        for name in ("postcode", "city"):
            self.fields[name].required = False


class GenerateSerializer(serializers.Serializer):
    until = serializers.DateField(help_text="Create the visits the rhythm gives up to this day.")


@extend_schema(tags=TAGS)
class ContractViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Maintenance contracts of your activities and sectors."""

    serializer_class = ContractSerializer

    def get_queryset(self):
        return selectors.contracts(
            self.request.user,
            client_id=id_param(self.request, "client"),
            activity_id=id_param(self.request, "activity"),
        ).prefetch_related("recurrences", "tasks")

    @extend_schema(parameters=[OpenApiParameter("client", int), OpenApiParameter("activity", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if v is not None or k in ("ends_on", "yearly_hours")
        }
        serializer.instance = services.create_contract(
            actor=self.request.user,
            activity=data.pop("activity"),
            client=data.pop("client"),
            **data,
        )

    def perform_update(self, serializer):
        data = {
            k: ("" if v is None and k in ("street", "access_notes") else v)
            for k, v in serializer.validated_data.items()
        }
        serializer.instance = services.update_contract(
            actor=self.request.user, contract=serializer.instance, **data
        )

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=RecurrenceSerializer(many=True), responses=ContractSerializer)
    @action(detail=True, methods=["put"])
    def recurrences(self, request, pk=None):
        """Replace the rhythms, e.g. every 2 weeks from April to October and every 4 in winter."""
        contract = self.get_object()
        data = RecurrenceSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        services.set_recurrences(
            actor=request.user,
            contract=contract,
            recurrences=[dict(r) for r in data.validated_data],
        )
        return Response(self._fresh(contract.pk))

    @extend_schema(request=ContractTaskSerializer(many=True), responses=ContractSerializer)
    @action(detail=True, methods=["put"])
    def tasks(self, request, pk=None):
        """Replace the tasks (``every_visit: false`` for a task the client may choose)."""
        contract = self.get_object()
        data = ContractTaskSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        services.set_tasks(
            actor=request.user, contract=contract, tasks=[dict(t) for t in data.validated_data]
        )
        return Response(self._fresh(contract.pk))

    @extend_schema(request=GenerateSerializer, responses={201: VisitSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="generate-visits")
    def generate_visits(self, request, pk=None):
        """Create the visits of the rhythm up to ``until`` (idempotent)."""
        contract = self.get_object()
        data = GenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.generate_visits(contract, data.validated_data["until"], actor=request.user)
        rows = selectors.visits(request.user).filter(pk__in=[v.pk for v in made])
        return Response(
            VisitSerializer(rows, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "member", "sector", "activity", "starts_at", "ends_at", "deposit", "visit"]
        read_only_fields = ["id", "visit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["member"].queryset = rules.planning_members(request.user)
            self.fields["sector"].queryset = rules.sectors(request.user)
            self.fields["activity"].queryset = permissions.activities(request.user)


@extend_schema(tags=TAGS)
class SlotViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Times members publish for clients to book (a booked slot has its ``visit``)."""

    serializer_class = SlotSerializer

    def get_queryset(self):
        return selectors.slots(
            self.request.user,
            member_id=id_param(self.request, "member"),
            sector_id=id_param(self.request, "sector"),
        )

    @extend_schema(parameters=[OpenApiParameter("member", int), OpenApiParameter("sector", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.publish_slot(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_slot(actor=self.request.user, slot=instance)


class UnavailabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Unavailability
        fields = ["id", "member", "starts_at", "ends_at", "reason"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["member"].queryset = rules.planning_members(request.user)


@extend_schema(tags=TAGS)
class UnavailabilityViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """When members are not available (visits are not planned then)."""

    serializer_class = UnavailabilitySerializer

    def get_queryset(self):
        qs = rules.unavailabilities(self.request.user).select_related("member")
        if (member := id_param(self.request, "member")) is not None:
            qs = qs.filter(member_id=member)
        return qs.order_by("starts_at", "id")

    @extend_schema(parameters=[OpenApiParameter("member", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.add_unavailability(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_unavailability(actor=self.request.user, unavailability=instance)


FeedSerializer = inline_serializer("CalendarFeedAddress", {"url": serializers.URLField()})


@extend_schema(tags=TAGS)
class CalendarFeedView(APIView):
    """The secret address of your iCal feed (``GET``); ``POST`` makes a new one (the old one stops
    working)."""

    def _member(self, request):
        member = selectors.my_member(request.user)
        if member is None:
            raise PermissionDenied("Only members have a calendar feed.")
        return member

    def _answer(self, request, feed, code=status.HTTP_200_OK):
        return Response(
            {"url": request.build_absolute_uri(reverse("fieldwork-ical", args=[feed.token]))},
            status=code,
        )

    @extend_schema(responses=FeedSerializer)
    def get(self, request):
        return self._answer(request, services.calendar_feed(self._member(request)))

    @extend_schema(request=None, responses={201: FeedSerializer})
    def post(self, request):
        return self._answer(
            request,
            services.rotate_feed(actor=request.user, member=self._member(request)),
            status.HTTP_201_CREATED,
        )
