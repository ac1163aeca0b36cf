"""Receipt files: what kind of file it is, the small JPEG shown on pages, and what a Factur-X PDF
tells (suggested to the member, who confirms).

The original is always kept as uploaded (its SHA-256 finds a receipt sent twice). Photos get a
display copy: EXIF orientation applied, at most 1600 px on its longest side, JPEG. A Factur-X PDF
carries its invoice as XML, read at once by ``compagnon.einvoice.parse``: it comes first. Any other
photo or PDF is read in the background by ``compagnon.ocr`` (OCR in the worker, offline), whose
answer the form polls (``start_reading``); when no OCR engine is installed, nothing is read.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_PX = 1600
# Pillow refuses images with more pixels than this (decompression bombs)
Image.MAX_IMAGE_PIXELS = 80_000_000

TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


class ReceiptError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def content_type(data: bytes) -> str:
    """The type the content says (never the name or the browser's claim); '' when unsupported."""
    for magic, kind in TYPES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return ""


def check(data: bytes) -> str:
    """The content type of an acceptable receipt; ``ReceiptError`` with a plain message otherwise."""
    if not data:
        raise ReceiptError(_("The file is empty: take the photo again or choose another file."))
    if len(data) > MAX_BYTES:
        raise ReceiptError(_("The file is %(size)s MB; the limit is %(max)s MB.")
                           % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_BYTES // 1048576})
    kind = content_type(data)
    if kind == "image/heic":
        raise ReceiptError(_("This photo is in HEIC format, which Compagnon cannot show yet: set the camera to "
                             "“most compatible” (JPEG) or send a PDF."))
    if not kind:
        raise ReceiptError(_("A receipt is a photo (JPEG, PNG, WebP) or a PDF; this file is neither."))
    if kind.startswith("image/"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
            raise ReceiptError(_("This photo cannot be read (damaged or incomplete file): take it again.")) from None
    return kind


def preview(data: bytes) -> bytes:
    """A JPEG of at most PREVIEW_PX on its longest side, upright (EXIF orientation applied)."""
    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
        longest = max(w, h, 1)
        if longest > PREVIEW_PX:  # JPEG: decode at a reduced scale (1/2, 1/4…), much faster
            image.draft("RGB", (-(-w * PREVIEW_PX // longest), -(-h * PREVIEW_PX // longest)))
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((PREVIEW_PX, PREVIEW_PX), Image.Resampling.LANCZOS, reducing_gap=2.0)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def facturx_suggestion(data: bytes, filename: str = "") -> dict | None:
    """What a Factur-X / ZUGFeRD PDF (or an e-invoice XML) says: date, supplier, total and VAT
    per rate. None for any other file — nothing is guessed."""
    if content_type(data) != "application/pdf":
        return None
    from compagnon.einvoice import parse

    try:
        invoice = parse.parse(data, filename or "receipt.pdf")
    except parse.ParseError:
        return None
    total = invoice.totals.tax_inclusive or invoice.totals.payable
    vat = [
        {"rate": str(v.rate), "tax_amount": str(v.tax_amount)}
        for v in invoice.vat
        if v.rate is not None and v.tax_amount is not None and v.tax_amount > 0
    ]
    return {
        "date": invoice.issue_date.isoformat() if invoice.issue_date else "",
        "supplier": invoice.supplier.name or invoice.supplier.trading_name,
        "amount": str(total) if total is not None else "",
        "vat": vat,
        "number": invoice.number,
        "currency": invoice.currency,
        "buyer": invoice.buyer.name,
        "vat_total": str(sum((Decimal(v["tax_amount"]) for v in vat), Decimal("0"))),
    }


def reading_on() -> bool:
    """Whether photos are read here (the OCR engine is installed and switched on)."""
    from compagnon import ocr

    return ocr.engine_available()


def start_reading(user, data: bytes):
    """Queue the reading of a receipt (photo, or PDF that is not Factur-X) for ``user``, who may
    claim expenses. The ``ReadingJob``, or None when the file is not a receipt or nothing can
    read it (no OCR engine: a PDF's text layer is still read)."""
    from compagnon.ocr import jobs

    try:
        kind = check(data)
    except ReceiptError:
        return None
    if kind.startswith("image/") and not reading_on():
        return None
    try:
        return jobs.start(user=user, data=data, content_type=kind, purpose="expenses")
    except (OSError, ValueError, Image.DecompressionBombError):  # a photo Pillow cannot scale down
        return None
