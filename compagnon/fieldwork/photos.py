"""Photos clients send with a request: checked by their content (JPEG, PNG or WebP, at most
10 MB, readable, no decompression bomb), then kept as a JPEG of at most 1600 px on its longest
side with the EXIF orientation applied (the same treatment as expense receipts; EXIF data such as
the position is dropped)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
LONGEST_PX = 1600
Image.MAX_IMAGE_PIXELS = 80_000_000

_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _is_image(data: bytes) -> bool:
    return data.startswith(_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def check(data: bytes, *, field: str = "photos") -> None:
    """``ValidationError`` naming ``field`` and the rule, or nothing."""
    if not data:
        raise ValidationError({field: _("A photo is empty: choose it again.")})
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {
                field: _("A photo is %(size)s MB; the limit is %(max)s MB per photo.")
                % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_BYTES // 1048576}
            }
        )
    if not _is_image(data):
        raise ValidationError({field: _("Photos must be JPEG, PNG or WebP images.")})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(
            {field: _("A photo cannot be read (damaged or incomplete file).")}
        ) from None


def downscaled(data: bytes, name: str = "photo") -> ContentFile:
    """The JPEG kept for a checked photo."""
    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
        longest = max(w, h, 1)
        if longest > LONGEST_PX:
            image.draft("RGB", (-(-w * LONGEST_PX // longest), -(-h * LONGEST_PX // longest)))
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((LONGEST_PX, LONGEST_PX), Image.Resampling.LANCZOS, reducing_gap=2.0)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{name}.jpg")
