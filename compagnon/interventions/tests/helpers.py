"""A sector of gardeners in Nantes with one visit today: the people and objects the tests use."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from PIL import Image

from compagnon.accounts.models import Role
from compagnon.clients.models import Client
from compagnon.core.tests.factories import OfficeFactory, member_with_activity, staff
from compagnon.fieldwork.models import (
    Contract,
    ContractState,
    Sector,
    SectorMembership,
    Visit,
    VisitState,
    VisitTask,
)


@dataclass
class World:
    entity: object
    office: object
    sector: Sector
    member: object
    activity: object
    colleague: object
    outsider: object
    admin: object
    client: Client
    contract: Contract
    visit: Visit


def jpeg(width=2400, height=1800, color=(40, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=80)
    return out.getvalue()


def visit_for(member, activity, client, *, sector=None, contract=None, day=None, hour=9) -> Visit:
    day = day or timezone.localdate()
    visit = Visit.objects.create(
        activity=activity,
        client=client,
        contract=contract,
        sector=sector,
        member=member,
        state=VisitState.PLANNED,
        day=day,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0))),
        minutes=120,
        street="4 rue des Lilas",
        postcode="44000",
        city="Nantes",
        latitude=Decimal("47.218371"),
        longitude=Decimal("-1.553621"),
        notes="Le chien est gentil.",
    )
    VisitTask.objects.create(visit=visit, name="Tonte de la pelouse", position=0)
    VisitTask.objects.create(visit=visit, name="Taille de la haie", position=1)
    return visit


def world(*, client_validates=False) -> World:
    office = OfficeFactory()
    member, activity = member_with_activity(office)
    colleague, _ = member_with_activity(office)
    outsider, _ = member_with_activity()
    sector = Sector.objects.create(
        entity=office.entity, office=office, name="Nantes Nord", postcodes=["44000"]
    )
    SectorMembership.objects.create(sector=sector, member=member)
    SectorMembership.objects.create(sector=sector, member=colleague)
    client = Client.objects.create(
        activity=activity,
        kind="individual",
        name="Mme Durand",
        street="4 rue des Lilas",
        postcode="44000",
        city="Nantes",
        email="durand@example.org",
    )
    contract = Contract.objects.create(
        activity=activity,
        client=client,
        sector=sector,
        member=member,
        name="Entretien jardin Durand",
        state=ContractState.ACTIVE,
        starts_on=timezone.localdate() - datetime.timedelta(days=60),
        price=Decimal("40"),
        vat_rate=Decimal("20"),
        client_validates_sheets=client_validates,
        access_notes="Portail bleu, code 1234.",
        street="4 rue des Lilas",
        postcode="44000",
        city="Nantes",
    )
    visit = visit_for(member, activity, client, sector=sector, contract=contract)
    admin = staff(Role.ADMIN, office.entity)
    return World(
        office.entity,
        office,
        sector,
        member,
        activity,
        colleague,
        outsider,
        admin,
        client,
        contract,
        visit,
    )
