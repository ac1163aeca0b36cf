"""Reads of transfer batches for pages and the API. Everything starts from
``permissions.money_entities``: a batch of another entity raises ``DoesNotExist`` (pages: 404)."""

from __future__ import annotations

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from compagnon import permissions
from compagnon.audit.models import AuditEvent
from compagnon.banking.models import BankAccount, BankTransaction, TransactionState
from compagnon.organisation.models import Entity
from compagnon.sales.models import Document, Kind, State

from .models import DEFAULT_SCHEME, AccountScheme, BatchState, LineState, PayoutBatch, PayoutLine


def _batches(user) -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.filter(entity_id__in=permissions.money_entities(user))


def batch_list(user, *, state: str = "", entity_id: int | None = None) -> QuerySet[PayoutBatch]:
    """The batches of the user's entities, newest first, with their number of lines and total."""
    qs = (
        _batches(user)
        .select_related("entity", "account", "created_by")
        .annotate(
            n_lines=Count("lines"),
            total=Coalesce(Sum("lines__amount"), Value(0), output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
    )
    if state == BatchState.SETTLED:
        qs = qs.filter(state=BatchState.SENT, settled_at__isnull=False)
    elif state == BatchState.SENT:
        qs = qs.filter(state=state, settled_at__isnull=True)
    elif state in BatchState.values:
        qs = qs.filter(state=state)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.order_by("-created_at", "-id")


def batch_detail(user, pk) -> PayoutBatch:
    return (
        _batches(user)
        .select_related("entity", "account", "created_by", "generated_by", "sent_by", "cancelled_by",
                        "entry__journal", "reversal_entry__journal")
        .get(pk=pk)
    )


def lines(batch: PayoutBatch) -> QuerySet[PayoutLine]:
    """The lines of a batch the caller already read through :func:`batch_detail`."""
    return (batch.lines.select_related("source_document", "client", "debit_account", "transaction")
            .order_by("position", "id"))


def line_detail(batch: PayoutBatch, pk) -> PayoutLine:
    return lines(batch).get(pk=pk)


def unmatched_outgoing(user, *, entity_id: int | None = None) -> QuerySet[BankTransaction]:
    """Money that left the user's entities' accounts and nothing explains yet, oldest first: the
    accountants' queue of transfers to confirm (``matching.suggestions`` gives the candidates)."""
    qs = BankTransaction.objects.filter(account__entity_id__in=permissions.money_entities(user), amount__lt=0,
                                        state=TransactionState.UNMATCHED, allocated=0)
    if entity_id:
        qs = qs.filter(account__entity_id=entity_id)
    return qs.select_related("account__entity", "statement").order_by("booking_date", "id")


def unmatched_transaction(user, pk) -> BankTransaction:
    return unmatched_outgoing(user).get(pk=pk)


def returnable_incoming(user, line: PayoutLine) -> QuerySet[BankTransaction]:
    """Money that came back on the paying account for the amount of ``line`` (a paid transfer)."""
    return BankTransaction.objects.filter(
        account_id=line.batch.account_id, account__entity_id__in=permissions.money_entities(user),
        amount=line.amount, state=TransactionState.UNMATCHED, allocated=0,
    ).order_by("-booking_date", "-id")


def in_transit(user) -> QuerySet[PayoutLine]:
    """Transfers sent and not yet seen on a statement, oldest batch first."""
    return (PayoutLine.objects.filter(batch__entity_id__in=permissions.money_entities(user), state=LineState.SENT)
            .select_related("batch").order_by("batch__sent_at", "position", "id"))


def entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=permissions.money_entities(user)).order_by("name")


def accounts(user) -> QuerySet[BankAccount]:
    """Active bank accounts batches can be paid from."""
    return (
        BankAccount.objects.filter(entity_id__in=permissions.money_entities(user), active=True)
        .select_related("entity")
        .order_by("entity__name", "name", "id")
    )


def account_scheme(account: BankAccount) -> str:
    row = AccountScheme.objects.filter(account=account).values_list("scheme", flat=True).first()
    return row or DEFAULT_SCHEME


def refunded(document_id=None):
    """Lines that refund a credit note in a batch not cancelled (``OuterRef`` by default)."""
    return PayoutLine.objects.filter(source_document_id=document_id or OuterRef("pk"), active=True)


def refund_candidates(user, batch: PayoutBatch, *, search: str = "") -> QuerySet[Document]:
    """Issued credit notes of the batch's entity that no active batch refunds yet, newest first."""
    if batch.entity_id not in permissions.money_entities(user):
        return Document.objects.none()
    qs = (
        Document.objects.filter(entity_id=batch.entity_id, kind=Kind.CREDIT_NOTE, state=State.ISSUED)
        .exclude(Exists(refunded()))
        .select_related("client", "credited")
        .defer("frozen", "credited__frozen")
    )
    for word in search.split()[:5]:
        qs = qs.filter(Q(number__icontains=word) | Q(client__name__icontains=word))
    return qs.order_by("-issue_date", "-id")


def refund_candidate(user, batch: PayoutBatch, pk) -> Document:
    return refund_candidates(user, batch).get(pk=pk)


def batch_history(user, batch: PayoutBatch, *, limit: int = 50) -> list[AuditEvent]:
    return list(
        permissions.audit_events(user)
        .filter(object_type=PayoutBatch._meta.label_lower, object_id=str(batch.pk))
        .select_related("actor")[:limit]
    )


# Where a client's IBAN may be known from: compagnon.payments, when it exposes one of these (it
# reads the counterparty IBAN of bank transactions matched to the client's invoices). Looked up at
# run time so that transfers never depend on the payments app being there.
KNOWN_IBAN_PROVIDERS = (
    ("compagnon.payments.selectors", "counterparty_iban_for_client"),
    ("compagnon.payments.services", "counterparty_iban_for_client"),
)


def known_iban(client) -> str:
    """An IBAN the client already paid from, to prefill a refund; "" when none is known."""
    if client is None:
        return ""
    import importlib

    for module_name, function_name in KNOWN_IBAN_PROVIDERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        provider = getattr(module, function_name, None)
        if callable(provider):
            found = provider(client)
            if found:
                return str(found)
    return ""
