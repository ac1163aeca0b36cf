"""Reads of bank accounts, statements and transactions for pages and the API.

Everything starts from the permission module: bank data is seen by the people who read their
entity as a whole — accountants, administrators and support agents (``Scope.entity_wide``) — and
changed by accountants and administrators (``permissions.money_entities``, the
``banking.import_statement`` rule). Members and advisors see no bank data: 404.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from compagnon import permissions
from compagnon.organisation.models import Entity

from .models import BankAccount, BankStatement, BankTransaction, TransactionState

OPEN_STATES = (TransactionState.UNMATCHED, TransactionState.PARTIAL)


def reader_entity_ids(user) -> frozenset[int]:
    return permissions.scope_for(user).entity_wide


def writer_entity_ids(user) -> frozenset[int]:
    return permissions.money_entities(user)


def sees_banking(user) -> bool:
    return bool(reader_entity_ids(user))


def manages_banking(user) -> bool:
    return bool(writer_entity_ids(user))


def managed_entities(user) -> QuerySet[Entity]:
    """Entities in which this user may add bank accounts and import statements."""
    return permissions.entities(user).filter(pk__in=writer_entity_ids(user)).order_by("name")


def bank_accounts(user) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(entity_id__in=reader_entity_ids(user))


def _count(queryset, field="account"):
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def account_list(user) -> QuerySet[BankAccount]:
    """The accounts with their number of statements, last import and transactions left to
    match: a fixed number of queries however many accounts."""
    return (
        bank_accounts(user)
        .select_related("entity")
        .annotate(
            statement_count=_count(BankStatement.objects.all()),
            open_count=_count(BankTransaction.objects.filter(state__in=OPEN_STATES)),
            last_import=Subquery(
                BankStatement.objects.filter(account=OuterRef("pk"))
                .order_by()
                .values("account")
                .annotate(last=Max("created_at"))
                .values("last")
            ),
        )
        .order_by("entity__name", "name", "id")
    )


def bank_account(user, pk: int) -> BankAccount:
    """One account if ``user`` may see it; DoesNotExist otherwise (views: 404)."""
    return bank_accounts(user).select_related("entity", "csv_mapping").get(pk=pk)


def upload_accounts(user) -> QuerySet[BankAccount]:
    """Accounts this user may import statements into."""
    return (
        BankAccount.objects.filter(entity_id__in=writer_entity_ids(user), active=True)
        .select_related("entity")
        .order_by("entity__name", "name", "id")
    )


def statements(user, *, account_id: int | None = None) -> QuerySet[BankStatement]:
    qs = BankStatement.objects.filter(account__entity_id__in=reader_entity_ids(user))
    if account_id:
        qs = qs.filter(account_id=account_id)
    return qs


def statement_list(user, *, account_id: int | None = None) -> QuerySet[BankStatement]:
    return (
        statements(user, account_id=account_id)
        .select_related("account", "created_by")
        .order_by("-created_at", "-id")
    )


def statement_detail(user, pk: int) -> BankStatement:
    return statements(user).select_related("account__entity", "created_by").get(pk=pk)


def transactions(
    user,
    *,
    account_id: int | None = None,
    statement_id: int | None = None,
    state: str = "",
) -> QuerySet[BankTransaction]:
    qs = BankTransaction.objects.filter(account__entity_id__in=reader_entity_ids(user))
    if account_id:
        qs = qs.filter(account_id=account_id)
    if statement_id:
        qs = qs.filter(statement_id=statement_id)
    if state:
        qs = qs.filter(state=state)
    return qs


def statement_transactions(statement: BankStatement, *, state: str = "") -> QuerySet:
    qs = statement.transactions.all()
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("booking_date", "id")


def state_counts(statement: BankStatement) -> dict[str, int]:
    rows = (
        statement.transactions.order_by()
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return dict(rows)
