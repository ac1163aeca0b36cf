"""Background work of expense claims: reading the receipt of a claim kept for later (later.py)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def read_claim_receipt(*, claim_id: int) -> str:
    """Read the receipt of a draft kept with its photo only and fill in what is still empty.
    Idempotent: a claim already read (or gone) is left as it is. The OCR engine's own time cap
    (``OCR_TIMEOUT_SECONDS``) bounds it; a broken engine leaves the draft for the member to type."""
    from compagnon import ocr

    from .later import apply_reading
    from .models import ExpenseClaim, ReadingState

    claim = ExpenseClaim.objects.filter(pk=claim_id, reading_state=ReadingState.PENDING).first()
    if claim is None:
        return "done already"
    # photos: the 1600 px display copy is what OCR reads anyway (it scales larger ones down)
    source, content_type = ((claim.preview, "image/jpeg") if claim.preview and claim.receipt_type.startswith("image/")
                            else (claim.receipt, claim.receipt_type))
    try:
        with source.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        data = b""
    try:
        reading = ocr.read_document(data, content_type) if data else None
    except Exception:  # noqa: BLE001 - a reading is a convenience: the member types what it misses
        logger.exception("reading the receipt of expense claim %s failed", claim_id)
        reading = None
    if reading is None:
        state, found = ReadingState.FAILED, {}
    elif not reading.found_anything:
        state, found = ReadingState.NOTHING, {}
    else:
        state, found = ReadingState.DONE, reading.as_dict()
    filled = apply_reading(claim_id, found, state)
    return f"{state}: {', '.join(filled) or 'nothing filled'}"
