"""A gardeners' cooperative in Nantes: a sector, a member with an activity, an individual client
with a maintenance contract, visits and validated sheets — made as the apps below make them."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.utils import timezone

from compagnon.clients.models import Client, ClientKind
from compagnon.core.tests.factories import OfficeFactory, TradeFactory, member_with_activity
from compagnon.fieldwork.models import (
    Contract,
    ContractState,
    Sector,
    SectorMembership,
    Visit,
    VisitState,
)
from compagnon.interventions.models import Sheet, SheetState, SheetSupply, SheetTask
from compagnon.interventions.signals import sheet_validated


def gardener(office=None, sector=None):
    member, activity = member_with_activity(office or OfficeFactory())
    if sector is not None:
        SectorMembership.objects.create(sector=sector, member=member)
    return member, activity


def sector_for(office) -> Sector:
    sector = Sector.objects.create(
        entity=office.entity, office=office, name=f"Nantes nord {office.pk}", postcodes=["44300"]
    )
    sector.trades.add(TradeFactory())
    return sector


def client_of(activity, **fields) -> Client:
    defaults = {
        "kind": ClientKind.INDIVIDUAL,
        "name": "Jeanne Martin",
        "street": "3 rue Paul Bellamy",
        "postcode": "44000",
        "city": "Nantes",
        "country": "FR",
        "email": "jeanne@example.org",
        "language": "fr",
    }
    return Client.objects.create(activity=activity, **{**defaults, **fields})


def contract_for(member, activity, client, **fields) -> Contract:
    defaults = {
        "name": "Jardin Martin",
        "state": ContractState.ACTIVE,
        "starts_on": datetime.date(2026, 1, 1),
        "pricing": "hour",
        "price": D("30"),
        "vat_rate": D("20"),
        "invoicing": "month",
        "home_services": True,
        "postcode": "44000",
        "city": "Nantes",
        "street": "3 rue Paul Bellamy",
    }
    return Contract.objects.create(
        activity=activity, client=client, member=member, **{**defaults, **fields}
    )


def validated_sheet(
    contract,
    day: datetime.date,
    *,
    minutes=90,
    tasks=("Tonte", "Taille de haie"),
    supplies=(),
    member=None,
    sector=None,
    send=True,
) -> Sheet:
    visit = Visit.objects.create(
        activity=contract.activity,
        client=contract.client,
        contract=contract,
        member=member or contract.member,
        sector=sector or contract.sector,
        state=VisitState.DONE,
        day=day,
        minutes=minutes,
        postcode=contract.postcode,
        city=contract.city,
    )
    sheet = Sheet.objects.create(
        visit=visit,
        state=SheetState.VALIDATED,
        minutes=minutes,
        member_validated_at=timezone.now(),
        validated_at=timezone.now(),
    )
    for i, name in enumerate(tasks):
        SheetTask.objects.create(sheet=sheet, name=name, position=i)
    for name, qty, price in supplies:
        SheetSupply.objects.create(sheet=sheet, name=name, quantity=D(qty), unit_price=D(price))
    if send:
        sheet_validated.send(sender=Sheet, sheet=sheet)
    return sheet
