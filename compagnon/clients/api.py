from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.fields import empty
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from compagnon import permissions
from compagnon.core.params import choice_param, id_param, raw_param, text_param

from . import imports, selectors, services
from .models import Client, ClientImport, ClientKind, Contact, EntryKind, RelationshipEntry

CLIENT_PK = OpenApiParameter("client_pk", int, OpenApiParameter.PATH, description="Client id")


ARCHIVED_FILTER = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False,
                   "all": None}


def _archived_param(request) -> bool | None:
    """``?archived=`` false (default), true or all; anything else is a 400 naming it."""
    value = raw_param(request, "archived").lower() or "false"
    if value not in ARCHIVED_FILTER:
        choice_param(request, "archived", ["false", "true", "all"])  # raises BadParameter
    return ARCHIVED_FILTER[value]


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    """An activity the requesting user can see (others do not exist for them)."""

    def get_queryset(self):
        return permissions.activities(self.context["request"].user)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "email", "phone", "is_primary", "created_at"]
        read_only_fields = ["id", "created_at"]


class ClientSerializer(serializers.ModelSerializer):
    activity = ScopedActivityField(help_text="Id of the activity the client belongs to; fixed.")
    contacts = ContactSerializer(many=True, read_only=True)
    open_commitments = serializers.IntegerField(
        read_only=True, help_text="Commitments of the relationship log not kept yet."
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "activity",
            *services.CLIENT_FIELDS,
            "archived",
            "contacts",
            "open_commitments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "archived", "created_at", "updated_at"]
        extra_kwargs = {
            "company_number": {
                "help_text": "SIREN/SIRET (FR), enterprise number (BE); normalised."
            },
            "vat_number": {"help_text": "With its country prefix; checked for every EU country."},
            "peppol_id": {"help_text": "Derived from the identifiers when left empty."},
        }

    def validate_activity(self, activity):
        if self.instance is not None and activity.pk != self.instance.activity_id:
            raise serializers.ValidationError("A client stays with the activity it belongs to.")
        return activity


class RelationshipEntrySerializer(serializers.ModelSerializer):
    author = serializers.EmailField(source="author.email", read_only=True, default=None)
    kind = serializers.ChoiceField(choices=EntryKind.choices)

    class Meta:
        model = RelationshipEntry
        fields = [
            "id",
            "kind",
            "date",
            "title",
            "body",
            "due_on",
            "done",
            "done_at",
            "author",
            "created_at",
        ]
        read_only_fields = ["id", "done", "done_at", "author", "created_at"]
        extra_kwargs = {"date": {"required": False}}


class DoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class SafeBooleanField(serializers.BooleanField):
    """In a multipart form a missing box means False to DRF; here a missing flag keeps its
    default (a dry run), so forgetting it never imports by accident."""

    default_empty_html = empty


class ClientImportUploadSerializer(serializers.Serializer):
    activity = ScopedActivityField()
    file = serializers.FileField(help_text="CSV, UTF-8 (with or without BOM), ';' or ','.")
    dry_run = SafeBooleanField(
        default=True,
        help_text="true (the default): check only; false: import if every line is valid.",
    )


class ClientImportSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.EmailField(source="uploaded_by.email", read_only=True, default=None)
    status = serializers.CharField(
        read_only=True, help_text="dry_run_ok (checked, nothing imported), failed or imported."
    )
    error_lines = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text='"line N: field: message"'
    )

    class Meta:
        model = ClientImport
        fields = [
            "id",
            "activity",
            "original_name",
            "uploaded_by",
            "dry_run",
            "status",
            "report",
            "error_lines",
            "created_at",
            "imported_at",
        ]
        read_only_fields = fields


class ClientScopedMixin:
    """Nested routes under /clients/{client_pk}/: the client must be visible (else 404), and
    changing anything under it needs ``clients.change_client`` (else 403)."""

    read_actions = ("list", "retrieve")

    def get_client(self) -> Client:
        if not hasattr(self, "_client"):
            try:
                self._client = selectors.client_detail(self.request.user, self.kwargs["client_pk"])
            except (ObjectDoesNotExist, ValueError):
                raise Http404 from None
        return self._client

    def check_change(self):
        if not self.request.user.has_perm("clients.change_client", self.get_client()):
            raise PermissionDenied

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        self.get_client()
        if self.action not in self.read_actions:
            self.check_change()


