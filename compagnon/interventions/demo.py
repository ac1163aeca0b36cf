"""What happened at the clients' in the demo week: for every past visit of the week (before today)
check-in and check-out, a filled sheet with photos before/after (small images drawn with Pillow),
supplies from the sector's stock, a signature drawn by the client, validated. Each sector gets a
small stock and two pieces of shared equipment; each contract a QR code for the home.

Called by ``seed_demo`` after ``fieldwork.demo.seed_fieldwork(entity)``: ``seed_interventions(entity)``.
Everything goes through the services, acting as the member of each visit; idempotent (visits
that have a sheet are left alone).
"""

from __future__ import annotations

import datetime
import io
import json
import math
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from compagnon.fieldwork.models import Sector, Visit, VisitState

from . import services, services_stock
from .models import Equipment, HomeCode, Sheet, SheetState

STOCK = [
    ("Compost", "KGM", "200", "40", "0.80", "10"),
    ("Sacs à déchets verts", "H87", "60", "20", "1.50", "20"),
    ("Ficelle de jardin", "MTR", "500", "100", None, None),
]
EQUIPMENT = ["Broyeur de végétaux", "Camion benne"]


def photo(label: str, *, green: bool) -> bytes:
    """A small garden picture: grass, a hedge, and a label."""
    image = Image.new("RGB", (640, 480), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(70, 150, 60) if green else (120, 130, 70))
    for x in range(0, 640, 80):
        height = 90 if green else 150
        draw.ellipse((x, 300 - height, x + 90, 320), fill=(40, 110, 50) if green else (80, 100, 40))
    draw.text((20, 20), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def signature_strokes(seed: int) -> str:
    """A handwritten-looking line and an underline."""
    first = [
        [round(40 + i * 6, 1), round(110 + 35 * math.sin(i / (3 + seed % 3)) - i * 0.4, 1)]
        for i in range(70)
    ]
    second = [[round(60 + i * 8, 1), round(170 + (i % 3), 1)] for i in range(40)]
    return json.dumps([first, second])


def _stock(sector: Sector, actor) -> dict:
    items = {i.name: i for i in sector.stock.all()}
    for name, unit, quantity, reorder, price, vat in STOCK:
        if name not in items:
            items[name] = services_stock.create_stock_item(
                actor=actor,
                sector=sector,
                name=name,
                unit=unit,
                quantity=quantity,
                reorder_at=reorder,
                unit_price=price,
                vat_rate=vat,
            )
    if not Equipment.objects.filter(sector=sector).exists():
        for name in EQUIPMENT:
            services_stock.add_equipment(actor=actor, sector=sector, name=name)
    return items


def _at(visit: Visit) -> datetime.datetime:
    if visit.starts_at:
        return visit.starts_at
    return timezone.make_aware(datetime.datetime.combine(visit.day, datetime.time(9, 0)))


def seed_interventions(entity, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    visits = list(
        Visit.objects.filter(
            activity__entity=entity, day__gte=monday, day__lt=today, member__isnull=False
        )
        .exclude(state=VisitState.CANCELLED)
        .filter(sheet__isnull=True)
        .select_related("member__user", "contract", "client", "sector")
        .order_by("day", "starts_at", "id")
    )
    stock_by_sector: dict[int, dict] = {}
    consented = set()
    made = 0
    for n, visit in enumerate(visits):
        actor = visit.member.user
        if visit.sector_id and visit.sector_id not in stock_by_sector:
            stock_by_sector[visit.sector_id] = _stock(visit.sector, actor)
        if visit.member_id not in consented:
            services.set_position_consent(actor=actor, allowed=n % 2 == 0)
            consented.add(visit.member_id)
        start = _at(visit)
        lat = visit.latitude + Decimal("0.0001") if visit.latitude is not None else None
        lon = visit.longitude if visit.longitude is not None else None
        services.record_presence(
            actor=actor,
            visit=visit,
            kind="in",
            at=start,
            latitude=lat,
            longitude=lon,
            accuracy_m=15,
        )
        services.record_presence(
            actor=actor,
            visit=visit,
            kind="out",
            at=start + datetime.timedelta(minutes=visit.minutes),
            latitude=lat,
            longitude=lon,
            accuracy_m=12,
        )
        sheet = services.ensure_sheet(actor=actor, visit=visit)
        items = stock_by_sector.get(visit.sector_id, {})
        supplies = []
        if "Sacs à déchets verts" in items:
            supplies.append({"item": items["Sacs à déchets verts"].pk, "quantity": str(2 + n % 3)})
        if "Compost" in items and n % 2:
            supplies.append({"item": items["Compost"].pk, "quantity": "10"})
        sheet = services.update_sheet(
            actor=actor,
            sheet=sheet,
            remarks="Travaux faits, jardin propre. RAS.",
            green_waste_kg=str(20 + 5 * (n % 4)),
            supplies=supplies,
        )
        services.add_photo(
            actor=actor,
            sheet=sheet,
            kind="before",
            data=photo(f"{visit.client.name} - avant", green=False),
            name="avant.jpg",
        )
        services.add_photo(
            actor=actor,
            sheet=sheet,
            kind="after",
            data=photo(f"{visit.client.name} - après", green=True),
            name="apres.jpg",
        )
        services.sign_sheet(
            actor=actor, sheet=sheet, strokes=signature_strokes(n), signed_by=visit.client.name
        )
        sheet = services.validate_sheet(actor=actor, sheet=sheet)
        if sheet.state == SheetState.SUBMITTED:
            services.client_validate_sheet(sheet=sheet, signed_by=visit.client.name)
        if (
            visit.contract_id
            and not HomeCode.objects.filter(contract_id=visit.contract_id).exists()
        ):
            services.create_home_code(actor=actor, visit=visit)
        made += 1
    return {
        "sheets": made,
        "validated": Sheet.objects.filter(
            visit__activity__entity=entity, validated_at__isnull=False
        ).count(),
    }
