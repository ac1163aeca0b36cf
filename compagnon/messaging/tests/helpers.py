"""A cooperative with members in two offices, its staff, and people of another cooperative."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    other_office = OfficeFactory(entity=entity)
    a, _ = member_with_activity(office)
    b, _ = member_with_activity(office)
    c = MemberFactory(office=office)
    d = MemberFactory(office=other_office)
    foreign_office = OfficeFactory()
    outsider, _ = member_with_activity(foreign_office)
    return {
        "entity": entity, "office": office,
        "a": a.user, "b": b.user, "c": c.user, "d": d.user,
        "advisor": advisor_of(office),
        "support": staff(Role.SUPPORT, entity, service=SupportService.LEGAL),
        "accountant": staff(Role.ACCOUNTANT, entity),
        "admin": staff(Role.ADMIN, entity),
        "outsider": outsider.user,
        "foreign_admin": staff(Role.ADMIN, foreign_office.entity),
    }


def png(name="photo.png", size=(8, 8)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name="quote.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