@extend_schema(tags=["clients"])
class ClientViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Clients of the activities you work in (members) or follow (staff, read-only).

    DELETE archives the client instead of deleting it: its documents and history stay.
    """

    serializer_class = ClientSerializer

    def get_queryset(self):
        listing = self.action == "list"
        request = self.request
        archived = _archived_param(request) if listing else None
        return selectors.client_list(
            self.request.user,
            search=text_param(request, "search") if listing else "",
            kind=choice_param(request, "kind", ClientKind.values) if listing else "",
            archived=archived,
            activity_id=id_param(request, "activity"),
        ).prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by(*Contact._meta.ordering))
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="Words found in name, city, email, identifiers, contacts"
            ),
            OpenApiParameter("kind", str, enum=ClientKind.values),
            OpenApiParameter(
                "archived", str, enum=["false", "true", "all"], description="Default: false"
            ),
            OpenApiParameter("activity", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _fresh(self, pk):
        return (
            selectors.client_list(self.request.user, archived=None)
            .prefetch_related("contacts")
            .get(pk=pk)
        )

    def _check_change(self, client):
        if not self.request.user.has_perm("clients.change_client", client):
            raise PermissionDenied

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        activity = data.pop("activity")
        client = services.create_client(actor=self.request.user, activity=activity, **data)
        serializer.instance = self._fresh(client.pk)

    def update(self, request, *args, **kwargs):
        self._check_change(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("activity", None)
        client = services.update_client(actor=self.request.user, client=serializer.instance, **data)
        serializer.instance = self._fresh(client.pk)

    @extend_schema(description="Archive the client (nothing is deleted).", responses={204: None})
    def destroy(self, request, *args, **kwargs):
        client = self.get_object()
        self._check_change(client)
        services.archive_client(actor=request.user, client=client)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        client = self.get_object()
        self._check_change(client)
        services.archive_client(actor=request.user, client=client)
        return Response(self.get_serializer(self._fresh(client.pk)).data)

    @extend_schema(request=None, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def unarchive(self, request, pk=None):
        client = self.get_object()
        self._check_change(client)
        services.unarchive_client(actor=request.user, client=client)
        return Response(self.get_serializer(self._fresh(client.pk)).data)


@extend_schema(tags=["clients"], parameters=[CLIENT_PK])
class ContactViewSet(ClientScopedMixin, viewsets.ModelViewSet):
    """The people to talk to at a client. The first contact becomes the main one."""

    serializer_class = ContactSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        return selectors.contacts(self.request.user, self.get_client())

    def perform_create(self, serializer):
        serializer.instance = services.add_contact(
            actor=self.request.user, client=self.get_client(), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_contact(
            actor=self.request.user, contact=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_contact(actor=self.request.user, contact=instance)


@extend_schema(tags=["clients"], parameters=[CLIENT_PK])
class RelationshipEntryViewSet(
    ClientScopedMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The relationship log of a client, newest first: meetings, commitments (ours and theirs,
    with due dates), reflections on how the collaboration goes."""

    serializer_class = RelationshipEntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RelationshipEntry.objects.none()
        return selectors.relationship_entries(self.request.user, self.get_client())

    def perform_create(self, serializer):
        serializer.instance = services.add_relationship_entry(
            actor=self.request.user, client=self.get_client(), **serializer.validated_data
        )

    @extend_schema(request=DoneSerializer, responses=RelationshipEntrySerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, client_pk=None, pk=None):
        """Mark a commitment kept (``{"done": true}``) or open again (``false``)."""
        entry = self.get_object()
        data = DoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.mark_commitment_done(
            actor=request.user, entry=entry, done=data.validated_data["done"]
        )
        return Response(self.get_serializer(entry).data)


@extend_schema(tags=["clients"])
class ClientImportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """CSV imports of clients. POST a file with ``dry_run=true`` to get its report (nothing is
    created), then ``confirm`` it, or POST with ``dry_run=false`` to import at once. A real import
    is all or nothing. The file is kept whatever happens; the answer is the import with its
    ``status`` and ``report`` (errors as ``line N: field: message``)."""

    serializer_class = ClientImportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.client_imports(self.request.user, limit=None)

    @extend_schema(request=ClientImportUploadSerializer, responses={201: ClientImportSerializer})
    def create(self, request, *args, **kwargs):
        upload = ClientImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        client_import = imports.import_clients_csv(
            actor=request.user,
            activity=upload.validated_data["activity"],
            uploaded_file=upload.validated_data["file"],
            dry_run=upload.validated_data["dry_run"],
        )
        return Response(
            self.get_serializer(
                selectors.client_import_detail(request.user, client_import.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=ClientImportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Import a file whose dry run passed (it is checked again first)."""
        client_import = self.get_object()
        if not services.may_create_client(request.user, client_import.activity):
            raise PermissionDenied
        client_import = imports.confirm_client_import(
            actor=request.user, client_import=client_import
        )
        return Response(self.get_serializer(client_import).data)
