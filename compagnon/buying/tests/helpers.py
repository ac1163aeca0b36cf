"""A cooperative with three members holding activities, staff, a supplier, and an outsider of
another entity, for the buying-together tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import member_with_activity, staff
from compagnon.purchases.tests.workflow_helpers import cooperative, paper_invoice

from .. import group

D = Decimal


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def coop() -> dict:
    c = cooperative()
    c["ines"], c["ines_activity"] = member_with_activity(c["office"])
    c["admin"] = staff(Role.ADMIN, c["entity"])
    other = cooperative()
    c["outsider"], c["outsider_activity"] = other["camille"], other["activity"]
    c["outsider_supplier"] = other["supplier"]
    c["foreign_admin"] = staff(Role.ADMIN, other["entity"])
    return c


def open_group(c, *, by="camille", minimum="10", price="2.50", deadline=7, **kw):
    actor = c[by].user if hasattr(c[by], "user") else c[by]
    return group.open_group(actor=actor, supplier=c["supplier"], title=kw.pop("title", "Paper for everyone"),
                            description="A4 paper, 80 g, box of 5 reams", unit="box", unit_price=D(price),
                            deadline=days(deadline), minimum_quantity=D(minimum), **kw)


def joined(c, g, quantities: dict):
    """``quantities``: {"camille": "3", "yanis": "4"} — each joins with their activity."""
    acts = {"camille": "activity", "yanis": "yanis_activity", "ines": "ines_activity"}
    for who, qty in quantities.items():
        group.join(actor=c[who].user, group=g, activity=c[acts[who]], quantity=D(qty))
    return g


def ordered(c, quantities=None, **kw):
    kw.setdefault("minimum", "1")
    g = joined(c, open_group(c, **kw), quantities or {"camille": "3", "yanis": "4", "ines": "5"})
    return group.settle(actor=c["camille"].user, group=g)


__all__ = ["D", "coop", "days", "joined", "open_group", "ordered", "paper_invoice"]
