"""Every change at the client's: presences (check-in and check-out, by tap or QR code), the
position consent, the intervention sheet (fields, photos, signature, validation by the member and
the client), home codes. Stock and equipment: :mod:`.services_stock`.

Each function is one transaction, locks only the rows it changes (``of=("self",)``), checks the
rule again (``require``), records an audit event, and sends what follows after commit. Things the
phone sends again after a lost network are answered once: presences and photos by their
``client_uuid``.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid as uuid_module
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork.models import Visit, VisitState

from . import hooks, photos, signals
from .models import (
    HomeCode,
    MovementKind,
    PositionConsent,
    Presence,
    PresenceKind,
    PresenceMethod,
    Sheet,
    SheetPhoto,
    SheetState,
    SheetSupply,
    SheetTask,
    StockItem,
    StockMovement,
)
from .signature import strokes_svg

FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=30)


class SheetConflict(Exception):
    """The sheet changed elsewhere (another phone or person) since the version the phone started
    from: nothing was saved. Answered 409; the phone keeps its copy and shows both."""

    def __init__(self, sheet: Sheet):
        super().__init__(
            _("This sheet was changed elsewhere since you opened it: nothing was replaced.")
        )
        self.sheet = sheet


def _member_of(actor):
    from compagnon import permissions
    from compagnon.members.models import Member

    member_id = permissions.scope_for(actor).member_id
    if member_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    return Member.objects.get(pk=member_id)


def _audit(*, actor, action: str, obj, message: str, visit: Visit, params=None, **kw):
    record(
        actor=actor,
        action=action,
        obj=obj,
        message=message,
        params=params or {},
        entity=visit.activity.entity,
        activity=visit.activity,
        member=visit.member,
        **kw,
    )


def _locked_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("activity__entity", "member", "contract")
        .get(pk=visit.pk)
    )


def _locked_sheet(sheet: Sheet) -> Sheet:
    return (
        Sheet.objects.select_for_update(of=("self",))
        .select_related(
            "visit__activity__entity", "visit__member__user", "visit__contract", "visit__client"
        )
        .get(pk=sheet.pk)
    )


def _refuse_if_invoiced(sheet: Sheet) -> None:
    if sheet.document_id is not None or sheet.state == SheetState.INVOICED:
        raise ValidationError(
            {
                "sheet": _(
                    "This sheet is on an invoice already: it can no longer change. "
                    "Ask for a credit note to correct the invoice."
                )
            }
        )


# --- position consent ---------------------------------------------------------------------------


def set_position_consent(*, actor, allowed: bool) -> PositionConsent:
    member = _member_of(actor)
    with transaction.atomic():
        consent, _created = PositionConsent.objects.update_or_create(
            member=member, defaults={"allowed": bool(allowed)}
        )
        record(
            actor=actor,
            action="interventions.position_consent",
            obj=consent,
            message=gettext_noop("Position at check-in and check-out: %(answer)s."),
            params={"answer": "yes" if allowed else "no"},
            entity=member.entity,
            member=member,
        )
    return consent


def position_allowed(member) -> bool:
    return PositionConsent.objects.filter(member=member, allowed=True).exists()


# --- presences ----------------------------------------------------------------------------------


def _position(latitude, longitude, accuracy_m):
    if latitude in (None, "") or longitude in (None, ""):
        return None, None, None
    try:
        lat, lon = (
            Decimal(str(latitude)).quantize(Decimal("0.000001")),
            Decimal(str(longitude)).quantize(Decimal("0.000001")),
        )
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"latitude": _("The position must be two numbers in degrees.")}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(
            {
                "latitude": _(
                    "The position must be a latitude from -90 to 90 and a longitude from -180 to 180."
                )
            }
        )
    acc = None
    if accuracy_m not in (None, ""):
        try:
            acc = max(0, min(int(float(accuracy_m)), 100_000))
        except (TypeError, ValueError):
            acc = None
    return lat, lon, acc


def minutes_between(presences) -> int:
    """Minutes from each check-in to the next check-out."""
    total, since = 0, None
    for p in presences:
        if p.kind == PresenceKind.IN:
            since = p.at
        elif since is not None:
            total += max(0, int((p.at - since).total_seconds() // 60))
            since = None
    return total


def record_presence(
    *,
    actor,
    visit: Visit,
    kind: str,
    at: datetime.datetime | None = None,
    client_uuid=None,
    latitude=None,
    longitude=None,
    accuracy_m=None,
    method: str = PresenceMethod.TAP,
) -> Presence:
    """A check-in or check-out of ``actor`` on their ``visit``. Sent twice (the phone lost the
    answer), stored once: the presence with that ``client_uuid`` is returned. The position is kept
    only when the member consented (``PositionConsent``)."""
    if client_uuid:
        try:
            client_uuid = uuid_module.UUID(str(client_uuid))
        except ValueError:
            raise ValidationError(
                {"client_uuid": _("The key made by the phone must be a UUID.")}
            ) from None
        existing = Presence.objects.filter(client_uuid=client_uuid).select_related("visit").first()
        if existing is not None:
            if existing.visit_id != visit.pk or existing.member.user_id != actor.pk:
                raise ValidationError(
                    {"client_uuid": _("This key was already used for another presence.")}
                )
            return existing
    if kind not in PresenceKind.values:
        raise ValidationError({"kind": _("Choose arrived or left.")})
    now = timezone.now()
    at = at or now
    if at > now + FUTURE_TOLERANCE:
        raise ValidationError(
            {"at": _("The time of a presence cannot be in the future; check the phone's clock.")}
        )
    if at < now - OLDEST:
        raise ValidationError(
            {"at": _("A presence older than 30 days cannot be recorded any more.")}
        )
    with transaction.atomic():
        visit = _locked_visit(visit)
        require(actor, "interventions.record_presence", visit)
        if visit.state == VisitState.CANCELLED:
            raise ValidationError(
                {"visit": _("This visit was cancelled: no presence can be recorded on it.")}
            )
        last = visit.presences.order_by("-at", "-id").first()
        if kind == PresenceKind.OUT and (last is None or last.kind != PresenceKind.IN):
            raise ValidationError({"kind": _("Check in before checking out.")})
        if kind == PresenceKind.IN and last is not None and last.kind == PresenceKind.IN:
            raise ValidationError(
                {"kind": _("You are already checked in on this visit: check out first.")}
            )
        if last is not None and at < last.at:
            raise ValidationError({"at": _("A presence cannot be earlier than the one before it.")})
        lat, lon, acc = _position(latitude, longitude, accuracy_m)
        if lat is not None and not position_allowed(visit.member):
            lat = lon = acc = None  # no consent: never stored
        presence = Presence(
            visit=visit,
            member=visit.member,
            kind=kind,
            method=method,
            at=at,
            latitude=lat,
            longitude=lon,
            accuracy_m=acc,
        )
        if client_uuid:
            presence.client_uuid = client_uuid
        try:
            with transaction.atomic():
                presence.save()
        except IntegrityError:
            return Presence.objects.get(client_uuid=client_uuid)
        new_state = VisitState.STARTED if kind == PresenceKind.IN else VisitState.DONE
        if visit.state != new_state and visit.state in (
            VisitState.PLANNED,
            VisitState.TO_PLAN,
            VisitState.STARTED,
        ):
            Visit.objects.filter(pk=visit.pk).update(state=new_state, updated_at=now)
        if kind == PresenceKind.OUT:
            sheet = Sheet.objects.select_for_update(of=("self",)).filter(visit=visit).first()
            if (
                sheet is not None
                and sheet.state == SheetState.DRAFT
                and sheet.minutes == 0
                and sheet.document_id is None
            ):
                sheet.minutes = minutes_between(visit.presences.all())
                sheet.version += 1
                sheet.save(update_fields=["minutes", "version", "updated_at"])
        _audit(
            actor=actor,
            action=f"interventions.check_{kind}",
            obj=presence,
            visit=visit,
            message=gettext_noop("Checked in at %(time)s.")
            if kind == PresenceKind.IN
            else gettext_noop("Checked out at %(time)s."),
            params={"time": timezone.localtime(at).strftime("%H:%M")},
        )
    return presence


def todays_visit_for_code(*, actor, token: str, day: datetime.date | None = None) -> Visit:
    """The actor's visit of the day at the home whose QR code was scanned."""
    code = HomeCode.objects.filter(token=token, revoked_at__isnull=True).first()
    if code is None:
        raise ValidationError({"code": _("This QR code is not valid any more: ask for a new one.")})
    member = _member_of(actor)
    qs = Visit.objects.filter(
        client_id=code.client_id, member=member, day=day or timezone.localdate()
    ).exclude(state=VisitState.CANCELLED)
    if code.contract_id:
        qs = qs.filter(contract_id=code.contract_id)
    visit = qs.select_related("activity__entity", "client").order_by("starts_at", "id").first()
    if visit is None:
        raise ValidationError({"code": _("You have no visit at this home today.")})
    return visit


