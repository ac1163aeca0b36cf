"""A cooperative with members working in activities, for the cooperation tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    OfficeFactory,
    advisor_of,
    member_with_activity,
    staff,
)
from compagnon.ledger.tests.factories import books

D = Decimal


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    books(entity)
    people, acts = [], []
    for _ in range(3):
        m, a = member_with_activity(office)
        people.append(m)
        acts.append(a)
    foreign_office = OfficeFactory()
    outsider, outsider_activity = member_with_activity(foreign_office)
    return {
        "entity": entity,
        "office": office,
        "admin": staff(Role.ADMIN, entity),
        "advisor": advisor_of(office),
        "accountant": staff(Role.ACCOUNTANT, entity),
        "members": people,
        "activities": acts,
        "bystander": MemberFactory(office=office),
        "outsider": outsider,
        "foreign_admin": staff(Role.ADMIN, foreign_office.entity),
        "employer": ActivityFactory(entity=entity, holder=MemberFactory(office=office)),
    }
