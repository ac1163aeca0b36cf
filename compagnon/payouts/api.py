"""Transfer batches through the API: as thin as the pages, same selectors and services.

Only accountants and administrators of an entity reach its batches; for anyone else every route
answers 404.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from compagnon import permissions
from compagnon.banking.models import BankTransaction
from compagnon.clients.models import Client
from compagnon.core.params import choice_param, id_param, text_param
from compagnon.members.models import Activity
from compagnon.sales.models import Document, Kind, State

from . import matching, selectors, services, settlement
from .models import BatchState, PayoutBatch, PayoutLine, Purpose, RemittanceKind, Scheme

BATCH_PK = OpenApiParameter("batch_pk", int, OpenApiParameter.PATH, description="Transfer batch id")


class FileChangedError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The kept file no longer matches the fingerprint recorded when it was generated: it "
                       "was changed since. Do not use it; cancel the batch and prepare a new one.")
    default_code = "file_changed"


@extend_schema_field(OpenApiTypes.INT)
class ScopedAccountField(serializers.PrimaryKeyRelatedField):
    """An active bank account of an entity whose transfers you prepare."""

    def get_queryset(self):
        return selectors.accounts(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedCreditNoteField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        entities = permissions.money_entities(self.context["request"].user)
        return Document.objects.filter(entity_id__in=entities, kind=Kind.CREDIT_NOTE, state=State.ISSUED)


@extend_schema_field(OpenApiTypes.INT)
class ScopedClientField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        entities = permissions.money_entities(self.context["request"].user)
        return Client.objects.filter(activity__entity_id__in=entities).select_related("activity")


class PayoutLineSerializer(serializers.ModelSerializer):
    credit_note = serializers.IntegerField(source="source_document_id", read_only=True, allow_null=True)
    credit_note_number = serializers.SerializerMethodField()
    client = serializers.IntegerField(source="client_id", read_only=True, allow_null=True)
    purpose = serializers.CharField(read_only=True, help_text="refund, expense, supplier or salary")
    remittance_kind = serializers.CharField(read_only=True, help_text="text, ogm or rf")
    state = serializers.CharField(read_only=True, help_text="pending (batch not sent), sent (on its way), settled "
                                                            "(paid: on a bank statement), returned, cancelled")
    debit_account = serializers.CharField(source="debit_account.code", read_only=True, default=None,
                                          help_text="Number of the ledger account the transfer settles.")
    activity = serializers.IntegerField(source="activity_id", read_only=True, allow_null=True)
    transaction = serializers.IntegerField(source="transaction_id", read_only=True, allow_null=True,
                                           help_text="The bank transaction that paid it.")
    return_transaction = serializers.IntegerField(source="return_transaction_id", read_only=True, allow_null=True)

    class Meta:
        model = PayoutLine
        fields = ["id", "position", "purpose", "creditor_name", "iban", "bic", "amount", "remittance_kind",
                  "remittance", "end_to_end_id", "credit_note", "credit_note_number", "client", "activity",
                  "debit_account", "state", "transaction", "settled_at", "return_transaction", "returned_at",
                  "return_reason", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "position": {"help_text": "The line number shown on the batch page and named in errors (lines.N.field)."},
            "remittance": {"help_text": "The message, or the compact structured reference (12 digits, or RF…)."},
        }

    def get_credit_note_number(self, obj) -> str | None:
        return obj.source_document.number if obj.source_document_id else None


@extend_schema_field(OpenApiTypes.INT)
class ScopedActivityField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        entities = permissions.money_entities(self.context["request"].user)
        return Activity.objects.filter(entity_id__in=entities)


class PayoutLineInputSerializer(serializers.Serializer):
    credit_note = ScopedCreditNoteField(
        required=False, allow_null=True,
        help_text="An issued credit note to refund: the other fields then default to its amount, its client's "
                  "name, the IBAN the client paid from (when known) and 'Refund of credit note …'.",
    )
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False,
                                      help_text="Lines without credit note: refund, expense, salary or supplier (default).")
    creditor_name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                          help_text="At most 70 characters.")
    iban = serializers.CharField(required=False, allow_blank=True, max_length=50)
    bic = serializers.CharField(required=False, allow_blank=True, max_length=20)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      help_text="In euros, more than 0.")
    remittance_kind = serializers.ChoiceField(
        choices=RemittanceKind.choices, required=False, allow_blank=True,
        help_text="text (default; a text that is only a Belgian structured communication or an RF "
                  "reference is sent as that structured reference), ogm or rf.")
    remittance = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                       help_text="A message (at most 140 characters) or the reference.")
    end_to_end_id = serializers.CharField(required=False, allow_blank=True, max_length=35,
                                          help_text="Empty: CMP-<batch>-<line>.")
    client = ScopedClientField(required=False, allow_null=True, help_text="Lines without credit note only.")
    activity = ScopedActivityField(required=False, allow_null=True,
                                   help_text="The activity the transfer belongs to (its analytic axis in the books).")
    debit_account = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="The ledger account the transfer settles: a number or role of the entity's chart "
                  "(supplier, member_current, salaries_payable, receivable); empty: the purpose's payable.")


class PayoutBatchSerializer(serializers.ModelSerializer):
    entity = serializers.IntegerField(source="entity_id", read_only=True)
    entry = serializers.IntegerField(source="entry_id", read_only=True, allow_null=True,
                                     help_text="The ledger entry posted when the batch was sent.")
    account = serializers.IntegerField(source="account_id", read_only=True)
    state = serializers.CharField(source="status", read_only=True,
                                  help_text="draft, generated, sent, settled (the bank paid every transfer) or cancelled")
    scheme = serializers.CharField(read_only=True, help_text=" or ".join(Scheme.values))
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None)
    lines = PayoutLineSerializer(many=True, read_only=True)
    total = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = PayoutBatch
        fields = ["id", "entity", "account", "scheme", "requested_execution_date", "state", "lines", "total",
                  "message_id", "line_count", "control_sum", "file_sha256", "download", "created_by",
                  "created_at", "generated_at", "sent_at", "settled_at", "cancelled_at", "entry"]
        read_only_fields = fields
        extra_kwargs = {
            "line_count": {"help_text": "Transfers in the generated file (NbOfTxs)."},
            "control_sum": {"help_text": "Total of the generated file (CtrlSum)."},
        }

    def get_total(self, obj) -> str:
        return str(sum((line.amount for line in obj.lines.all()), 0))

    def get_download(self, obj) -> str | None:
        """The XML file's URL once generated (not for cancelled batches)."""
        if not obj.has_file:
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/payout-batches/{obj.pk}/download/")


