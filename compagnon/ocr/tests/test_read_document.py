"""read_document: photos through the OCR engine, PDFs through their text layer first."""

import datetime
import io
from decimal import Decimal as D

import pytest
from PIL import Image

from compagnon import ocr
from compagnon.ocr import engine, pdf

from . import receipts

needs_engine = pytest.mark.skipif(
    not engine.available() or receipts.font_path() is None,
    reason="the OCR engine (rapidocr-onnxruntime, installed by `make install`) or the DejaVu fonts are missing",
)


@needs_engine
def test_a_photographed_french_ticket_is_read_by_the_real_engine():
    reading = ocr.read_document(receipts.png(receipts.ticket()), "image/png")
    assert reading is not None and reading.engine.startswith("rapidocr-onnxruntime")
    assert reading.total_incl_vat == D("12.50")
    assert reading.total_excl_vat == D("10.42")
    assert reading.vat_lines == [(D("20.00"), None, D("2.08"))]
    assert reading.issue_date == datetime.date(2026, 11, 14)
    assert reading.supplier_name.startswith("BOULANGERIE DU MARCH")
    assert reading.supplier_ids.get("siret") == "55210055400013"
    assert "Café" in reading.text  # accents of lower-case letters survive


def test_no_engine_means_no_reading_for_a_photo(settings):
    settings.OCR_ENABLED = False
    assert not ocr.engine_available()
    assert ocr.read_document(receipts.png(receipts.ticket(size=12)), "image/png") is None


def test_an_engine_that_fails_or_runs_over_gives_no_reading(monkeypatch):
    monkeypatch.setattr(engine, "available", lambda: True)

    def too_slow(data, *, timeout):
        raise engine.EngineError(f"OCR stopped after {timeout:.0f} s")

    monkeypatch.setattr(engine, "recognise", too_slow)
    assert ocr.read_document(receipts.png(receipts.ticket(size=12)), "image/png", timeout=1) is None


def test_the_time_cap_kills_the_engine(monkeypatch, tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time\ntime.sleep(30)\n")
    monkeypatch.setattr(engine.os.path, "abspath", lambda _path: str(script))
    with pytest.raises(engine.EngineError, match="stopped after"):
        engine.recognise(receipts.png(receipts.ticket(size=12)), timeout=0.5)


def test_an_unknown_type_or_an_empty_file_gives_no_reading():
    assert ocr.read_document(b"", "image/png") is None
    assert ocr.read_document(b"hello", "text/plain") is None


def test_a_pdf_with_text_is_read_without_ocr(monkeypatch):
    weasyprint = pytest.importorskip("weasyprint")
    monkeypatch.setattr(engine, "recognise", lambda *a, **k: pytest.fail("no OCR for a PDF with text"))
    html = "<br>".join(["Imprimerie Lenoir", "Facture n° 2026-77", "Date : 05/09/2026", "Total HT 200,00 €",
                        "TVA 20 % 40,00 €", "Total TTC 240,00 €"])
    data = weasyprint.HTML(string=f"<p>{html}</p>").write_pdf()
    reading = ocr.read_document(data, "application/pdf")
    assert reading.engine == "pdf-text"
    assert (reading.total_incl_vat, reading.issue_date) == (D("240.00"), datetime.date(2026, 9, 5))
    assert reading.invoice_number == "2026-77"


def test_a_scanned_pdf_goes_to_ocr_with_its_picture(monkeypatch):
    seen = {}

    def fake_engine(data, *, timeout):
        seen["size"] = Image.open(io.BytesIO(data)).size
        return ["Pharmacie du Centre", "01/12/2026", "TOTAL TTC 8,90"]

    monkeypatch.setattr(engine, "available", lambda: True)
    monkeypatch.setattr(engine, "recognise", fake_engine)
    out = io.BytesIO()
    receipts.ticket(size=12).convert("RGB").save(out, "PDF")
    assert pdf.text_layer(out.getvalue()) == ""
    reading = ocr.read_document(out.getvalue(), "application/pdf")
    assert seen["size"][0] > 100
    assert (reading.supplier_name, reading.total_incl_vat) == ("Pharmacie du Centre", D("8.90"))


def test_boxes_are_grouped_into_lines_read_left_to_right():
    boxes = [
        [[[300, 102], [360, 102], [360, 122], [300, 122]], "12,50", 0.9],
        [[[10, 100], [120, 100], [120, 120], [10, 120]], "TOTALTTC", 0.9],
        [[[10, 60], [200, 60], [200, 80], [10, 80]], "BOULANGERIE", 0.9],
    ]
    assert engine.lines_of(boxes) == ["BOULANGERIE", "TOTALTTC  12,50"]


def test_a_large_photo_is_scaled_down_and_turned_upright_before_reading():
    image = Image.new("RGB", (4000, 3000), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: to be rotated 90°
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    prepared = Image.open(io.BytesIO(engine.prepare(out.getvalue())))
    assert prepared.size == (engine.MAX_SIDE * 3 // 4, engine.MAX_SIDE)
