"""PDFs: the text layer first (an invoice made by software has one: nothing to recognise);
for a scan (no text, one picture per page) the largest picture of the first pages goes to OCR."""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

MAX_PAGES = 3
MIN_TEXT = 20  # fewer letters and digits than this: a scan


def text_layer(data: bytes) -> str:
    """The text of the first pages; '' for a scan or an unreadable PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages[:MAX_PAGES]]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        logger.info("PDF text layer unreadable: %s", exc)
        return ""
    text = "\n".join(pages)
    return text if sum(c.isalnum() for c in text) >= MIN_TEXT else ""


def largest_picture(data: bytes) -> bytes | None:
    """The largest picture of the first pages (a scanned page), as the bytes of an image file."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    best, best_area = None, 0
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        for page in reader.pages[:MAX_PAGES]:
            for picture in page.images:
                image = picture.image
                if image is None:
                    continue
                area = image.width * image.height
                if area > best_area:
                    out = io.BytesIO()
                    image.convert("RGB").save(out, "PNG", compress_level=1)
                    best, best_area = out.getvalue(), area
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        logger.info("PDF pictures unreadable: %s", exc)
        return None
    return best
