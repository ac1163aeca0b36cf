"""The sector's stock (products, plants, consumables) and shared equipment (a shredder, a van).

Stock quantities change only here and in ``services.validate_sheet`` (supplies used), each change
written as a ``StockMovement``. An equipment booking locks the equipment row, so two members
booking the same shredder at the same time cannot both get it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork.models import Sector

from .models import Equipment, EquipmentBooking, MovementKind, StockItem, StockMovement

UNITS = ("H87", "KGM", "LTR", "MTR", "MTK", "HUR")


def _decimal(
    value, field: str, *, places: str = "0.001", minimum: Decimal | None = Decimal("0"), label=None
) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: label or _("This must be a number.")}) from None
    if not number.is_finite() or abs(number) >= Decimal("1000000000"):
        raise ValidationError({field: label or _("This must be a number.")})
    if minimum is not None and number < minimum:
        raise ValidationError({field: _("This must be %(min)s or more.") % {"min": minimum}})
    return number.quantize(Decimal(places))


def _member(actor):
    from compagnon import permissions

    return permissions.scope_for(actor).member_id


def _audit(*, actor, action, obj, sector: Sector, message, params=None):
    record(
        actor=actor,
        action=action,
        obj=obj,
        message=message,
        params=params or {},
        entity=sector.entity,
    )


def _clean_item(fields: dict) -> dict:
    out = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("Give the product a name.")})
        out["name"] = name[:200]
    if "unit" in fields:
        if fields["unit"] not in UNITS:
            raise ValidationError({"unit": _("Choose a unit from the list.")})
        out["unit"] = fields["unit"]
    if "reorder_at" in fields:
        out["reorder_at"] = _decimal(fields["reorder_at"] or 0, "reorder_at")
    for name in ("unit_price", "vat_rate"):
        if name in fields:
            value = fields[name]
            out[name] = (
                None
                if value in (None, "")
                else _decimal(value, name, places="0.0001" if name == "unit_price" else "0.01")
            )
    if out.get("vat_rate") is not None and out["vat_rate"] > 100:
        raise ValidationError({"vat_rate": _("A VAT rate is from 0 to 100 %.")})
    return out


def create_stock_item(
    *,
    actor,
    sector: Sector,
    name: str,
    unit: str = "H87",
    quantity=0,
    reorder_at=0,
    unit_price=None,
    vat_rate=None,
) -> StockItem:
    require(actor, "interventions.manage_stock", sector)
    fields = _clean_item(
        {
            "name": name,
            "unit": unit,
            "reorder_at": reorder_at,
            "unit_price": unit_price,
            "vat_rate": vat_rate,
        }
    )
    quantity = _decimal(quantity or 0, "quantity")
    with transaction.atomic():
        item = StockItem.objects.create(sector=sector, quantity=quantity, **fields)
        if quantity:
            StockMovement.objects.create(
                item=item, kind=MovementKind.RESTOCK, quantity=quantity, member_id=_member(actor)
            )
        _audit(
            actor=actor,
            action="interventions.stock_item_added",
            obj=item,
            sector=sector,
            message=gettext_noop("Added to the stock: %(name)s."),
            params={"name": item.name},
        )
    return item


def update_stock_item(*, actor, item: StockItem, **fields) -> StockItem:
    require(actor, "interventions.manage_stock", item.sector)
    clean = _clean_item(fields)
    with transaction.atomic():
        item = StockItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        for name, value in clean.items():
            setattr(item, name, value)
        item.save()
        _audit(
            actor=actor,
            action="interventions.stock_item_changed",
            obj=item,
            sector=item.sector,
            message=gettext_noop("Stock item changed: %(name)s."),
            params={"name": item.name},
        )
    return item


def restock(*, actor, item: StockItem, quantity, note: str = "") -> StockItem:
    """Add what was bought or delivered."""
    require(actor, "interventions.manage_stock", item.sector)
    quantity = _decimal(quantity, "quantity", minimum=Decimal("0.001"))
    with transaction.atomic():
        item = (
            StockItem.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=item.pk)
        )
        item.quantity += quantity
        item.save(update_fields=["quantity"])
        StockMovement.objects.create(
            item=item,
            kind=MovementKind.RESTOCK,
            quantity=quantity,
            member_id=_member(actor),
            note=(note or "")[:200],
        )
        _audit(
            actor=actor,
            action="interventions.restocked",
            obj=item,
            sector=item.sector,
            message=gettext_noop("Re-stocked %(name)s: %(quantity)s."),
            params={"name": item.name, "quantity": str(quantity.normalize())},
        )
    return item


def count_stock(*, actor, item: StockItem, quantity) -> StockItem:
    """The quantity found when counting (corrects what the sheets and re-stockings say)."""
    require(actor, "interventions.manage_stock", item.sector)
    quantity = _decimal(quantity, "quantity")
    with transaction.atomic():
        item = (
            StockItem.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=item.pk)
        )
        delta = quantity - item.quantity
        if delta:
            item.quantity = quantity
            item.save(update_fields=["quantity"])
            StockMovement.objects.create(
                item=item, kind=MovementKind.COUNT, quantity=delta, member_id=_member(actor)
            )
            _audit(
                actor=actor,
                action="interventions.stock_counted",
                obj=item,
                sector=item.sector,
                message=gettext_noop("Counted %(name)s: %(quantity)s."),
                params={"name": item.name, "quantity": str(quantity.normalize())},
            )
    return item


# --- equipment ----------------------------------------------------------------------------------


def add_equipment(*, actor, sector: Sector, name: str) -> Equipment:
    require(actor, "interventions.manage_stock", sector)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the equipment a name.")})
    with transaction.atomic():
        equipment = Equipment.objects.create(sector=sector, name=name[:200])
        _audit(
            actor=actor,
            action="interventions.equipment_added",
            obj=equipment,
            sector=sector,
            message=gettext_noop("Shared equipment added: %(name)s."),
            params={"name": equipment.name},
        )
    return equipment


def _when(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def book_equipment(
    *,
    actor,
    equipment: Equipment,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    visit=None,
) -> EquipmentBooking:
    """Book ``equipment`` for the actor. Refused when someone has it at that time."""
    require(actor, "interventions.book_equipment", equipment.sector)
    member_id = _member(actor)
    if member_id is None:
        raise ValidationError(
            {"equipment": _("Only a member of the sector can book its equipment.")}
        )
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give when the booking starts and ends.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > datetime.timedelta(days=31):
        raise ValidationError({"ends_at": _("A booking lasts at most 31 days.")})
    if visit is not None and visit.member_id != member_id:
        raise ValidationError({"visit": _("Choose one of your own visits.")})
    with transaction.atomic():
        locked = (
            Equipment.objects.select_for_update(of=("self",))
            .select_related("sector__entity")
            .get(pk=equipment.pk)
        )
        clash = (
            EquipmentBooking.objects.filter(
                equipment=locked, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .select_related("member__user")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "starts_at": _(
                        "%(equipment)s is already booked by %(member)s from %(start)s to %(end)s."
                    )
                    % {
                        "equipment": locked.name,
                        "member": clash.member,
                        "start": _when(clash.starts_at),
                        "end": _when(clash.ends_at),
                    }
                }
            )
        booking = EquipmentBooking.objects.create(
            equipment=locked, member_id=member_id, visit=visit, starts_at=starts_at, ends_at=ends_at
        )
        _audit(
            actor=actor,
            action="interventions.equipment_booked",
            obj=booking,
            sector=locked.sector,
            message=gettext_noop("%(equipment)s booked from %(start)s to %(end)s."),
            params={
                "equipment": locked.name,
                "start": starts_at.isoformat(),
                "end": ends_at.isoformat(),
            },
        )
    return booking


def cancel_booking(*, actor, booking: EquipmentBooking) -> None:
    """The member who booked, or whoever manages the sector's stock, cancels."""
    sector = booking.equipment.sector
    if booking.member_id != _member(actor) or booking.member_id is None:
        require(actor, "interventions.manage_stock", sector)
    else:
        require(actor, "interventions.book_equipment", sector)
    with transaction.atomic():
        EquipmentBooking.objects.select_for_update(of=("self",)).filter(pk=booking.pk).delete()
        _audit(
            actor=actor,
            action="interventions.booking_cancelled",
            obj=booking.equipment,
            sector=sector,
            message=gettext_noop("Booking of %(equipment)s cancelled."),
            params={"equipment": booking.equipment.name},
        )