def presence_by_code(
    *, actor, token: str, client_uuid=None, at=None, latitude=None, longitude=None, accuracy_m=None
) -> Presence:
    """Scanning the code: checks in, or checks out when already checked in."""
    visit = todays_visit_for_code(actor=actor, token=token)
    last = visit.presences.order_by("-at", "-id").first()
    kind = (
        PresenceKind.OUT if last is not None and last.kind == PresenceKind.IN else PresenceKind.IN
    )
    return record_presence(
        actor=actor,
        visit=visit,
        kind=kind,
        at=at,
        client_uuid=client_uuid,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        method=PresenceMethod.QR,
    )


# --- home codes ---------------------------------------------------------------------------------


def create_home_code(*, actor, visit: Visit) -> HomeCode:
    """A new code for the visit's home (its contract's when there is one); the previous one stops
    working."""
    require(actor, "fieldwork.plan_visit", visit)
    with transaction.atomic():
        now = timezone.now()
        old = HomeCode.objects.select_for_update(of=("self",)).filter(
            client_id=visit.client_id, contract_id=visit.contract_id, revoked_at__isnull=True
        )
        old.update(revoked_at=now)
        code = HomeCode.objects.create(client_id=visit.client_id, contract_id=visit.contract_id)
        _audit(
            actor=actor,
            action="interventions.home_code",
            obj=code,
            visit=visit,
            message=gettext_noop("New QR code for the client's home."),
        )
    return code


