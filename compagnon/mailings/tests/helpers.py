"""A cooperative with two offices, members of every status, maturity, trade and language, its
staff, and another entity's people, for the mailings tests."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    advisor_of,
    staff,
)
from compagnon.members.models import Maturity, MemberStatus

from .. import services
from ..models import Kind


def member(office, *, postcode, language="fr", **kw):
    return MemberFactory(office=office, postcode=postcode, user__language=language, **kw)


def coop() -> dict:
    nantes = OfficeFactory(name="Nantes", postcode="44000")
    entity = nantes.entity
    angers = OfficeFactory(entity=entity, name="Angers", postcode="49100")
    gardening, it = TradeFactory(code="gardening"), TradeFactory(code="it-repair")
    c = {"entity": entity, "nantes": nantes, "angers": angers, "gardening": gardening, "it": it}
    c["camille"] = member(nantes, postcode="44000", maturity=Maturity.DEVELOPING, status=MemberStatus.CONTRACT)
    c["camille"].trades.set([gardening])
    c["yanis"] = member(nantes, postcode="44300", language="en", maturity=Maturity.ESTABLISHED,
                        status=MemberStatus.ASSOCIATE)
    ActivityFactory(entity=entity, trade=it, holder=c["yanis"])  # his trade through his activity
    c["ines"] = member(angers, postcode="49100", language="nl", status=MemberStatus.APPLICANT)
    c["gone"] = member(nantes, postcode="44000", status=MemberStatus.LEFT)
    c["admin"] = staff(Role.ADMIN, entity)
    c["advisor"] = advisor_of(nantes)
    c["angers_advisor"] = advisor_of(angers)
    c["accountant"] = staff(Role.ACCOUNTANT, entity)
    c["support"] = staff(Role.SUPPORT, entity, service="legal")
    foreign = OfficeFactory(name="Gent", postcode="9000")
    c["foreign_entity"] = foreign.entity
    c["outsider"] = member(foreign, postcode="9000")
    c["foreign_admin"] = staff(Role.ADMIN, foreign.entity)
    c["trainings"] = services.save_interest(actor=c["admin"], entity=entity, name_fr="Formations",
                                            name_en="Trainings", name_nl="Opleidingen")
    c["legal"] = services.save_interest(actor=c["admin"], entity=entity, name_fr="Actualité juridique",
                                        name_en="Legal news")
    return c


def write(c, *, by="admin", entity=None, **kw):
    """A draft mailing (a newsletter by email to everyone unless told otherwise)."""
    values = {"kind": Kind.NEWSLETTER, "send_email": True, "subject_fr": "Lettre de mai",
              "body_fr": "Bonjour **à tous**", "subject_en": "May letter", "body_en": "Hello **everyone**"}
    values.update(kw)
    return services.create_mailing(actor=c[by], entity=entity or c["entity"], **values)


def recipient_ids(mailing) -> set[int]:
    return set(mailing.deliveries.values_list("member_id", flat=True))


def absent(fn, *args) -> bool:
    try:
        fn(*args)
    except ObjectDoesNotExist:
        return True
    return False
