"""A small cooperative for the tenders tests: gardeners in Nantes and Paris, an IT technician,
a member of another cooperative, staff, the CPV table, and the sample files."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    TradeFactory,
    member_with_activity,
    staff,
)
from compagnon.tenders.models import CpvTrade, Kind, Notice, Source

FILES = Path(__file__).parent / "files"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


def pdf(name="offer.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def world() -> SimpleNamespace:
    office = OfficeFactory(postcode="44000")
    entity = office.entity
    gardening = TradeFactory(code="gardening")
    it = TradeFactory(code="it-repair")
    member, activity = member_with_activity(office, postcode="44000")
    member.trades.add(gardening)
    colleague, colleague_activity = member_with_activity(office, postcode="44300")
    colleague.trades.add(gardening)
    paris, _ = member_with_activity(OfficeFactory(entity=entity, postcode="75001"), postcode="75011")
    paris.trades.add(gardening)
    tech, tech_activity = member_with_activity(office, postcode="44100")
    tech.trades.add(it)
    outsider, _ = member_with_activity(OfficeFactory(), postcode="44000")
    outsider.trades.add(gardening)
    CpvTrade.objects.create(entity=entity, trade=gardening, cpv_prefix="7731", keywords="espaces verts, élagage")
    CpvTrade.objects.create(entity=entity, trade=gardening, cpv_prefix="77211")
    CpvTrade.objects.create(entity=entity, trade=it, cpv_prefix="5031")
    return SimpleNamespace(
        entity=entity, office=office, gardening=gardening, it=it, member=member, activity=activity,
        colleague=colleague, colleague_activity=colleague_activity, paris=paris, tech=tech,
        tech_activity=tech_activity, outsider=outsider, admin=staff(Role.ADMIN, entity),
        outsider_admin=staff(Role.ADMIN, outsider.entity),
    )


def notice(w, **kw) -> Notice:
    values = dict(entity=w.entity, kind=Kind.TENDER, source=Source.HAND, source_id=f"H-{Notice.objects.count() + 1}",
                  title="Tonte des parcs de Rezé", buyer="Commune de Rezé", cpv_codes=["77310000"], department="44",
                  deadline=later(20), published_on=timezone.localdate())
    values.update(kw)
    return Notice.objects.create(**values)