def revoke_home_code(*, actor, code: HomeCode, visit: Visit) -> HomeCode:
    require(actor, "fieldwork.plan_visit", visit)
    with transaction.atomic():
        code = HomeCode.objects.select_for_update(of=("self",)).get(pk=code.pk)
        if code.revoked_at is None:
            code.revoked_at = timezone.now()
            code.save(update_fields=["revoked_at"])
            _audit(
                actor=actor,
                action="interventions.home_code_revoked",
                obj=code,
                visit=visit,
                message=gettext_noop("QR code of the client's home revoked."),
            )
    return code


# --- the sheet ----------------------------------------------------------------------------------


def ensure_sheet(*, actor, visit: Visit) -> Sheet:
    """The visit's sheet, made with the visit's tasks the first time its member opens it."""
    sheet = Sheet.objects.filter(visit=visit).first()
    if sheet is not None:
        return sheet
    require(actor, "interventions.record_presence", visit)
    try:
        with transaction.atomic():
            sheet = Sheet.objects.create(
                visit=visit,
                minutes=minutes_between(visit.presences.order_by("at", "id")),
                client_signs_later=bool(visit.contract and visit.contract.client_validates_sheets),
            )
            SheetTask.objects.bulk_create(
                [
                    SheetTask(
                        sheet=sheet, name=t.name, service_id=t.service_id, position=i, done=True
                    )
                    for i, t in enumerate(visit.tasks.order_by("position", "id"))
                ]
            )
    except IntegrityError:  # made at the same moment by another request
        sheet = Sheet.objects.get(visit=visit)
    return sheet


