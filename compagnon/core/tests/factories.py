"""A factory for every model; tests read like the business ("a member of the Nantes office")."""

import factory
from factory.django import DjangoModelFactory

from compagnon.accounts.models import ApiToken, Role, RoleAssignment, User
from compagnon.core.demo import kbo_from, siren_from
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    Member,
    MemberStatus,
    Trade,
)
from compagnon.organisation.models import Entity, Office


def _vat_of(jurisdiction: str, company_number: str) -> str:
    if jurisdiction == "BE":
        return "BE" + company_number
    from stdnum.fr import siren

    return "FR" + siren.to_tva(company_number[:9])


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"Coop {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} SCOP")
    jurisdiction = "FR"
    company_number = factory.Sequence(lambda n: siren_from(30000000 + n))
    vat_number = factory.LazyAttribute(lambda o: _vat_of(o.jurisdiction, o.company_number))
    street = "12 quai de la Fosse"
    city = "Nantes"
    postcode = "44000"
    country = "FR"
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
    email = "factures@coop.example"

    class Params:
        belgian = factory.Trait(
            jurisdiction="BE",
            country="BE",
            city="Bruxelles",
            postcode="1000",
            default_language="nl",
            company_number=factory.Sequence(lambda n: kbo_from(2000000 + n)),
            street="Rue de la Loi 16",
            iban="BE68539007547034",
            bic="GKCCBEBB",
        )


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    city = "Nantes"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TradeFactory(DjangoModelFactory):
    class Meta:
        model = Trade
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"trade-{n}")
    name_fr = factory.LazyAttribute(lambda o: f"Métier {o.code}")
    name_nl = factory.LazyAttribute(lambda o: f"Vak {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Trade {o.code}")


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    entity = factory.LazyAttribute(lambda o: o.office.entity)
    number = factory.Sequence(lambda n: f"M{n:05d}")
    status = MemberStatus.CONTRACT


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")

    @factory.post_generation
    def holder(obj, create, extracted, **kwargs):
        """ActivityFactory(holder=member) makes ``member`` its holder."""
        if create and extracted is not None:
            ActivityMembership.objects.create(
                activity=obj, member=extracted, role=ActivityRole.HOLDER
            )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = ActivityMembership

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)
    role = ActivityRole.CONTRIBUTOR


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.ADVISOR
    office = factory.SubFactory(OfficeFactory)
    entity = factory.LazyAttribute(lambda o: o.office.entity if o.office else EntityFactory())


def member_with_activity(office=None, **member_kwargs) -> tuple[Member, Activity]:
    """A member holding one activity in ``office`` (a fresh office by default)."""
    office = office or OfficeFactory()
    member = MemberFactory(office=office, **member_kwargs)
    activity = ActivityFactory(entity=office.entity, holder=member)
    return member, activity


def advisor_of(*offices) -> User:
    user = UserFactory()
    for office in offices:
        RoleFactory(user=user, role=Role.ADVISOR, office=office, entity=office.entity)
    return user


def staff(role: str, entity, service: str = "") -> User:
    user = UserFactory()
    RoleFactory(user=user, role=role, office=None, entity=entity, service=service)
    return user


def api_token_for(user) -> str:
    raw = ApiToken.new_key()
    ApiToken.objects.create(
        user=user, name="test", prefix=raw[4:12], key_hash=ApiToken.hash_key(raw)
    )
    return raw
