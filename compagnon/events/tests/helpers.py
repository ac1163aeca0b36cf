"""A cooperative with two offices, members, staff of every role and a foreign entity, for the
agenda, trainings and mentoring tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    advisor_of,
    api_token_for,
    staff,
)

from .. import services


def at(days: float = 0, hours: float = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    other_office = OfficeFactory(entity=entity)
    foreign_office = OfficeFactory()
    members = [MemberFactory(office=office) for _ in range(4)]
    c = {
        "entity": entity,
        "office": office,
        "other_office": other_office,
        "members": members,
        "member": members[0],
        "colleague": members[1],
        "elsewhere": MemberFactory(office=other_office),
        "outsider": MemberFactory(office=foreign_office),
        "advisor": advisor_of(office),
        "other_advisor": advisor_of(other_office),
        "support": staff(Role.SUPPORT, entity, service="legal"),
        "accountant": staff(Role.ACCOUNTANT, entity),
        "admin": staff(Role.ADMIN, entity),
        "foreign_admin": staff(Role.ADMIN, foreign_office.entity),
        "foreign_office": foreign_office,
        "trade": TradeFactory(code="gardening"),
    }
    return c


def event(c, *, where=None, days=7, capacity=None, kind="workshop", actor=None, **extra):
    values = {"title": "Pricing workshop", "starts_at": at(days), "ends_at": at(days, 3), "place": "Office room"}
    if kind == "training":
        values.update(topic="Bookkeeping basics", level="beginner", trainer=c["advisor"].email, hours=Decimal("3"))
    values.update(extra)
    return services.create_event(actor=actor or c["admin"], where=where or c["office"], kind=kind,
                                 capacity=capacity, **values)


def user_of(c, who):
    person = c[who]
    return getattr(person, "user", person)