def _supplies(sheet: Sheet, items: list[dict]) -> list[SheetSupply]:
    """Supplies from the sector's stock (priced from it) or typed freely."""
    stock = (
        {s.pk: s for s in StockItem.objects.filter(sector_id=sheet.visit.sector_id)}
        if sheet.visit.sector_id
        else {}
    )
    rows = []
    for n, raw in enumerate(items, start=1):
        item_id, name = raw.get("item"), (raw.get("name") or "").strip()
        try:
            quantity = Decimal(str(raw.get("quantity") or "").replace(",", "."))
        except InvalidOperation:
            raise ValidationError(
                {"supplies": _("Supply %(n)s: the quantity must be a number.") % {"n": n}}
            ) from None
        if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("10000000"):
            raise ValidationError(
                {"supplies": _("Supply %(n)s: the quantity must be more than 0.") % {"n": n}}
            )
        if item_id not in (None, ""):
            try:
                item = stock[int(item_id)]
            except (KeyError, ValueError, TypeError):
                raise ValidationError(
                    {"supplies": _("Supply %(n)s is not in the sector's stock.") % {"n": n}}
                ) from None
            rows.append(
                SheetSupply(
                    sheet=sheet,
                    item=item,
                    name=item.name[:200],
                    quantity=quantity.quantize(Decimal("0.001")),
                    unit=item.unit,
                    unit_price=item.unit_price,
                    vat_rate=item.vat_rate,
                )
            )
        elif name:
            rows.append(
                SheetSupply(
                    sheet=sheet, name=name[:200], quantity=quantity.quantize(Decimal("0.001"))
                )
            )
        else:
            raise ValidationError(
                {
                    "supplies": _("Supply %(n)s: choose it from the stock or type what it is.")
                    % {"n": n}
                }
            )
    return rows


