"""A cooperative with two offices and a second entity, for the directory tests.

``target`` is the member whose choices the tests change: a gardener of Nantes with a value in
every field, each value a distinct marker word so that a test can tell what is shown."""

from __future__ import annotations

from dataclasses import dataclass

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    ActivityFactory,
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    UserFactory,
    advisor_of,
    api_token_for,
    staff,
)
from compagnon.members.models import Member

from .. import services
from ..models import Visibility

MARKERS = {
    "headline": "Headlinemark",
    "bio": "Biomark",
    "skills": "Skillmark",
    "languages": "Languagemark",
    "trades": "Trademark",
    "activities": "Activitymark",
    "zone": "Rezé",
    "place": "Saint-Herblain",
    "website": "https://websitemark.example",
    "email": "emailmark@example.org",
    "phone": "+33 6 00 11 22 33",
}


@dataclass
class World:
    entity: object
    office: object
    other_office: object
    target: Member
    colleague: Member  # same office
    far_colleague: Member  # other office, same entity
    outsider: Member  # another entity
    advisor: object  # advisor of the target's office
    other_advisor: object  # advisor of the other office
    admin: object
    support: object
    accountant: object
    foreign_admin: object
    activity: object
    trade: object


def person(office, first, last, **kw) -> Member:
    user = UserFactory(first_name=first, last_name=last, phone=kw.pop("phone", ""))
    return MemberFactory(user=user, office=office, **kw)


def world() -> World:
    office = OfficeFactory(name="Nantes")
    entity = office.entity
    other_office = OfficeFactory(entity=entity, name="Angers")
    trade = TradeFactory(code="gardening", name_fr="Jardinage", name_nl="Tuinonderhoud", name_en="Trademark gardening")
    TradeFactory(code="it-repair", name_fr="Dépannage informatique", name_nl="Computerherstelling", name_en="IT repair")
    target = person(
        office, "Camille", "Moreau", city="Saint-Herblain", postcode="44800", phone=MARKERS["phone"],
        bio="Biomark: jardins écologiques", skills=["Skillmark", "taille", "éco-construction"],
        languages=["Languagemark", "français"],
    )
    target.user.email = MARKERS["email"]
    target.user.save()
    target.trades.set([trade])
    activity = ActivityFactory(entity=entity, name="Activitymark Jardins", holder=target)
    colleague = person(office, "Yanis", "Garnier", city="Nantes", postcode="44000")
    far_colleague = person(other_office, "Léa", "Rousseau", city="Angers", postcode="49100")
    foreign_office = OfficeFactory()
    outsider = person(foreign_office, "Pieter", "Claes", city="Nantes", postcode="44000")
    w = World(
        entity=entity, office=office, other_office=other_office, target=target, colleague=colleague,
        far_colleague=far_colleague, outsider=outsider, advisor=advisor_of(office),
        other_advisor=advisor_of(other_office), admin=staff(Role.ADMIN, entity),
        support=staff(Role.SUPPORT, entity, service="legal"), accountant=staff(Role.ACCOUNTANT, entity),
        foreign_admin=staff(Role.ADMIN, foreign_office.entity), activity=activity, trade=trade,
    )
    services.refresh_profiles(Member.objects.values_list("pk", flat=True))
    return w


def choose(member: Member, level: int, **extra) -> None:
    """``member`` shows every field to ``level`` (the email at most to the cooperative), with the
    directory-only fields filled in."""
    changes = {f"{name}_visibility": level for name in MARKERS}
    if level == Visibility.PUBLIC:
        changes["email_visibility"] = Visibility.ENTITY
    changes.update(headline=MARKERS["headline"], website=MARKERS["website"], zone_city="Rezé",
                   zone_postcode="44400", zone_km=15)
    changes.update(extra)
    services.update_profile(actor=member.user, member=member, **changes)


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def viewer(w: World, role: str):
    """The user acting as ``role``."""
    return {
        "self": w.target.user,
        "office": w.colleague.user,
        "other-office": w.far_colleague.user,
        "other-entity": w.outsider.user,
        "advisor": w.advisor,
        "other-advisor": w.other_advisor,
        "admin": w.admin,
        "support": w.support,
        "accountant": w.accountant,
        "foreign-admin": w.foreign_admin,
    }[role]
