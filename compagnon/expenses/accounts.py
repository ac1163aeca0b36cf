"""The class 6 accounts of the expense categories, added to an entity's chart when missing."""

from __future__ import annotations

from django.db import transaction

from compagnon.ledger.models import Account, AccountKind
from compagnon.ledger.services import ensure_chart

from .categories import CATEGORIES


@transaction.atomic
def ensure_accounts(entity) -> int:
    """Create the category accounts the entity's chart lacks (idempotent; existing accounts, maybe
    renamed by the accountant, are left alone). Returns how many were added."""
    ensure_chart(entity)
    have = set(Account.objects.filter(entity=entity).values_list("code", flat=True))
    wanted = {}
    for category in CATEGORIES:
        spec = category.accounts.get(entity.jurisdiction)
        if spec and spec[0] not in have:
            wanted[spec[0]] = spec[1]
    Account.objects.bulk_create([
        Account(entity=entity, code=code, name=name, kind=AccountKind.EXPENSE) for code, name in sorted(wanted.items())
    ], ignore_conflicts=True)
    return len(wanted)
