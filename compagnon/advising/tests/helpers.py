"""A cooperative for the advising tests: two offices of one entity, each with its advisor (the
second one is the relay), members in both, the entity's support agent, accountant and
administrator, and a member and an administrator of another entity. ``travel`` moves the clock."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

from django.utils import timezone

from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import (
    EntityFactory,
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

from .. import services


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextlib.contextmanager
def travel(day: datetime.date, hour: int = 10):
    """The clock (``timezone.now``, so ``localdate`` too) set to ``day`` at ``hour``."""
    moment = at(day, hour)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def coop() -> dict:
    entity = EntityFactory()
    nantes = OfficeFactory(entity=entity, name="Nantes")
    angers = OfficeFactory(entity=entity, name="Angers")
    advisor = advisor_of(nantes)
    relay = advisor_of(angers)
    camille, camille_activity = member_with_activity(nantes, advisor=advisor)
    yanis, _ = member_with_activity(nantes, advisor=advisor)
    ines, _ = member_with_activity(angers, advisor=relay)
    other = OfficeFactory()
    outsider, _ = member_with_activity(other)
    return {
        "entity": entity, "nantes": nantes, "angers": angers, "advisor": advisor, "relay": relay,
        "camille": camille, "camille_activity": camille_activity, "yanis": yanis, "ines": ines,
        "support": staff(Role.SUPPORT, entity, service=SupportService.LEGAL),
        "accountant": staff(Role.ACCOUNTANT, entity),
        "admin": staff(Role.ADMIN, entity),
        "outsider": outsider,
        "foreign_admin": staff(Role.ADMIN, other.entity),
    }


def planned(c, *, member="camille", when=None, topic="Quarterly follow-up", by="advisor", **kw):
    kw.setdefault("place", "Nantes office")
    return services.plan_appointment(actor=c[by], member=c[member], starts_at=when or at(days(7)), topic=topic, **kw)


def held(c, *, notes="Private: worried about cash.", shared=False, day=-3, **kw):
    a = planned(c, when=at(days(day)), **kw)
    return services.hold(actor=c["advisor"], appointment=a, notes=notes, notes_shared=shared)
