"""Who downloads: the accountants and administrators of an entity (the readers of its books)."""

from __future__ import annotations

from compagnon import permissions


def export_entities(user):
    """Entities whose exports ``user`` may download; any other entity answers 404."""
    s = permissions.scope_for(user)
    return (
        permissions.entities(user)
        .filter(pk__in=s.accountant_entities | s.admin_entities)
        .order_by("name")
    )
