"""A member photographs a receipt: the empty fields fill themselves with what was read, the
supplier the member had already typed stays as typed. 360 × 740, French (member1's language).
The OCR engine is replaced by its answer for the bakery ticket (the real one: compagnon/ocr/tests)."""

import datetime
import io
from decimal import Decimal as D

import pytest
from PIL import Image
from playwright.sync_api import expect

from compagnon.expenses import receipts
from compagnon.ocr import engine
from compagnon.ocr.reading import Reading

from .test_offline import camille, log_in

pytestmark = pytest.mark.browser

READ = Reading(total_incl_vat=D("12.50"), vat_lines=[(D("20.00"), None, D("2.08"))],
               issue_date=datetime.date(2026, 11, 14), supplier_name="BOULANGERIE DU MARCHE", engine="test")


def big_photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((2400, 1800), 30).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def test_a_photographed_receipt_fills_the_fields_the_member_left_empty(phone, shot, monkeypatch):
    monkeypatch.setattr(engine, "available", lambda: True)
    monkeypatch.setattr("compagnon.ocr.read_document", lambda data, content_type, **kw: READ)
    received = []
    start = receipts.start_reading

    def start_reading(user, data):
        received.append(Image.open(io.BytesIO(data)).size)
        return start(user, data)

    monkeypatch.setattr(receipts, "start_reading", start_reading)
    page = phone
    log_in(page)
    activity = camille()
    page.goto(f"/activities/{activity.pk}/expenses/new/")
    page.fill("input[name=supplier]", "Boulangerie du Marché")
    page.set_input_files("input[name=receipt]", files=[{"name": "ticket.jpg", "mimeType": "image/jpeg",
                                                        "buffer": big_photo()}])
    expect(page.locator("input[name=amount]")).to_have_value("12.50", timeout=15000)
    expect(page.locator("input[name=date]")).to_have_value("2026-11-14")
    expect(page.locator("input[name=vat_rate_0]")).to_have_value("20.00")
    expect(page.locator("input[name=vat_amount_0]")).to_have_value("2.08")
    expect(page.locator("input[name=supplier]")).to_have_value("Boulangerie du Marché")  # typed: kept
    expect(page.locator("[data-suggested]")).to_contain_text("Lu sur la photo")
    assert received == [(1600, 1200)]  # the phone sent a smaller copy for reading
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing wider than the phone
    shot(page, "expense-receipt-read")
    assert page.problems == []
