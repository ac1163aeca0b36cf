"""Photos of a sheet: checked by their content and downscaled like the request photos and the
expense receipts (``compagnon.fieldwork.photos``: JPEG of at most 1600 px, orientation applied,
EXIF dropped); the original is kept as uploaded beside it."""

from __future__ import annotations

from compagnon.fieldwork.photos import LONGEST_PX, MAX_BYTES, check, downscaled

MAX_PER_SHEET = 12

__all__ = ["LONGEST_PX", "MAX_BYTES", "MAX_PER_SHEET", "check", "downscaled", "extension"]


def extension(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[:4] == b"RIFF":
        return ".webp"
    return ".jpg"
