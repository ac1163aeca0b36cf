"""Files sent with a message: what is accepted, checked by their content (never the name or the
browser's claim alone), and stored in the default storage (local disk or the private bucket).

Accepted: PDF, JPEG, PNG, WebP, GIF, plain text and CSV (UTF-8), and office documents (Word, Excel,
OpenDocument: ZIP files with their usual extension); at most ``MAX_BYTES`` each and ``MAX_FILES``
per message. They are read back only through the request's page or the API, by whoever may read
the message they belong to (``selectors.attachment_for``), and always downloaded, never shown
inline.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import Attachment

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
OFFICE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
TEXT = {"txt": "text/plain", "csv": "text/csv"}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type(data: bytes, name: str) -> str:
    """The type the content says ('' when not accepted)."""
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    ext = _extension(name)
    if data.startswith(b"PK\x03\x04") and ext in OFFICE:
        return OFFICE[ext]
    if ext in TEXT and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return ""
        return TEXT[ext]
    return ""


def clean_name(name: str) -> str:
    name = (name or "file").replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:150]


def check(uploads) -> list[tuple[str, str, bytes]]:
    """[(name, content type, bytes)] of acceptable uploads; a ValidationError on ``attachments``
    naming the file and the rule otherwise."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_FILES:
        raise ValidationError({"attachments": _("At most %(n)s files per message.") % {"n": MAX_FILES}})
    out = []
    for upload in uploads:
        name = clean_name(getattr(upload, "name", ""))
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError({"attachments": _("%(name)s is larger than %(max)s MB.")
                                   % {"name": name, "max": MAX_BYTES // 1048576}})
        data = upload.read(MAX_BYTES + 1)
        if not data:
            raise ValidationError({"attachments": _("%(name)s is empty.") % {"name": name}})
        if len(data) > MAX_BYTES:
            raise ValidationError({"attachments": _("%(name)s is larger than %(max)s MB.")
                                   % {"name": name, "max": MAX_BYTES // 1048576}})
        kind = content_type(data, name)
        if not kind:
            raise ValidationError({"attachments": _(
                "%(name)s cannot be attached: send a PDF, a photo (JPEG, PNG, WebP, GIF), a text or CSV file, "
                "or an office document (Word, Excel, OpenDocument).") % {"name": name}})
        out.append((name, kind, data))
    return out


def store(*, request, message, files, actor, internal: bool) -> list[Attachment]:
    """Save checked files (``check``'s answer) with ``message``."""
    saved = []
    for name, kind, data in files:
        item = Attachment(request=request, message=message, name=name, content_type=kind, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), internal=internal, uploaded_by=actor)
        item.file.save(name, ContentFile(data), save=False)
        item.save()
        saved.append(item)
    return saved
