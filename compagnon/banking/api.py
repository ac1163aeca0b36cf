"""Bank accounts, statements and transactions through the API. Same selectors and services as
the pages: accountants, administrators and support agents of an entity read its bank side;
accountants and administrators add accounts and upload statements (else 403); anyone else gets
404 on every endpoint."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from compagnon.core.params import choice_param, id_param

from . import balances, selectors, services
from .models import BankAccount, BankStatement, BankTransaction, TransactionState


@extend_schema_field(OpenApiTypes.INT)
class ScopedEntityField(serializers.PrimaryKeyRelatedField):
    """An entity whose bank side the requesting user works (others do not exist for them)."""

    def get_queryset(self):
        return selectors.managed_entities(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedUploadAccountField(serializers.PrimaryKeyRelatedField):
    """An active bank account the requesting user may import statements into."""

    def get_queryset(self):
        return selectors.upload_accounts(self.context["request"].user)


class BankAccountSerializer(serializers.ModelSerializer):
    entity = ScopedEntityField(help_text="Id of the entity holding the account; fixed.")
    iban = serializers.CharField(max_length=42, help_text="Spaces allowed; stored compact.")
    bic = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    currency = serializers.CharField(max_length=3, required=False, default="EUR")

    class Meta:
        model = BankAccount
        fields = ["id", "entity", "name", "iban", "bic", "currency", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class StatementUploadSerializer(serializers.Serializer):
    account = ScopedUploadAccountField(help_text="Id of the bank account the statement is for.")
    file = serializers.FileField(
        help_text="camt.053 XML (versions .001.02 to .001.08) or a CSV export read with the "
        "account's CSV column mapping; at most 50 MB."
    )


class BankStatementSerializer(serializers.ModelSerializer):
    format = serializers.CharField(
        read_only=True, help_text="camt053 or csv; empty for a file that is neither (rejected)."
    )
    state = serializers.CharField(
        read_only=True, help_text="imported, or rejected (nothing imported: see error)."
    )
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    error_line = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Line of the file where the problem is."
    )
    error_place = serializers.CharField(
        read_only=True, help_text="The XML element (path) or the CSV column of the problem."
    )
    file_download = serializers.SerializerMethodField(help_text="The file, as uploaded.")
    expected_closing_balance = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Opening balance + entries_total; null when the file gives no balances (CSV).",
    )
    balance_difference = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="closing_balance − expected_closing_balance: not 0 means entries may be missing.",
    )
    opening_gap = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="opening_balance − previous_closing_balance: not 0 means statements between "
        "the two may be missing.",
    )
    balance_mismatch = serializers.BooleanField(
        read_only=True, help_text="True when either difference is not 0 (the import is kept)."
    )
    balance_warnings = serializers.SerializerMethodField(
        help_text="The mismatches in the reader's language, with the figures."
    )

    class Meta:
        model = BankStatement
        fields = [
            "id",
            "account",
            "format",
            "filename",
            "sha256",
            "state",
            "error",
            "error_location",
            "error_line",
            "error_place",
            "statement_id",
            "period_start",
            "period_end",
            "opening_balance",
            "closing_balance",
            "entries_total",
            "previous_closing_balance",
            "expected_closing_balance",
            "balance_difference",
            "opening_gap",
            "balance_mismatch",
            "balance_warnings",
            "imported",
            "already_known",
            "matched",
            "to_match",
            "created_by",
            "created_at",
            "file_download",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "error_location": {"help_text": '"line:place", e.g. "42:/Document/…/Ntry[3]/Amt".'},
            "imported": {"help_text": "Transactions created by this import."},
            "already_known": {"help_text": "Transactions of the file imported before."},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_balance_warnings(self, obj) -> list[str]:
        return [] if obj.is_rejected else balances.warnings(obj)

    def get_file_download(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-bank-statement-file", kwargs={"pk": obj.pk})
        )


class BankTransactionSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True, help_text="unmatched, partial, matched or ignored."
    )

    class Meta:
        model = BankTransaction
        fields = [
            "id",
            "account",
            "statement",
            "booking_date",
            "value_date",
            "amount",
            "currency",
            "counterparty_name",
            "counterparty_iban",
            "counterparty_bic",
            "remittance",
            "structured_reference",
            "end_to_end_id",
            "bank_reference",
            "bank_code",
            "state",
            "allocated",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "amount": {"help_text": "Positive: money in; negative: money out."},
            "structured_reference": {
                "help_text": "Belgian structured communication (12 digits) or RF reference, "
                "compact."
            },
        }


class _BankingMixin:
    """Bank data does not exist for people who do not read their entity as a whole."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        if not selectors.sees_banking(request.user):
            raise Http404

    def _id_param(self, name: str, selector) -> int | None:
        pk = id_param(self.request, name)  # malformed: 400 naming the parameter
        if pk is None:
            return None
        try:
            return selector(self.request.user, pk).pk
        except ObjectDoesNotExist:
            raise Http404 from None  # someone else's account does not exist for this user

    def _require_manager(self):
        if not selectors.manages_banking(self.request.user):
            raise PermissionDenied(
                _("Only the accountants and administrators of the entity can change its bank side.")
            )


