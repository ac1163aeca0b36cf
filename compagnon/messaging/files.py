"""Attachments: what may be attached, decided by the content (never the name or the browser's
claim), and how it is stored (Django's default storage: the disk, or the private bucket of
``STORAGE_URL``; a path nobody can guess). People get a file only through a view that checks
they take part in the conversation (or administer the entity that received a report of it).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_TOTAL = 25 * 1024 * 1024

MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
# documents that are ZIP files inside: recognised by the ZIP signature and their extension
ZIPPED = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "zip": "application/zip",
}
TEXT = {"txt": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type(data: bytes, name: str) -> str:
    """The type of an acceptable file, or '' when it is not one."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    ext = _extension(name)
    if data[:4] == b"PK\x03\x04" and ext in ZIPPED:
        return ZIPPED[ext]
    if ext in TEXT and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return ""
        return TEXT[ext]
    return ""


def clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?')[:200]
    return name or "file"


def check(uploads) -> list[tuple[str, str, bytes]]:
    """[(name, content type, bytes)] of the uploads, or ``ValidationError`` on ``attachments``
    naming the file and the rule."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_FILES:
        raise ValidationError({"attachments": ngettext(
            "Attach at most %(n)s file to a message.", "Attach at most %(n)s files to a message.", MAX_FILES
        ) % {"n": MAX_FILES}})
    out, total = [], 0
    for upload in uploads:
        name = clean_name(getattr(upload, "name", ""))
        data = upload.read(MAX_BYTES + 1)
        if not data:
            raise ValidationError({"attachments": _("The file %(name)s is empty.") % {"name": name}})
        if len(data) > MAX_BYTES:
            raise ValidationError({"attachments": _("The file %(name)s is larger than %(max)s MB.")
                                   % {"name": name, "max": MAX_BYTES // 1048576}})
        total += len(data)
        if total > MAX_TOTAL:
            raise ValidationError({"attachments": _("Together, the files are larger than %(max)s MB: send some in "
                                                    "another message.") % {"max": MAX_TOTAL // 1048576}})
        kind = content_type(data, name)
        if not kind:
            raise ValidationError({"attachments": _(
                "The file %(name)s cannot be attached: send a photo (JPEG, PNG, WebP, GIF, HEIC), a PDF, a text or "
                "CSV file, an office document (Word, Excel, LibreOffice) or a ZIP."
            ) % {"name": name}})
        out.append((name, kind, data))
    return out


def store(message, checked) -> list:
    """Write the checked files of ``message`` through the default storage."""
    from .models import Attachment

    made = []
    for name, kind, data in checked:
        item = Attachment(message=message, name=name, content_type=kind, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest())
        item.file.save(name, ContentFile(data), save=False)
        item.save()
        made.append(item)
    return made


def human_size(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)
