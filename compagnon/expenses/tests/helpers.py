"""Receipts as phones make them, and the people of a small cooperative."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity


def jpeg(width=400, height=300, *, orientation=None, colour=(240, 240, 230)) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def upload(data: bytes | None = None, name="receipt.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type=content_type)


def cooperative(belgian=False):
    """An office with two members (Camille, maturity new; Yanis, established) and their advisor."""
    office = OfficeFactory() if not belgian else OfficeFactory(entity__belgian=True)
    camille, camille_activity = member_with_activity(office, maturity="new")
    yanis, yanis_activity = member_with_activity(office, maturity="established")
    return {"office": office, "entity": office.entity, "camille": camille, "activity": camille_activity,
            "yanis": yanis, "yanis_activity": yanis_activity, "advisor": advisor_of(office)}
