"""Reads for the lettering pages and API, from the entities whose books the user keeps."""

from __future__ import annotations

from django.db.models import Count, Q

from compagnon import permissions
from compagnon.clients.models import Client
from compagnon.ledger.models import Account, EntryLine
from compagnon.purchases.models import Supplier

from .models import Lettering
from .parties import LETTERABLE_ROLES, supplier_lines


def book_entities(user):
    """Entities whose accounts ``user`` letters: its accountants and administrators."""
    s = permissions.scope_for(user)
    return (
        permissions.entities(user)
        .filter(pk__in=s.accountant_entities | s.admin_entities)
        .order_by("name")
    )


def accounts(entity):
    return (
        Account.objects.filter(entity=entity, role__in=LETTERABLE_ROLES)
        .order_by("code")
        .annotate(open_lines=Count("lines", filter=Q(lines__lettering_link__isnull=True)))
    )


def open_lines(entity, account, *, client_id=None, supplier_id=None):
    qs = (
        EntryLine.objects.filter(
            account=account, account__entity=entity, lettering_link__isnull=True
        )
        .select_related("entry__journal", "client")
        .order_by("date", "entry_id", "id")
    )
    if client_id:
        qs = qs.filter(client_id=client_id)
    if supplier_id:
        ids = [pk for pk, s in supplier_lines(entity.pk, [account.pk]).items() if s == supplier_id]
        qs = qs.filter(pk__in=ids)
    return qs


def parties(entity, account) -> list[tuple[str, int, str]]:
    """The clients or suppliers with open lines on ``account``: (kind, id, name)."""
    if account.role == "supplier":
        mapping = supplier_lines(entity.pk, [account.pk])
        open_ids = set(
            EntryLine.objects.filter(pk__in=list(mapping), lettering_link__isnull=True).values_list(
                "id", flat=True
            )
        )
        wanted = {s for pk, s in mapping.items() if pk in open_ids}
        return [
            ("supplier", s.pk, s.name)
            for s in Supplier.objects.filter(pk__in=wanted).order_by("name")
        ]
    ids = (
        EntryLine.objects.filter(account=account, lettering_link__isnull=True, client__isnull=False)
        .values("client_id")
        .distinct()
    )
    return [("client", c.pk, c.name) for c in Client.objects.filter(pk__in=ids).order_by("name")]


def letterings(user):
    return (
        Lettering.objects.filter(entity__in=book_entities(user))
        .select_related("account", "created_by", "undone_by")
        .prefetch_related("lines__line__entry__journal")
        .order_by("-created_at", "-id")
    )
