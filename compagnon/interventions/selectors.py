"""Reads for the pages and the API, each from a scope of :mod:`.rules`, with what a page shows
fetched in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from compagnon.fieldwork import rules as fieldwork_rules
from compagnon.fieldwork.models import Visit, VisitState, VisitTask

from . import rules
from .models import (
    Equipment,
    EquipmentBooking,
    HomeCode,
    PositionConsent,
    Presence,
    Sheet,
    SheetPhoto,
    SheetSupply,
    SheetTask,
    StockItem,
)


def consent_of(user) -> str:
    """ "yes", "no" or "" (never asked) for the member's position consent."""
    member_id = rules.member_id(user)
    if member_id is None:
        return ""
    consent = (
        PositionConsent.objects.filter(member_id=member_id)
        .values_list("allowed", flat=True)
        .first()
    )
    return "" if consent is None else ("yes" if consent else "no")


def today(user, day: datetime.date | None = None) -> list[Visit]:
    """The member's visits of the day, in order (planned times first), with their tasks, sheet
    and presences."""
    member_id = rules.member_id(user)
    if member_id is None:
        return []
    day = day or timezone.localdate()
    rows = list(
        fieldwork_rules.visits(user)
        .filter(member_id=member_id, day=day)
        .exclude(state=VisitState.CANCELLED)
        .select_related("client", "contract", "sector", "sheet")
        .prefetch_related(
            Prefetch("tasks", queryset=VisitTask.objects.order_by("position", "id")),
            Prefetch("presences", queryset=Presence.objects.order_by("at", "id")),
        )
        .order_by(F("starts_at").asc(nulls_last=True), "id")
    )
    return rows


def visit(user, pk: int) -> Visit:
    return (
        fieldwork_rules.visits(user)
        .select_related("client", "contract", "sector", "member__user", "activity__entity")
        .prefetch_related(Prefetch("tasks", queryset=VisitTask.objects.order_by("position", "id")))
        .get(pk=pk)
    )


def presences_of(user, visit: Visit) -> list[Presence]:
    rows = list(
        Presence.objects.filter(visit=visit)
        .select_related("member__user", "visit")
        .order_by("at", "id")
    )
    for p in rows:
        p.shows_position = rules.sees_position(user, p)
    return rows


def _sheet_rows(qs: QuerySet[Sheet]) -> QuerySet[Sheet]:
    return qs.select_related(
        "visit__client",
        "visit__member__user",
        "visit__contract",
        "visit__sector",
        "visit__activity__entity",
    ).prefetch_related(
        Prefetch("tasks", queryset=SheetTask.objects.order_by("position", "id")),
        Prefetch("supplies", queryset=SheetSupply.objects.order_by("id")),
        Prefetch("photos", queryset=SheetPhoto.objects.order_by("kind", "created_at", "id")),
    )


def sheets(
    user, *, state: str = "", sector_id: int | None = None, visit_id: int | None = None
) -> QuerySet[Sheet]:
    qs = rules.sheets(user)
    if state:
        qs = qs.filter(state=state)
    if sector_id is not None:
        qs = qs.filter(visit__sector_id=sector_id)
    if visit_id is not None:
        qs = qs.filter(visit_id=visit_id)
    return _sheet_rows(qs).order_by("-visit__day", "-id")


def sheet(user, pk: int) -> Sheet:
    return _sheet_rows(rules.sheets(user)).get(pk=pk)


def sheet_of_visit(visit: Visit) -> Sheet | None:
    return _sheet_rows(Sheet.objects.filter(visit=visit)).first()


def sheet_by_token(token: str) -> Sheet:
    return _sheet_rows(Sheet.objects.exclude(state="draft")).get(client_token=token)


def photo(user, pk: int) -> SheetPhoto:
    return SheetPhoto.objects.select_related("sheet").get(
        pk=pk, sheet__in=rules.sheets(user).values("id")
    )


def presences(user, *, visit_id: int | None = None) -> QuerySet[Presence]:
    qs = rules.presences(user).select_related("member__user", "visit")
    if visit_id is not None:
        qs = qs.filter(visit_id=visit_id)
    return qs.order_by("-at", "-id")


def stock(user, *, sector_id: int | None = None, to_reorder: bool = False) -> QuerySet[StockItem]:
    qs = rules.stock_items(user).select_related("sector")
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    if to_reorder:
        qs = qs.filter(quantity__lte=F("reorder_at"))
    return qs.order_by("sector_id", "name", "id")


def equipment(user, *, sector_id: int | None = None) -> QuerySet[Equipment]:
    qs = rules.equipment(user).select_related("sector")
    if sector_id is not None:
        qs = qs.filter(sector_id=sector_id)
    return qs.order_by("sector_id", "name", "id")


def bookings(
    user,
    *,
    equipment_id: int | None = None,
    sector_id: int | None = None,
    since: datetime.datetime | None = None,
) -> QuerySet[EquipmentBooking]:
    qs = rules.bookings(user).select_related("equipment", "member__user", "visit")
    if equipment_id is not None:
        qs = qs.filter(equipment_id=equipment_id)
    if sector_id is not None:
        qs = qs.filter(equipment__sector_id=sector_id)
    if since is not None:
        qs = qs.filter(ends_at__gt=since)
    return qs.order_by("starts_at", "id")


def home_codes(user) -> QuerySet[HomeCode]:
    return rules.home_codes(user).select_related("client", "contract")


def current_home_code(visit: Visit) -> HomeCode | None:
    return (
        HomeCode.objects.filter(
            client_id=visit.client_id, contract_id=visit.contract_id, revoked_at__isnull=True
        )
        .order_by("-created_at", "-id")
        .first()
    )
