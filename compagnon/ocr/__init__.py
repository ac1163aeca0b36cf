"""Reading receipts and invoices offline: the kernel's one entry point is :func:`read_document`.

    reading = read_document(data, "image/jpeg")   # a Reading, or None when nothing can read it

Photos go to the OCR engine (``engine.py``: RapidOCR in a child process, time-capped); PDFs give
their text layer, and only scans go to OCR (``pdf.py``); the text is then parsed in French, Dutch
or English (``parse.py``). Call it from a background task, never in a request: OCR takes seconds.
``compagnon.ocr`` imports no context (kernel floor); its ``ReadingJob`` model and task run a
reading in the worker for a page that polls for it (``jobs.py``, ``tasks.py``, ``views.py``).
See docs/decisions/0021-offline-ocr.md.
"""

from __future__ import annotations

import logging

from django.conf import settings

from .reading import Reading

logger = logging.getLogger(__name__)

__all__ = ["Reading", "engine_available", "read_document"]

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/tiff", "image/bmp")


def engine_available() -> bool:
    """Whether photos can be read here (the OCR engine is installed and not switched off)."""
    from . import engine

    return bool(getattr(settings, "OCR_ENABLED", True)) and engine.available()


def read_document(data: bytes, content_type: str, *, timeout: float | None = None) -> Reading | None:
    """What a receipt or an invoice says (suggestions for the member to confirm).

    ``content_type``: ``application/pdf`` or an image type. A PDF with a text layer is read
    without OCR (``engine == "pdf-text"``). ``None`` when nothing can read the file: no OCR engine
    for a photo or a scan, an unsupported type, or the engine failed or ran over ``timeout``
    seconds (default ``settings.OCR_TIMEOUT_SECONDS``). A ``Reading`` may still have found nothing
    (``reading.found_anything``)."""
    from . import engine, parse, pdf

    if not data:
        return None
    timeout = timeout if timeout is not None else float(getattr(settings, "OCR_TIMEOUT_SECONDS", 60))
    if content_type == "application/pdf":
        text = pdf.text_layer(data)
        if text:
            return parse.parse_text(text, engine="pdf-text")
        data = pdf.largest_picture(data)
        if data is None:
            return None
    elif content_type not in IMAGE_TYPES:
        return None
    if not engine_available():
        return None
    try:
        lines = engine.recognise(data, timeout=timeout)
    except engine.EngineError as exc:
        logger.warning("receipt not read: %s", exc)
        return None
    except (OSError, ValueError) as exc:  # Pillow could not open or convert the picture
        logger.info("receipt not read: %s", exc)
        return None
    return parse.parse_text("\n".join(lines), engine=engine.name())
