"""Demo expense claims: receipts drawn with Pillow for a French and a Belgian member, and one
trip priced with the newest French mileage scale. Idempotent (nothing added twice)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from . import scales, services
from .models import ExpenseClaim


def receipt_image(shop: str, lines: list[tuple[str, str]], total: str) -> bytes:
    """A till receipt: white paper, the shop, lines and the total."""
    image = Image.new("RGB", (600, 900), (252, 251, 247))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), shop.upper(), fill=(20, 20, 20))
    draw.text((40, 70), timezone.localdate().isoformat(), fill=(90, 90, 90))
    y = 140
    for label, amount in lines:
        draw.text((40, y), label, fill=(30, 30, 30))
        draw.text((460, y), amount, fill=(30, 30, 30))
        y += 32
    draw.line((40, y + 10, 560, y + 10), fill=(60, 60, 60), width=2)
    draw.text((40, y + 30), "TOTAL TTC", fill=(0, 0, 0))
    draw.text((460, y + 30), total, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _receipt(activity, member, *, shop, category, amount, vat, days_ago, submit=True):
    data = receipt_image(shop, [("Article", amount)], amount)
    return services.save_claim(
        actor=member.user, activity=activity, kind="receipt",
        date=timezone.localdate() - datetime.timedelta(days=days_ago), category=category, amount=amount,
        supplier=shop, vat_recoverable=bool(vat), vat_lines=vat,
        receipt=SimpleUploadedFile(f"{shop[:12]}.jpg", data, content_type="image/jpeg"), submit=submit)


def seed_demo_expenses(french, belgian=None) -> None:
    """``french``/``belgian``: activities; their first holder claims."""
    for activity in [a for a in (french, belgian) if a is not None]:
        if ExpenseClaim.objects.filter(activity=activity).exists():
            return
    fr_member = french.memberships.select_related("member__user").first().member
    _receipt(french, fr_member, shop="Jardinerie de l'Erdre", category="equipment", amount="46.80",
             vat=[("20.0", "7.80")], days_ago=6)
    _receipt(french, fr_member, shop="Papeterie Durand", category="supplies", amount="12.40",
             vat=[("20.0", "2.07")], days_ago=3, submit=False)
    year = max(scales.years("FR", "mileage"), default=None)
    if year is not None:
        services.save_claim(actor=fr_member.user, activity=french, kind="mileage",
                            date=datetime.date(year, 11, 14), origin="Nantes", destination="Clisson",
                            distance_km=Decimal("62.0"), fiscal_power=5, description="Chantier haies",
                            submit=True)
    if belgian is not None:
        be_member = belgian.memberships.select_related("member__user").first().member
        _receipt(belgian, be_member, shop="Brico Anderlecht", category="equipment", amount="60.50",
                 vat=[("21.0", "10.50")], days_ago=4)
        _receipt(belgian, be_member, shop="Brasserie du Marché", category="meals", amount="23.00", vat=[],
                 days_ago=2)
