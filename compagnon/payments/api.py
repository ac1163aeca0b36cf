"""API of payments: allocations (what paid a document), the staff matching queue and its actions,
an activity's money summary. As thin as the views: same selectors, same services."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon import permissions
from compagnon.banking.models import BankTransaction
from compagnon.core.params import choice_param, id_param
from compagnon.sales.models import Document

from . import selectors, services
from .models import Allocation, AllocationKind


class PaymentAllocationSerializer(serializers.ModelSerializer):
    explanation = serializers.CharField(source="text", read_only=True)
    document_number = serializers.SerializerMethodField()
    credit_note_number = serializers.SerializerMethodField()
    open_credit = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "kind", "method", "amount", "date", "explanation", "document", "document_number",
                  "credit_note", "credit_note_number", "credit_from", "client", "activity", "transaction",
                  "used_amount", "open_credit", "created_at", "reversed_at", "reversal_reason"]
        read_only_fields = fields

    def get_document_number(self, obj) -> str | None:
        return obj.document.number if obj.document_id else None

    def get_credit_note_number(self, obj) -> str | None:
        return obj.credit_note.number if obj.credit_note_id else None


class PaymentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PaymentUseCreditSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


@extend_schema(tags=["payments"])
class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Allocations of bank transactions to documents, clients' credits, refunds and bank charges.
    Members read those of their activities; accountants and administrators those of their entity.
    ``?document=`` lists what paid (or refunded) a document — 404 when the document is not yours."""

    serializer_class = PaymentAllocationSerializer

    def get_queryset(self):
        user = self.request.user
        qs = Allocation.objects.filter(
            Q(activity__in=permissions.activities(user)) | Q(entity_id__in=permissions.money_entities(user)))
        return qs.select_related("document", "credit_note").order_by("-date", "-id")

    @extend_schema(parameters=[OpenApiParameter("document", int), OpenApiParameter("transaction", int),
                               OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        qs = self.get_queryset()
        if (document_id := id_param(request, "document")) is not None:
            document = get_object_or_404(permissions.scoped_by_activity(request.user, Document.objects.all()),
                                         pk=document_id)
            qs = qs.filter(Q(document=document) | Q(credit_note=document))
        if (transaction_id := id_param(request, "transaction")) is not None:
            qs = qs.filter(transaction_id=transaction_id)
        if (client_id := id_param(request, "client")) is not None:
            qs = qs.filter(client_id=client_id)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=PaymentReasonSerializer, responses=PaymentAllocationSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Undo the allocation (staff): states put back, a reversing entry posted."""
        data = PaymentReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocation = services.reverse_allocation(actor=request.user, allocation=self.get_object(),
                                                 reason=data.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=allocation.pk)).data)

    @extend_schema(request=PaymentUseCreditSerializer, responses=PaymentAllocationSerializer(many=True))
    @action(detail=True, methods=["post"])
    def use(self, request, pk=None):
        """Settle an invoice of the same client with this client credit (staff)."""
        credit = self.get_object()
        if credit.kind != AllocationKind.CLIENT_CREDIT:
            raise exceptions.ValidationError({"credit": ["This allocation is not a client credit."]})
        data = PaymentUseCreditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_object_or_404(Document.objects.select_related("entity"), entity_id=credit.entity_id,
                                     pk=data.validated_data["document"])
        run = services.use_credit(actor=request.user, document=document, credit=credit,
                                  amount=data.validated_data.get("amount"))
        created = self.get_queryset().filter(run=run)
        return Response(self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED)


# --- staff: transactions to match ----------------------------------------------------------------


class PaymentSuggestionSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document.pk")
    number = serializers.CharField(source="document.number")
    client = serializers.CharField(source="document.client.name")
    outstanding = serializers.DecimalField(source="document.outstanding", max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reasons = serializers.ListField(child=serializers.CharField(), source="labels")


class PaymentTransactionSerializer(serializers.ModelSerializer):
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    entity = serializers.IntegerField(source="account.entity_id", read_only=True)
    suggestions = serializers.SerializerMethodField()

    class Meta:
        model = BankTransaction
        fields = ["id", "entity", "account", "booking_date", "value_date", "amount", "currency", "counterparty_name",
                  "counterparty_iban", "remittance", "structured_reference", "bank_code", "state", "allocated",
                  "open_amount", "suggestions"]
        read_only_fields = fields

    @extend_schema_field(PaymentSuggestionSerializer(many=True))
    def get_suggestions(self, obj) -> list[dict]:
        found = self.context.get("suggestions", {}).get(obj.pk, [])
        return PaymentSuggestionSerializer(found, many=True).data


class PaymentAllocateItemSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class PaymentAllocateSerializer(serializers.Serializer):
    items = PaymentAllocateItemSerializer(many=True, required=False, default=list)
    rest_to_credit = serializers.BooleanField(required=False, default=False)
    credit_client = serializers.IntegerField(required=False, allow_null=True)


class PaymentAcceptSerializer(serializers.Serializer):
    document = serializers.IntegerField()


class PaymentRefundSerializer(serializers.Serializer):
    credit_note = serializers.IntegerField(required=False, allow_null=True)
    credit = serializers.IntegerField(required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class PaymentRunSerializer(serializers.Serializer):
    transaction = PaymentTransactionSerializer()
    allocations = PaymentAllocationSerializer(many=True)


@extend_schema(tags=["payments"])
class MatchingTransactionViewSet(viewsets.ReadOnlyModelViewSet):
    """Bank transactions of the entities whose payments you match (accountants, administrators):
    ``?tab=in`` (money in to match, the default, with up to three suggestions each), ``out``,
    ``aside``; ``?entity=``. Actions allocate them."""

    serializer_class = PaymentTransactionSerializer

    def get_queryset(self):
        return (BankTransaction.objects.filter(account__entity_id__in=permissions.money_entities(self.request.user))
                .select_related("account__entity").order_by("-booking_date", "-id"))

    @extend_schema(parameters=[OpenApiParameter("entity", int), OpenApiParameter("tab", str, enum=list(selectors.TABS))])
    def list(self, request, *args, **kwargs):
        if not permissions.money_entities(request.user):
            raise exceptions.PermissionDenied("Only accountants and administrators match payments.")
        tab = choice_param(request, "tab", selectors.TABS, default="in")
        qs = self.get_queryset().filter(selectors.TABS[tab][1])
        if (entity_id := id_param(request, "entity")) is not None:
            qs = qs.filter(account__entity_id=entity_id)
        page = list(self.paginate_queryset(qs))
        found = {}
        for entity_id in {t.account.entity_id for t in page}:
            found.update(selectors.suggestions(next(t.account.entity for t in page if t.account.entity_id == entity_id),
                                               [t for t in page if t.account.entity_id == entity_id]))
        data = PaymentTransactionSerializer(page, many=True, context={**self.get_serializer_context(), "suggestions": found}).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        t = self.get_object()
        found = selectors.suggestions(t.account.entity, [t])
        return Response(PaymentTransactionSerializer(t, context={**self.get_serializer_context(), "suggestions": found}).data)

    def _done(self, t, run, code=status.HTTP_201_CREATED):
        t = self.get_queryset().get(pk=t.pk)
        allocations = Allocation.objects.filter(run=run).select_related("document", "credit_note") if run else []
        return Response(PaymentRunSerializer({"transaction": t, "allocations": allocations},
                                      context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=PaymentAllocateSerializer, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        t = self.get_object()
        data = PaymentAllocateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        run = services.allocate(actor=request.user, transaction=t,
                                items=[(i["document"], i.get("amount")) for i in v["items"]],
                                rest_to_credit=v["rest_to_credit"], credit_client=v.get("credit_client"))
        return self._done(t, run)

    @extend_schema(request=PaymentAcceptSerializer, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept one of the transaction's current suggestions."""
        t = self.get_object()
        data = PaymentAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = next((s for s in selectors.suggestions(t.account.entity, [t]).get(t.pk, [])
                       if s.document.pk == data.validated_data["document"]), None)
        if chosen is None:
            raise exceptions.ValidationError({"document": ["This invoice is not one of the transaction's suggestions."]})
        run = services.accept_suggestion(actor=request.user, transaction=t, document=chosen.document,
                                         reasons=chosen.reasons)
        return self._done(t, run)

    @extend_schema(request=None, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"], url_path="bank-charge")
    def bank_charge(self, request, pk=None):
        t = self.get_object()
        return self._done(t, services.mark_bank_charge(actor=request.user, transaction=t))

    @extend_schema(request=PaymentRefundSerializer, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        t = self.get_object()
        data = PaymentRefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return self._done(t, services.refund(actor=request.user, transaction=t, credit_note=v.get("credit_note"),
                                             credit=v.get("credit"), amount=v.get("amount")))

    @extend_schema(request=PaymentReasonSerializer, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"], url_path="set-aside")
    def set_aside(self, request, pk=None):
        data = PaymentReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        t = services.set_aside(actor=request.user, transaction=self.get_object(), reason=data.validated_data["reason"])
        return self._done(t, None, status.HTTP_200_OK)

    @extend_schema(request=None, responses=PaymentRunSerializer)
    @action(detail=True, methods=["post"], url_path="bring-back")
    def bring_back(self, request, pk=None):
        t = services.bring_back(actor=request.user, transaction=self.get_object())
        return self._done(t, None, status.HTTP_200_OK)


# --- an activity's money -------------------------------------------------------------------------


class PaymentMoneyDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.name")
    due_date = serializers.DateField()
    payable = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    payment_state = serializers.CharField()
    days_late = serializers.IntegerField(required=False)


class PaymentMoneyTotalsSerializer(serializers.Serializer):
    due = serializers.DecimalField(max_digits=16, decimal_places=2)
    due_count = serializers.IntegerField()
    overdue = serializers.DecimalField(max_digits=16, decimal_places=2)
    overdue_count = serializers.IntegerField()
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid_count = serializers.IntegerField()
    credits = serializers.DecimalField(max_digits=16, decimal_places=2)


class PaymentCreditSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.name")
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    open = serializers.DecimalField(max_digits=14, decimal_places=2)


class PaymentMoneySerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity.pk")
    today = serializers.DateField()
    totals = PaymentMoneyTotalsSerializer()
    overdue = PaymentMoneyDocumentSerializer(many=True)
    due = PaymentMoneyDocumentSerializer(many=True)
    paid = PaymentAllocationSerializer(many=True)
    credits = PaymentCreditSerializer(many=True)


@extend_schema(tags=["payments"])
class ActivityMoneyViewSet(viewsets.ViewSet):
    """An activity's money: what is due, overdue (days late), received this month, clients' credits."""

    lookup_url_kwarg = "activity_id"
    lookup_value_regex = r"\d+"

    @extend_schema(parameters=[OpenApiParameter("activity_id", int, OpenApiParameter.PATH)], responses=PaymentMoneySerializer)
    def retrieve(self, request, activity_id=None):
        activity = get_object_or_404(permissions.activities(request.user).select_related("entity"), pk=activity_id)
        return Response(PaymentMoneySerializer(selectors.money_summary(request.user, activity)).data)