class PayoutBatchInputSerializer(serializers.Serializer):
    account = ScopedAccountField(help_text="The bank account paying (it gives the entity).")
    requested_execution_date = serializers.DateField(help_text="Today or later.")
    scheme = serializers.ChoiceField(
        choices=Scheme.choices, required=False, allow_blank=True,
        help_text="Empty: the account's usual format (pain.001.001.09 unless chosen otherwise); a format "
                  "chosen becomes the account's usual one.")


class PayoutBatchUpdateSerializer(serializers.Serializer):
    requested_execution_date = serializers.DateField(required=False)
    scheme = serializers.ChoiceField(choices=Scheme.choices, required=False)


class RefundCandidateSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    invoice = serializers.CharField(source="credited.number", read_only=True, default=None)

    class Meta:
        model = Document
        fields = ["id", "number", "issue_date", "client", "client_name", "invoice", "tax_inclusive", "payable"]
        read_only_fields = fields


# --- the bank's answer ------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedTransactionField(serializers.PrimaryKeyRelatedField):
    """A bank transaction of an entity whose money you work, not matched yet."""

    def get_queryset(self):
        entities = permissions.money_entities(self.context["request"].user)
        return BankTransaction.objects.filter(account__entity_id__in=entities).select_related("account")


class SettleInputSerializer(serializers.Serializer):
    transaction = ScopedTransactionField(help_text="The outgoing bank transaction (negative amount) that paid it.")


