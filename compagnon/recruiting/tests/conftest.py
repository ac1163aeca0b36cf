"""A cooperative with two offices, their advisors, an administrator, a member, a gardeners' sector
with planned visits, and applications at several steps: the recruiting tests' world."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    EntityFactory,
    OfficeFactory,
    TradeFactory,
    advisor_of,
    member_with_activity,
    staff,
)
from compagnon.fieldwork import antispam
from compagnon.fieldwork.models import SectorMembership
from compagnon.fieldwork.tests.factories import SectorFactory
from compagnon.recruiting import services


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def form_data(**extra) -> dict:
    data = {
        "first_name": "Inès", "last_name": "Morvan", "email": "ines.morvan@example.org", "phone": "0611223344",
        "postcode": "44000", "city": "Nantes", "zone_km": "25",
        "experience": "Ten years as a landscape gardener in Angers.",
        "availability": "From March, four days a week.", "motivation": "Work on my own, with colleagues.",
        "consent": "on", "started": antispam.started_token(time.time() - 60), "website": "",
    }
    data.update(extra)
    return data


def apply(w, **kw):
    data = dict(entity=w.entity, office=w.office, first_name="Inès", last_name="Morvan",
                email="ines.morvan@example.org", phone="0611223344", language="en", trades=[w.gardening],
                postcode="44000", city="Nantes", zone_km=25, experience="Ten years of gardens.",
                availability="Four days a week", consent=True)
    data.update(kw)
    return services.submit_application(**data)


@pytest.fixture
def w(db):
    entity = EntityFactory()
    office = OfficeFactory(entity=entity, name="Nantes")
    other_office = OfficeFactory(entity=entity, name="Saint-Nazaire")
    gardening = TradeFactory(code="gardening", name_en="Gardening", name_fr="Jardinage", name_nl="Tuinieren")
    it = TradeFactory(code="it-repair", name_en="IT repair", name_fr="Dépannage informatique", name_nl="IT-herstel")
    sector = SectorFactory(entity=entity, office=office, postcodes=["44000", "44300"], name="Nantes nord",
                           trades=[gardening])
    member, activity = member_with_activity(office, postcode="44000")
    colleague, colleague_activity = member_with_activity(office, postcode="44300")
    SectorMembership.objects.create(sector=sector, member=member, weekly_hours=Decimal("20"))
    SectorMembership.objects.create(sector=sector, member=colleague, weekly_hours=Decimal("10"))
    foreign = EntityFactory()
    return SimpleNamespace(
        entity=entity, office=office, other_office=other_office, gardening=gardening, it=it, sector=sector,
        member=member, activity=activity, colleague=colleague, colleague_activity=colleague_activity,
        advisor=advisor_of(office), other_advisor=advisor_of(other_office), admin=staff(Role.ADMIN, entity),
        foreign_admin=staff(Role.ADMIN, foreign), foreign=foreign,
    )


def soon(days: int = 7, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
