"""The sector's stock and shared equipment: lists, "to re-order", re-stocking, bookings."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.params import bool_param, id_param
from compagnon.core.views_helpers import error_messages
from compagnon.fieldwork import rules as fieldwork_rules

from . import rules, selectors, services_stock
from .services_stock import UNITS


def _sector(request, pk):
    try:
        return fieldwork_rules.sectors(request.user).select_related("entity").get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _sectors(request):
    return list(
        fieldwork_rules.sectors(request.user).select_related("entity").order_by("name", "id")
    )


def _chosen(request, sectors):
    sector_id = id_param(request.GET, "sector")
    if sector_id is None:
        return sectors[0] if sectors else None
    found = next((s for s in sectors if s.pk == sector_id), None)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def stock(request):
    sectors = _sectors(request)
    sector = _chosen(request, sectors)
    to_reorder = bool_param(request.GET, "reorder")
    items = (
        list(selectors.stock(request.user, sector_id=sector.pk, to_reorder=to_reorder))
        if sector
        else []
    )
    return render(
        request,
        "interventions/stock.html",
        {
            "sectors": sectors,
            "sector": sector,
            "items": items,
            "to_reorder": to_reorder,
            "units": UNITS,
            "may_manage": sector is not None
            and request.user.has_perm("interventions.manage_stock", sector),
            "reorder_count": selectors.stock(
                request.user, sector_id=sector.pk, to_reorder=True
            ).count()
            if sector
            else 0,
        },
    )


def _back(sector, anchor=""):
    return reverse("interventions-stock") + f"?sector={sector.pk}{anchor}"


@login_required
@require_POST
def stock_add(request, pk: int):
    sector = _sector(request, pk)
    try:
        item = services_stock.create_stock_item(
            actor=request.user,
            sector=sector,
            name=request.POST.get("name", ""),
            unit=request.POST.get("unit", "H87"),
            quantity=request.POST.get("quantity") or 0,
            reorder_at=request.POST.get("reorder_at") or 0,
            unit_price=request.POST.get("unit_price"),
            vat_rate=request.POST.get("vat_rate"),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s added to the stock.") % {"name": item.name})
    return redirect(_back(sector))


def _item(request, pk):
    try:
        return selectors.stock(request.user).select_related("sector__entity").get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def restock(request, pk: int):
    item = _item(request, pk)
    try:
        if request.POST.get("count") == "1":
            item = services_stock.count_stock(
                actor=request.user, item=item, quantity=request.POST.get("quantity", "")
            )
        else:
            item = services_stock.restock(
                actor=request.user,
                item=item,
                quantity=request.POST.get("quantity", ""),
                note=request.POST.get("note", ""),
            )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Stock of %(name)s updated.") % {"name": item.name})
    return redirect(_back(item.sector, f"#item-{item.pk}"))


@login_required
@require_GET
def equipment(request):
    sectors = _sectors(request)
    sector = _chosen(request, sectors)
    items = list(selectors.equipment(request.user, sector_id=sector.pk)) if sector else []
    now = timezone.now()
    bookings = (
        list(selectors.bookings(request.user, sector_id=sector.pk, since=now)[:100])
        if sector
        else []
    )
    me = rules.member_id(request.user)
    for b in bookings:
        b.mine = b.member_id == me
    for e in items:
        e.coming = [b for b in bookings if b.equipment_id == e.pk]
    start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        hours=1
    )
    return render(
        request,
        "interventions/equipment.html",
        {
            "sectors": sectors,
            "sector": sector,
            "items": items,
            "may_manage": sector is not None
            and request.user.has_perm("interventions.manage_stock", sector),
            "may_book": sector is not None
            and request.user.has_perm("interventions.book_equipment", sector),
            "default_start": start.strftime("%Y-%m-%dT%H:%M"),
            "default_end": (start + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@login_required
@require_POST
def equipment_add(request, pk: int):
    sector = _sector(request, pk)
    try:
        services_stock.add_equipment(
            actor=request.user, sector=sector, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Equipment added."))
    return redirect(reverse("interventions-equipment") + f"?sector={sector.pk}")


def _local(value: str, field: str):
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        raise ValidationError({field: _("Give a date and a time.")})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
@require_POST
def book(request, pk: int):
    try:
        item = selectors.equipment(request.user).select_related("sector__entity").get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        services_stock.book_equipment(
            actor=request.user,
            equipment=item,
            starts_at=_local(request.POST.get("starts_at"), "starts_at"),
            ends_at=_local(request.POST.get("ends_at"), "ends_at"),
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("%(name)s is booked for you.") % {"name": item.name})
    return redirect(reverse("interventions-equipment") + f"?sector={item.sector_id}")


@login_required
@require_POST
def booking_cancel(request, pk: int):
    try:
        booking = (
            selectors.bookings(request.user).select_related("equipment__sector__entity").get(pk=pk)
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        services_stock.cancel_booking(actor=request.user, booking=booking)
    except PermissionDenied:
        raise
    messages.success(request, _("Booking cancelled."))
    return redirect(reverse("interventions-equipment") + f"?sector={booking.equipment.sector_id}")
