"""Factories for quotes, invoices and their clients; tests read like the business."""

from decimal import Decimal as D

import factory
from factory.django import DjangoModelFactory

from compagnon.clients.models import Client
from compagnon.core.tests.factories import ActivityFactory, member_with_activity  # noqa: F401
from compagnon.sales import services
from compagnon.sales.models import CatalogueItem, Kind

GARDEN_LINES = [
    {"kind": "section", "description": "Garden maintenance"},
    {"description": "Hedge trimming", "quantity": D("3.5"), "unit": "HUR", "unit_price": D("40"),
     "vat_category": "S", "vat_rate": D("20")},
    {"description": "Green waste removal", "quantity": D("1"), "unit": "LS", "unit_price": D("35.50"),
     "vat_category": "S", "vat_rate": D("10")},
]
GARDEN_TOTAL = D("207.05")  # 140 + 35.50 excl. VAT, 28 + 3.55 VAT


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Copropriété Les Tilleuls {n}")
    street = "4 rue des Lilas"
    postcode = "44000"
    city = "Nantes"
    country = "FR"
    email = factory.Sequence(lambda n: f"syndic{n}@example.org")
    language = "fr"

    class Params:
        without_address = factory.Trait(street="", postcode="", city="")


class CatalogueItemFactory(DjangoModelFactory):
    class Meta:
        model = CatalogueItem

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"Lawn mowing {n}")
    unit = "HUR"
    unit_price = D("35")
    vat_category = "S"
    vat_rate = D("20")


def draft(member, activity, client, *, kind=Kind.QUOTE, lines=None, **fields):
    """A draft made the way a member makes it, through the service."""
    return services.create_document(actor=member.user, activity=activity, client=client, kind=kind,
                                    lines=GARDEN_LINES if lines is None else lines, **fields)


def issued_invoice(member, activity, client, **fields):
    invoice = draft(member, activity, client, kind=Kind.INVOICE, **fields)
    return services.issue_document(actor=member.user, document=invoice)