class ReturnInputSerializer(serializers.Serializer):
    transaction = ScopedTransactionField(
        required=False, allow_null=True,
        help_text="For a paid transfer: the money-in bank transaction that brought it back. Empty: the bank "
                  "rejected a transfer still on its way.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                   help_text="What the bank said (e.g. AC04 closed account).")


class TransferSuggestionSerializer(serializers.Serializer):
    lines = serializers.ListField(child=serializers.IntegerField(), help_text="Transfer ids (several: a whole "
                                  "batch booked as one amount).")
    batch = serializers.IntegerField()
    names = serializers.ListField(child=serializers.CharField(), help_text="Beneficiaries.")
    reasons = serializers.ListField(child=serializers.CharField(),
                                    help_text="end_to_end, communication, iban, batch, message; empty: the amount only")


class OutgoingTransactionSerializer(serializers.ModelSerializer):
    entity = serializers.IntegerField(source="account.entity_id", read_only=True)
    suggestions = serializers.SerializerMethodField()

    class Meta:
        model = BankTransaction
        fields = ["id", "entity", "account", "booking_date", "amount", "counterparty_name", "counterparty_iban",
                  "remittance", "end_to_end_id", "suggestions"]
        read_only_fields = fields

    @extend_schema_field(TransferSuggestionSerializer(many=True))
    def get_suggestions(self, obj):
        found = self.context.get("suggestions", {}).get(obj.pk, [])
        return [{"lines": [line.pk for line in group], "batch": group[0].batch_id,
                 "names": [line.creditor_name for line in group], "reasons": reasons} for group, reasons in found]


def _settle_response(lines):
    return Response(PayoutLineSerializer(selectors.lines(lines[0].batch).filter(pk__in=[x.pk for x in lines]),
                                         many=True).data)


class MoneyStaffOnly:
    """Anyone without an entity whose money they work gets 404 everywhere (after authentication)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        if not permissions.money_entities(request.user):
            raise Http404


def _batches_queryset(user, **filters):
    return selectors.batch_list(user, **filters).prefetch_related(
        Prefetch("lines", queryset=PayoutLine.objects.select_related("source_document", "debit_account")
                 .order_by("position", "id"))
    )


@extend_schema(tags=["payouts"])
class BatchViewSet(MoneyStaffOnly, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Outgoing SEPA credit transfer batches (pain.001) of the entities whose money you work
    (accountants, administrators): prepare a batch, add its lines, generate the XML file (checked
    against the XSD), download it for the bank, then mark it sent."""

    serializer_class = PayoutBatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PayoutBatch.objects.none()
        if self.action != "list":
            return _batches_queryset(self.request.user)
        return _batches_queryset(self.request.user,
                                 state=choice_param(self.request, "state", BatchState.values),
                                 entity_id=id_param(self.request, "entity"))

    def _fresh(self, batch, code=status.HTTP_200_OK):
        return Response(self.get_serializer(_batches_queryset(self.request.user).get(pk=batch.pk)).data,
                        status=code)

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=BatchState.values),
                               OpenApiParameter("entity", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PayoutBatchInputSerializer, responses={201: PayoutBatchSerializer})
    def create(self, request, *args, **kwargs):
        data = PayoutBatchInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        batch = services.create_batch(actor=request.user, **data.validated_data)
        return self._fresh(batch, status.HTTP_201_CREATED)

    @extend_schema(request=PayoutBatchUpdateSerializer, responses=PayoutBatchSerializer,
                   description="Change a draft's execution date or file format.")
    def partial_update(self, request, *args, **kwargs):
        batch = self.get_object()
        data = PayoutBatchUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.update_batch(actor=request.user, batch=batch, **data.validated_data)
        return self._fresh(batch)

    @extend_schema(request=None, responses=PayoutBatchSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        """Check every line and build the XML file; errors name the line and the field
        (``lines.N.iban``…); nothing is kept when any check or the XSD fails."""
        return self._fresh(services.generate(actor=request.user, batch=self.get_object()))

    @extend_schema(request=None, responses=PayoutBatchSerializer)
    @action(detail=True, methods=["post"], url_path="mark-sent")
    def mark_sent(self, request, pk=None):
        """The file was uploaded to the bank."""
        return self._fresh(services.mark_sent(actor=request.user, batch=self.get_object()))

    @extend_schema(request=None, responses=PayoutBatchSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Drop a batch not sent yet, or a sent one the bank recalled before paying any transfer
        (its entry is reversed); what it paid can be paid again."""
        return self._fresh(services.cancel(actor=request.user, batch=self.get_object()))

    @extend_schema(request=SettleInputSerializer, responses=PayoutBatchSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """Confirm that one outgoing bank transaction paid every transfer of the batch still on its
        way (the bank booked the batch as one amount)."""
        batch = self.get_object()
        data = SettleInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        lines = list(batch.lines.filter(state="sent"))
        settlement.settle(actor=request.user, lines=lines, transaction=data.validated_data["transaction"])
        return self._fresh(batch)

    @extend_schema(responses={(200, "application/xml"): OpenApiResponse(description="The pain.001 file")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        batch = self.get_object()
        if not batch.has_file:
            raise Http404
        try:
            data = services.file_content(batch)
        except services.FileChanged:
            raise FileChangedError from None
        response = HttpResponse(data, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
        return response

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Credit note number or client name")],
                   responses=RefundCandidateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="refund-candidates")
    def refund_candidates(self, request, pk=None):
        """Issued credit notes of the batch's entity not refunded by any batch yet."""
        batch = self.get_object()
        qs = selectors.refund_candidates(request.user, batch, search=text_param(request, "search"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RefundCandidateSerializer(page, many=True).data)


@extend_schema(tags=["payouts"], parameters=[BATCH_PK])
class LineViewSet(MoneyStaffOnly, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """The transfers of a batch. POST ``{"credit_note": id, "iban": …}`` refunds a credit note;
    without ``credit_note`` the line is typed by hand. Lines change while the batch is a draft."""

    serializer_class = PayoutLineSerializer
    pagination_class = None

    def get_batch(self) -> PayoutBatch:
        if not hasattr(self, "_batch"):
            try:
                self._batch = selectors.batch_detail(self.request.user, self.kwargs["batch_pk"])
            except (ObjectDoesNotExist, ValueError):
                raise Http404 from None
        return self._batch

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PayoutLine.objects.none()
        return selectors.lines(self.get_batch())

    @extend_schema(request=PayoutLineInputSerializer, responses={201: PayoutLineSerializer})
    def create(self, request, *args, **kwargs):
        batch = self.get_batch()
        data = PayoutLineInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if v not in (None, "")}
        note = values.pop("credit_note", None)
        if note is not None:
            for field in ("purpose", "client", "activity", "debit_account"):
                if field in values:
                    raise serializers.ValidationError({field: _("A refund of a credit note takes its purpose, "
                                                                "client, activity and account from the credit "
                                                                "note.")})
            line = services.add_refund_line(actor=request.user, batch=batch, credit_note=note, **values)
        else:
            values.setdefault("creditor_name", "")
            values.setdefault("iban", "")
            values.setdefault("amount", None)
            line = services.add_line(actor=request.user, batch=batch, **values)
        return Response(self.get_serializer(selectors.lines(batch).get(pk=line.pk)).data,
                        status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_line(actor=self.request.user, line=instance)

    @extend_schema(request=SettleInputSerializer, responses=PayoutLineSerializer(many=True))
    @action(detail=True, methods=["post"])
    def settle(self, request, batch_pk=None, pk=None):
        """Confirm that an outgoing bank transaction paid this transfer (same amount, same account)."""
        line = self.get_object()
        data = SettleInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return _settle_response(settlement.settle(actor=request.user, lines=[line],
                                                        transaction=data.validated_data["transaction"]))

    @extend_schema(request=ReturnInputSerializer, responses=PayoutLineSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def returned(self, request, batch_pk=None, pk=None):
        """Record that the bank returned (with the money-in transaction) or rejected the transfer:
        what it paid is open again and the accountants are told."""
        line = self.get_object()
        data = ReturnInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        line = settlement.record_return(actor=request.user, line=line, **data.validated_data)
        return Response(PayoutLineSerializer(selectors.lines(line.batch).get(pk=line.pk)).data)


@extend_schema(tags=["payouts"])
class OutgoingViewSet(MoneyStaffOnly, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Money that left your entities' accounts and nothing explains yet, oldest first, each with
    the transfers on their way it may be. Confirm one with ``POST …/lines/{id}/settle/`` (or
    ``POST /api/v1/payout-batches/{id}/settle/`` for a batch booked as one amount)."""

    serializer_class = OutgoingTransactionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BankTransaction.objects.none()
        return selectors.unmatched_outgoing(self.request.user, entity_id=id_param(self.request, "entity"))

    @extend_schema(parameters=[OpenApiParameter("entity", int)])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "suggestions": matching.suggestions(page)}
        return self.get_paginated_response(OutgoingTransactionSerializer(page, many=True, context=context).data)
