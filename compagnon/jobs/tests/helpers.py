"""A cooperative with members, an advisor and a colleague of another trade, for the jobs tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MemberFactory,
    MembershipFactory,
    OfficeFactory,
    TradeFactory,
    advisor_of,
    member_with_activity,
    staff,
)
from compagnon.ledger.tests.factories import books
from compagnon.sales.tests.factories import ClientFactory

D = Decimal


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def world(*, belgian: bool = False, maturity: str = "new") -> SimpleNamespace:
    office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
    entity = office.entity
    books(entity)
    painting = TradeFactory(code="painting")
    member, activity = member_with_activity(office, maturity=maturity, postcode="44000")
    colleague = MemberFactory(office=office)
    MembershipFactory(activity=activity, member=colleague)
    taker, taker_activity = member_with_activity(office, postcode="44300", maturity="established")
    taker.trades.add(painting)
    stranger, stranger_activity = member_with_activity(office, postcode="75001")
    foreign_office = OfficeFactory(entity=entity)
    far, far_activity = member_with_activity(foreign_office)
    client = ClientFactory(activity=activity, email="durand@example.org")
    return SimpleNamespace(
        entity=entity, office=office, member=member, activity=activity, colleague=colleague, client=client,
        taker=taker, taker_activity=taker_activity, stranger=stranger, stranger_activity=stranger_activity,
        far=far, far_activity=far_activity, painting=painting, advisor=advisor_of(office),
        far_advisor=advisor_of(foreign_office), admin=staff(Role.ADMIN, entity),
    )


def declare(w, **kw):
    from compagnon.jobs import services

    data = dict(actor=w.member.user, activity=w.activity, client=w.client, description="Repaint the kitchen",
                amount=D("1200.00"), starts_on=day(10), ends_on=day(12), street="4 rue des Lilas",
                postcode="44000", city="Nantes")
    data.update(kw)
    return services.declare_job(**data)