def update_sheet(
    *,
    actor,
    sheet: Sheet,
    base_version: int | None = None,
    edit_key: str = "",
    minutes: int | None = None,
    remarks: str | None = None,
    green_waste_kg=None,
    done_tasks: list[int] | None = None,
    supplies: list[dict] | None = None,
    client_signs_later: bool | None = None,
    extra=None,
) -> Sheet:
    """Save what the member typed. ``base_version`` is the version the phone started from: when
    the sheet changed since, by another editing session (``edit_key``), nothing is saved and
    ``SheetConflict`` is raised. Fields left ``None`` are unchanged."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        require(actor, "interventions.fill_sheet", sheet)
        _refuse_if_invoiced(sheet)
        if sheet.state != SheetState.DRAFT:
            raise ValidationError(
                {"sheet": _("This sheet is validated already: it can no longer change.")}
            )
        if (
            base_version is not None
            and base_version != sheet.version
            and (not edit_key or edit_key != sheet.edit_key)
        ):
            raise SheetConflict(sheet)
        if minutes is not None:
            if minutes < 0 or minutes > 24 * 60:
                raise ValidationError(
                    {"minutes": _("The time spent must be from 0 to 1,440 minutes (a day).")}
                )
            sheet.minutes = minutes
        if remarks is not None:
            if len(remarks) > 4000:
                raise ValidationError(
                    {"remarks": _("The remarks are limited to 4,000 characters.")}
                )
            sheet.remarks = remarks
        if green_waste_kg is not None:
            if green_waste_kg == "":
                sheet.green_waste_kg = None
            else:
                try:
                    kg = Decimal(str(green_waste_kg).replace(",", "."))
                except InvalidOperation:
                    raise ValidationError(
                        {"green_waste_kg": _("The green waste must be a number of kilograms.")}
                    ) from None
                if not kg.is_finite() or kg < 0 or kg >= Decimal("10000000"):
                    raise ValidationError(
                        {"green_waste_kg": _("The green waste must be 0 kg or more.")}
                    )
                sheet.green_waste_kg = kg.quantize(Decimal("0.1"))
        if client_signs_later is not None:
            sheet.client_signs_later = bool(client_signs_later)
        if done_tasks is not None:
            done = {int(t) for t in done_tasks}
            for task in sheet.tasks.all():
                if task.done != (task.pk in done):
                    SheetTask.objects.filter(pk=task.pk).update(done=task.pk in done)
        if supplies is not None:
            rows = _supplies(sheet, supplies)
            sheet.supplies.all().delete()
            SheetSupply.objects.bulk_create(rows)
        if extra is not None:  # the sections upper apps add to the sheet (hooks.py)
            hooks.save_sections(actor=actor, sheet=sheet, data=extra)
        sheet.version += 1
        sheet.edit_key = (edit_key or "")[:40]
        sheet.save()
        _audit(
            actor=actor,
            action="interventions.sheet_updated",
            obj=sheet,
            visit=sheet.visit,
            message=gettext_noop("Intervention sheet updated."),
        )
    return sheet


def add_photo(
    *, actor, sheet: Sheet, kind: str, data: bytes, name: str = "", client_uuid=None
) -> SheetPhoto:
    """A photo before or after, kept as uploaded and as a JPEG of at most 1600 px. Sent twice,
    kept once (``client_uuid``)."""
    if client_uuid:
        try:
            client_uuid = uuid_module.UUID(str(client_uuid))
        except ValueError:
            raise ValidationError(
                {"client_uuid": _("The key made by the phone must be a UUID.")}
            ) from None
        existing = SheetPhoto.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            if existing.sheet_id != sheet.pk:
                raise ValidationError(
                    {"client_uuid": _("This key was already used for another photo.")}
                )
            return existing
    if kind not in ("before", "after"):
        raise ValidationError({"kind": _("Choose whether the photo is before or after the work.")})
    photos.check(data, field="file")
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        require(actor, "interventions.fill_sheet", sheet)
        _refuse_if_invoiced(sheet)
        if sheet.photos.count() >= photos.MAX_PER_SHEET:
            raise ValidationError(
                {"file": _("A sheet holds at most %(n)s photos.") % {"n": photos.MAX_PER_SHEET}}
            )
        digest = hashlib.sha256(data).hexdigest()[:16]
        photo = SheetPhoto(sheet=sheet, kind=kind, original_name=(name or "photo")[-200:])
        if client_uuid:
            photo.client_uuid = client_uuid
        photo.file.save(f"{digest}.jpg", photos.downscaled(data, digest), save=False)
        photo.original.save(f"{digest}{photos.extension(data)}", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                photo.save()
        except IntegrityError:
            photo.file.delete(save=False)
            photo.original.delete(save=False)
            return SheetPhoto.objects.get(client_uuid=client_uuid)
        _audit(
            actor=actor,
            action="interventions.photo_added",
            obj=sheet,
            visit=sheet.visit,
            message=gettext_noop("Photo added to the intervention sheet."),
        )
    return photo


def _store_signature(sheet: Sheet, svg: bytes, signed_by: str) -> None:
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise ValidationError({"signed_by": _("Type the name of the person who signs.")})
    if len(signed_by) > 200:
        raise ValidationError({"signed_by": _("The name is limited to 200 characters.")})
    if sheet.signature:
        sheet.signature.delete(save=False)
    sheet.signature.save(
        f"sheet-{sheet.pk}-{hashlib.sha256(svg).hexdigest()[:12]}.svg", ContentFile(svg), save=False
    )
    sheet.signed_by = signed_by
    sheet.signed_at = timezone.now()


def sign_sheet(
    *,
    actor,
    sheet: Sheet,
    strokes: str,
    signed_by: str,
    width: int = 600,
    height: int = 200,
    edit_key: str = "",
) -> Sheet:
    """The client signs on the member's phone."""
    svg = strokes_svg(strokes, width=width, height=height)
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        require(actor, "interventions.fill_sheet", sheet)
        _refuse_if_invoiced(sheet)
        if sheet.state != SheetState.DRAFT:
            raise ValidationError(
                {"sheet": _("This sheet is validated already: it can no longer change.")}
            )
        _store_signature(sheet, svg, signed_by)
        sheet.client_signs_later = False
        sheet.version += 1
        sheet.edit_key = (edit_key or "")[:40] or sheet.edit_key
        sheet.save()
        _audit(
            actor=actor,
            action="interventions.sheet_signed",
            obj=sheet,
            visit=sheet.visit,
            message=gettext_noop("Signed by the client (%(name)s) on the member's phone."),
            params={"name": sheet.signed_by},
        )
    return sheet


def _awaits_client(sheet: Sheet) -> bool:
    contract = sheet.visit.contract
    if sheet.client_validated_at is not None:
        return False
    return bool(contract and contract.client_validates_sheets) or (
        sheet.client_signs_later and not sheet.signature
    )


def _consume_stock(sheet: Sheet, actor_member) -> None:
    """Take the sheet's supplies out of the sector's stock (items locked in id order)."""
    used: dict[int, Decimal] = {}
    for supply in sheet.supplies.all():
        if supply.item_id:
            used[supply.item_id] = used.get(supply.item_id, Decimal("0")) + supply.quantity
    if not used:
        return
    for item in (
        StockItem.objects.select_for_update(of=("self",)).filter(pk__in=used).order_by("id")
    ):
        item.quantity -= used[item.pk]
        item.save(update_fields=["quantity"])
        StockMovement.objects.create(
            item=item,
            kind=MovementKind.USED,
            quantity=-used[item.pk],
            sheet=sheet,
            member=actor_member,
        )


