"""A cooperative with associates, for the governance tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, staff

from .. import register, voting

D = Decimal
NO_QUORUM = Decimal("0")


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def coop(*, belgian: bool = False, members: int = 4, paid: bool = True) -> dict:
    office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
    entity = office.entity
    admin = staff(Role.ADMIN, entity)
    accountant = staff(Role.ACCOUNTANT, entity)
    register.save_settings(actor=admin, entity=entity, share_nominal=D("50.00"), max_proxies=2)
    workers = register.add_category(actor=admin, entity=entity, name="Workers")
    people = [MemberFactory(office=office) for _ in range(members)]
    associates = []
    for m in people:
        a = register.admit_associate(actor=admin, member=m, category=workers, joined_on=ago(100), shares=2)
        if paid:
            register.record_payment(actor=admin, associate=a, amount=D("100.00"), date=ago(90))
        associates.append(a)
    foreign = OfficeFactory()
    return {
        "entity": entity,
        "office": office,
        "admin": admin,
        "accountant": accountant,
        "workers": workers,
        "members": people,
        "associates": associates,
        "outsider": MemberFactory(office=foreign),
        "foreign_admin": staff(Role.ADMIN, foreign.entity),
        "newcomer": MemberFactory(office=office),
    }


def open_assembly(c, *, majority="simple", quorum=NO_QUORUM, secret=True, resolutions=1):
    a = voting.create_assembly(
        actor=c["admin"], entity=c["entity"], title="AGM", held_at=timezone.now(), place="Nantes"
    )
    res = [
        voting.add_resolution(
            actor=c["admin"], assembly=a, title=f"Resolution {i + 1}", majority=majority, quorum=quorum, secret=secret
        )
        for i in range(resolutions)
    ]
    voting.convene(actor=c["admin"], assembly=a)
    voting.open_vote(actor=c["admin"], assembly=a)
    a.refresh_from_db()
    for r in res:
        r.refresh_from_db()
    return a, res