@extend_schema(tags=["banking"])
class BankAccountViewSet(_BankingMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The bank accounts of your entities. POST to add one (accountants, administrators)."""

    serializer_class = BankAccountSerializer

    def get_queryset(self):
        return selectors.bank_accounts(self.request.user).order_by("entity_id", "name", "id")

    def create(self, request, *args, **kwargs):
        self._require_manager()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_bank_account(
            actor=self.request.user,
            entity=data["entity"],
            name=data["name"],
            iban=data["iban"],
            bic=data.get("bic", ""),
            currency=data.get("currency", "EUR"),
        )


@extend_schema(tags=["banking"])
class BankStatementViewSet(_BankingMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Imported statements, newest first.

    POST a file (multipart: ``account``, ``file``) to import it. The answer is 201 with the
    statement: ``state`` "imported" with its counts (``imported``, ``already_known``,
    ``matched``, ``to_match``), or "rejected" when the file cannot be imported (``error`` says
    why, ``error_line`` and ``error_place`` where); then nothing was imported, but the file is
    kept. Transactions already imported are recognised: the same file twice adds nothing.
    """

    serializer_class = BankStatementSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BankStatement.objects.none()
        account_id = (
            self._id_param("account", selectors.bank_account) if self.action == "list" else None
        )
        return selectors.statement_list(self.request.user, account_id=account_id)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "account", int, description="Only this account's statements (404 if not yours)"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=StatementUploadSerializer, responses={201: BankStatementSerializer})
    def create(self, request, *args, **kwargs):
        self._require_manager()
        upload = StatementUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        statement = services.upload_statement(
            actor=request.user,
            account=upload.validated_data["account"],
            uploaded_file=upload.validated_data["file"],
        )
        statement = selectors.statement_detail(request.user, statement.pk)
        return Response(self.get_serializer(statement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The statement file, as uploaded"
            )
        }
    )
    @action(detail=True, methods=["get"], url_path="file", url_name="file")
    def file(self, request, pk=None):
        statement = self.get_object()
        return FileResponse(
            statement.file.open("rb"),
            as_attachment=True,
            filename=statement.filename or "statement",
            content_type="application/xml" if statement.format == "camt053" else "text/csv",
        )


@extend_schema(tags=["banking"])
class BankTransactionViewSet(_BankingMixin, viewsets.ReadOnlyModelViewSet):
    """Transactions of the imported statements, newest booking first."""

    serializer_class = BankTransactionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BankTransaction.objects.none()
        state = (
            choice_param(self.request, "state", TransactionState.values)
            if self.action == "list"
            else ""
        )
        if self.action != "list":
            return selectors.transactions(self.request.user)
        return selectors.transactions(
            self.request.user,
            account_id=self._id_param("account", selectors.bank_account),
            statement_id=self._id_param("statement", selectors.statement_detail),
            state=state,
        ).order_by("-booking_date", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=TransactionState.values),
            OpenApiParameter("account", int, description="Only this account (404 if not yours)"),
            OpenApiParameter(
                "statement", int, description="Only this statement's (404 if not yours)"
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