def _complete(sheet: Sheet) -> None:
    sheet.state = SheetState.VALIDATED
    sheet.validated_at = timezone.now()
    validated = sheet
    transaction.on_commit(lambda: signals.sheet_validated.send(sender=Sheet, sheet=validated))


def validate_sheet(*, actor, sheet: Sheet, client_signs_later: bool | None = None) -> Sheet:
    """The member validates: the stock used is taken out; the sheet is validated, or waits for
    the client (their contract asks it, or the client signs later on their page)."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        require(actor, "interventions.fill_sheet", sheet)
        _refuse_if_invoiced(sheet)
        if sheet.state != SheetState.DRAFT:
            return sheet  # validated already (the phone sent it twice)
        if client_signs_later is not None:
            sheet.client_signs_later = bool(client_signs_later)
        if sheet.minutes <= 0:
            sheet.minutes = minutes_between(sheet.visit.presences.order_by("at", "id"))
        if sheet.minutes <= 0:
            raise ValidationError(
                {"minutes": _("Give the time spent before validating (or check out first).")}
            )
        if not sheet.signature and not sheet.client_signs_later:
            raise ValidationError(
                {
                    "signature": _(
                        "The client signs on the screen, or choose that the client signs later on their page."
                    )
                }
            )
        _consume_stock(sheet, sheet.visit.member)
        sheet.member_validated_at = timezone.now()
        if _awaits_client(sheet):
            sheet.state = SheetState.SUBMITTED
        else:
            _complete(sheet)
        sheet.version += 1
        sheet.save()
        if sheet.visit.state in (VisitState.PLANNED, VisitState.STARTED, VisitState.TO_PLAN):
            Visit.objects.filter(pk=sheet.visit_id).update(
                state=VisitState.DONE, updated_at=timezone.now()
            )
        _audit(
            actor=actor,
            action="interventions.sheet_validated",
            obj=sheet,
            visit=sheet.visit,
            message=gettext_noop("Intervention sheet validated by the member.")
            if sheet.state == SheetState.VALIDATED
            else gettext_noop(
                "Intervention sheet validated by the member, waiting for the client."
            ),
        )
    return sheet


def client_validate_sheet(
    *, sheet: Sheet, signed_by: str, strokes: str = "", width: int = 600, height: int = 200
) -> Sheet:
    """The client, on the sheet's secret page, signs (when not signed yet) and validates."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        _refuse_if_invoiced(sheet)
        if sheet.state == SheetState.VALIDATED:
            return sheet
        if sheet.state != SheetState.SUBMITTED:
            raise ValidationError({"sheet": _("The member has not finished this sheet yet.")})
        if not sheet.signature:
            _store_signature(sheet, strokes_svg(strokes, width=width, height=height), signed_by)
        elif not (signed_by or "").strip():
            raise ValidationError({"signed_by": _("Type the name of the person who signs.")})
        sheet.client_validated_at = timezone.now()
        sheet.client_signs_later = False
        _complete(sheet)
        sheet.version += 1
        sheet.save()
        _audit(
            actor=None,
            action="interventions.sheet_client_validated",
            obj=sheet,
            visit=sheet.visit,
            message=gettext_noop("Intervention sheet validated by the client (%(name)s)."),
            params={"name": (signed_by or sheet.signed_by).strip()[:200]},
        )
    return sheet


def mark_invoiced(*, sheet: Sheet, document) -> Sheet:
    """For ``compagnon.homeservices``: the sheet is on ``document`` and no longer changes."""
    with transaction.atomic():
        sheet = _locked_sheet(sheet)
        if sheet.state not in (SheetState.VALIDATED, SheetState.INVOICED):
            raise ValidationError({"sheet": _("Only a validated sheet can be invoiced.")})
        sheet.document = document
        sheet.state = SheetState.INVOICED
        sheet.save(update_fields=["document", "state", "updated_at"])
    return sheet
