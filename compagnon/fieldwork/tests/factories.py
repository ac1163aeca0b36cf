"""Factories for field service: a gardeners' sector in Nantes and what happens in it."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from compagnon.clients.models import Client
from compagnon.core.tests.factories import EntityFactory, TradeFactory, member_with_activity
from compagnon.fieldwork.models import (
    Contract,
    ContractState,
    Sector,
    SectorMembership,
    Service,
    Slot,
    Unavailability,
    Visit,
    VisitState,
)


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        skip_postgeneration_save = True

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"Sector {n}")
    postcodes = ["44000", "44300"]

    @factory.post_generation
    def trades(obj, create, extracted, **kwargs):
        if create:
            obj.trades.add(*(extracted or [TradeFactory(code="gardening")]))


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    entity = factory.SubFactory(EntityFactory)
    trade = factory.LazyFunction(lambda: TradeFactory(code="gardening"))
    name_fr = "Tonte"
    name_nl = "Gras maaien"
    name_en = "Mowing"
    unit_price = Decimal("38")
    vat_rate = Decimal("20")
    minutes = 90


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    kind = "individual"
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    phone = "0240000000"
    street = "3 rue Crébillon"
    postcode = "44000"
    city = "Nantes"


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    name = "Garden maintenance"
    client = factory.LazyAttribute(lambda o: ClientFactory(activity=o.activity))
    state = ContractState.ACTIVE
    starts_on = datetime.date(2026, 1, 5)
    price = Decimal("40")
    vat_rate = Decimal("20")
    street = "3 rue Crébillon"
    postcode = "44000"
    city = "Nantes"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    client = factory.LazyAttribute(lambda o: ClientFactory(activity=o.activity))
    state = VisitState.TO_PLAN
    minutes = 120
    street = "3 rue Crébillon"
    postcode = "44000"
    city = "Nantes"


class UnavailabilityFactory(DjangoModelFactory):
    class Meta:
        model = Unavailability


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = Slot


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def gardener(sector: Sector, office=None, *, lead=False):
    """A member holding a gardening activity, in ``sector`` (its lead when ``lead``)."""
    from compagnon.core.tests.factories import OfficeFactory

    office = office or OfficeFactory(entity=sector.entity)
    member, activity = member_with_activity(office)
    SectorMembership.objects.create(sector=sector, member=member)
    if lead:
        sector.lead = member
        sector.save(update_fields=["lead"])
    return member, activity
