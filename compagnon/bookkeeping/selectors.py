"""Reads of manual entries, recurring entries and closings: the entity's accountants only.

Members never read manual entries here; the lines a manual entry posts on their activity appear
on the activity's accounts page (``ledger.selectors.activity_lines``), like every other line."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from compagnon import permissions
from compagnon.organisation.models import Entity

from .models import ManualEntry, ManualEntryLine, RecurringLine, RecurringTemplate, YearClosing


def accountant_entity_ids(user) -> frozenset[int]:
    """Entities whose manual entries and closings ``user`` works: their accountants."""
    return permissions.scope_for(user).accountant_entities


def entities(user) -> QuerySet[Entity]:
    return permissions.entities(user).filter(pk__in=accountant_entity_ids(user))


def _lines():
    return Prefetch(
        "lines",
        queryset=ManualEntryLine.objects.select_related("account", "activity").order_by("id"),
    )


def manual_entries(user, entity=None) -> QuerySet[ManualEntry]:
    qs = ManualEntry.objects.filter(entity_id__in=accountant_entity_ids(user))
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs.select_related(
        "entity",
        "author",
        "first_validated_by",
        "validated_by",
        "refused_by",
        "entry__journal",
        "reversal__journal",
    ).prefetch_related(_lines(), "attachments")


def templates(user, entity=None) -> QuerySet[RecurringTemplate]:
    qs = RecurringTemplate.objects.filter(entity_id__in=accountant_entity_ids(user))
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs.select_related("entity").prefetch_related(
        Prefetch(
            "lines",
            queryset=RecurringLine.objects.select_related("account", "activity").order_by("id"),
        )
    )


def closings(user, entity=None) -> QuerySet[YearClosing]:
    qs = YearClosing.objects.filter(entity_id__in=accountant_entity_ids(user))
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs.select_related(
        "entity", "closed_by", "closing_entry__journal", "opening_entry__journal", "lock"
    )
