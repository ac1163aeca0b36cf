"""Files an applicant sends (CV, diplomas, portfolio): checked by their content, never by the name
or the browser's claim alone, and kept in the default storage without a public address. They are
read back only through ``recruiting-document`` by the staff who recruit for the office."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from compagnon.support.attachments import clean_name, content_type

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
ACCEPTED = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}


def check(uploads) -> list[tuple[str, str, bytes]]:
    """[(name, content type, bytes)] of acceptable files, else a ValidationError on ``documents``
    naming the file and the rule."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_FILES:
        raise ValidationError({"documents": _("Send at most %(n)s files.") % {"n": MAX_FILES}})
    out = []
    for upload in uploads:
        name = clean_name(getattr(upload, "name", ""))
        too_big = _("%(name)s is larger than %(max)s MB.") % {"name": name, "max": MAX_BYTES // 1048576}
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError({"documents": too_big})
        data = upload.read(MAX_BYTES + 1)
        if not data:
            raise ValidationError({"documents": _("%(name)s is empty.") % {"name": name}})
        if len(data) > MAX_BYTES:
            raise ValidationError({"documents": too_big})
        kind = content_type(data, name)
        if kind not in ACCEPTED:
            raise ValidationError({"documents": _(
                "%(name)s cannot be sent: send a PDF, a photo (JPEG, PNG) or a text document (Word, OpenDocument)."
            ) % {"name": name}})
        out.append((name, kind, data))
    return out


def store(application, files) -> list:
    from .models import Document

    saved = []
    for name, kind, data in files:
        doc = Document(application=application, name=name, content_type=kind, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest())
        doc.file.save(name, ContentFile(data), save=False)
        doc.save()
        saved.append(doc)
    return saved


def delete_files(documents) -> None:
    for doc in documents:
        if doc.file:
            doc.file.delete(save=False)
