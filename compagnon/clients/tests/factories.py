"""Factories of the clients context; the people and activities come from core's factories."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.fr import siren

from compagnon.clients.models import (
    Client,
    ClientImport,
    ClientKind,
    Contact,
    EntryKind,
    ImportStatus,
    RelationshipEntry,
)
from compagnon.core.demo import kbo_from, siren_from
from compagnon.core.tests.factories import ActivityFactory, UserFactory


class ClientFactory(DjangoModelFactory):
    """A French company with a valid SIREN and VAT number, as the service would store it."""

    class Meta:
        model = Client

    activity = factory.SubFactory(ActivityFactory)
    kind = ClientKind.COMPANY
    name = factory.Sequence(lambda n: f"Client {n:04d}")
    email = factory.Sequence(lambda n: f"billing{n}@client.example")
    street = "4 rue des Lilas"
    postcode = "44000"
    city = "Nantes"
    country = "FR"
    language = "fr"
    company_number = factory.Sequence(lambda n: siren_from(40000000 + n))
    vat_number = factory.LazyAttribute(lambda o: f"FR{siren.to_tva(o.company_number)}")
    peppol_scheme = "0002"
    peppol_id = factory.LazyAttribute(lambda o: o.company_number)

    class Params:
        belgian = factory.Trait(
            country="BE",
            city="Gent",
            postcode="9000",
            language="nl",
            company_number=factory.Sequence(lambda n: kbo_from(3000000 + n)),
            vat_number=factory.LazyAttribute(lambda o: f"BE{o.company_number}"),
            peppol_scheme="0208",
        )
        individual = factory.Trait(
            kind=ClientKind.INDIVIDUAL,
            name=factory.Sequence(lambda n: f"Jeanne Martin {n}"),
            company_number="",
            vat_number="",
            peppol_scheme="",
            peppol_id="",
        )


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name", locale="fr_FR")
    role = "accounts payable"
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    phone = "+33 2 40 00 00 00"


class RelationshipEntryFactory(DjangoModelFactory):
    class Meta:
        model = RelationshipEntry

    client = factory.SubFactory(ClientFactory)
    kind = EntryKind.MEETING
    date = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"Site visit {n}")
    body = "Walked the garden with the owner."
    author = factory.SubFactory(UserFactory)


class CommitmentFactory(RelationshipEntryFactory):
    kind = EntryKind.OUR_COMMITMENT
    title = factory.Sequence(lambda n: f"Send the quote {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class ClientImportFactory(DjangoModelFactory):
    class Meta:
        model = ClientImport

    activity = factory.SubFactory(ActivityFactory)
    file = factory.django.FileField(filename="clients.csv", data=b"name\nAcme\n")
    original_name = "clients.csv"
    uploaded_by = factory.SubFactory(UserFactory)
    status = ImportStatus.DRY_RUN_OK
    report = factory.LazyFunction(lambda: {"total": 1, "valid": 1, "created": 0, "errors": []})
