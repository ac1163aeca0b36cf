"""A cooperative with its members and the people of its support desks, for the support tests."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.clients.models import Client
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

# A Thursday at 10:00 local time: working days and nights fall where the tests say.
THURSDAY = datetime.datetime(2026, 3, 12, 10, 0)


def at(day: int = 0, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """``day`` days after Thursday 12 March 2026, at hour:minute local time."""
    base = THURSDAY + datetime.timedelta(days=day)
    return timezone.make_aware(base.replace(hour=hour, minute=minute))


def world() -> SimpleNamespace:
    office = OfficeFactory()
    entity = office.entity
    member, activity = member_with_activity(office)
    colleague, colleague_activity = member_with_activity(office)
    elsewhere_office = OfficeFactory(entity=entity)
    member_elsewhere, _a = member_with_activity(elsewhere_office)
    foreign_office = OfficeFactory()
    outsider, _b = member_with_activity(foreign_office)
    w = SimpleNamespace(
        entity=entity, office=office, member=member, activity=activity, colleague=colleague,
        colleague_activity=colleague_activity, member_elsewhere=member_elsewhere, outsider=outsider,
        advisor=advisor_of(office),
        agent=staff(Role.SUPPORT, entity, service="accounting"),
        agent2=staff(Role.SUPPORT, entity, service="accounting"),
        legal=staff(Role.SUPPORT, entity, service="legal"),
        collections=staff(Role.SUPPORT, entity, service="collections"),
        accountant=staff(Role.ACCOUNTANT, entity),
        admin=staff(Role.ADMIN, entity),
        foreign_admin=staff(Role.ADMIN, foreign_office.entity),
        foreign_agent=staff(Role.SUPPORT, foreign_office.entity, service="accounting"),
        bystander=MemberFactory(office=office),
    )
    return w


def client_of(activity, name="Copropriété Les Tilleuls") -> Client:
    return Client.objects.create(activity=activity, name=name, email="compta@client.example", kind="company",
                                 country="FR", language="fr")


def open_case(w, *, activity=None, client=None):
    """A collections case as dunning's handover makes it (the receiver gives it its request)."""
    from compagnon.dunning.models import CollectionCase

    activity = activity or w.activity
    return CollectionCase.objects.create(entity=activity.entity, activity=activity,
                                         client=client or client_of(activity))


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}
