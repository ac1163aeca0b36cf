"""Photos of a question or an answer: checked by their content (never the name or the browser's
claim alone), stored in the default storage (local disk or the private bucket), read back only by
the readers of the question (``selectors.photo_for``), with ``Cache-Control: private``.

Accepted: JPEG, PNG, WebP, at most ``MAX_BYTES`` each and ``MAX_PHOTOS`` per question or answer.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import Photo

MAX_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 4
ACCEPT = "image/jpeg,image/png,image/webp"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def content_type(data: bytes) -> str:
    """The image type the content says ('' when not accepted)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def clean_name(name: str, kind: str) -> str:
    name = (name or "photo").replace("\\", "/").rsplit("/", 1)[-1].strip() or "photo"
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "<>\"'")[:120]
    stem = name.rsplit(".", 1)[0] or "photo"
    return f"{stem}.{EXTENSIONS[kind]}"


def check(uploads) -> list[tuple[str, str, bytes]]:
    """[(name, content type, bytes)] of acceptable photos; a ValidationError on ``photos`` naming
    the file and the rule otherwise."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    out = []
    for upload in uploads:
        shown = (getattr(upload, "name", "") or "photo")[:120]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError({"photos": _("%(name)s is larger than %(max)s MB.")
                                   % {"name": shown, "max": MAX_BYTES // 1048576}})
        data = upload.read(MAX_BYTES + 1)
        if not data:
            raise ValidationError({"photos": _("%(name)s is empty.") % {"name": shown}})
        if len(data) > MAX_BYTES:
            raise ValidationError({"photos": _("%(name)s is larger than %(max)s MB.")
                                   % {"name": shown, "max": MAX_BYTES // 1048576}})
        kind = content_type(data)
        if not kind:
            raise ValidationError({"photos": _("%(name)s is not a photo: send a JPEG, PNG or WebP image.")
                                   % {"name": shown}})
        out.append((clean_name(shown, kind), kind, data))
    return out


def store(*, question, answer=None, files, actor) -> list[Photo]:
    """Save checked photos (``check``'s answer)."""
    saved = []
    for name, kind, data in files:
        item = Photo(question=question, answer=answer, name=name, content_type=kind, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
        item.file.save(name, ContentFile(data), save=False)
        item.save()
        saved.append(item)
    return saved
