"""A cooperative for the peer-help tests: Camille asks (gardening, office A); Yanis (same trade,
office A), Inès (a matching skill, office B), Rose (a referent of the trade) are reached; Hugo
hides his trades and is not; Léa knows another trade; an outsider of another entity has the same
trade; an advisor of office A, the administrator, another entity's administrator."""

from __future__ import annotations

import datetime
import io

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (  # noqa: F401 - api_token_for re-exported
    OfficeFactory,
    TradeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)
from compagnon.directory.models import DirectoryProfile, Visibility
from compagnon.directory.services import refresh_profiles
from compagnon.procedures.models import TradeReferent

from .. import matching, services


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def _member(office, name, trades=(), skills=()):
    m, _a = member_with_activity(office)
    m.user.first_name, m.user.last_name = name.split(" ", 1)
    m.user.save(update_fields=["first_name", "last_name"])
    m.skills = list(skills)
    m.save(update_fields=["skills"])
    m.trades.set(trades)
    return m


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    other_office = OfficeFactory(entity=entity)
    garden = TradeFactory(code="jardinage-test", name_fr="Jardinage", name_en="Gardening")
    it = TradeFactory(code="informatique-test", name_fr="Informatique", name_en="IT repair")
    camille = _member(office, "Camille Durand", [garden])
    yanis = _member(office, "Yanis Martin", [garden])
    ines = _member(other_office, "Inès Petit", [], ["Taille de haies", "compost"])
    rose = _member(other_office, "Rose Leroy", [])
    hugo = _member(office, "Hugo Bernard", [garden])
    lea = _member(office, "Léa Moreau", [it])
    outsider = _member(OfficeFactory(), "Otto Outsider", [garden])
    refresh_profiles([m.pk for m in (camille, yanis, ines, rose, hugo, lea, outsider)])
    DirectoryProfile.objects.filter(member=ines).update(skills_visibility=Visibility.ENTITY)
    DirectoryProfile.objects.filter(member=hugo).update(trades_visibility=Visibility.NOBODY)
    admin = staff(Role.ADMIN, entity)
    TradeReferent.objects.create(entity=entity, trade=garden, member=rose, named_by=admin,
                                 since=datetime.date(2026, 1, 1))
    return {
        "entity": entity, "office": office, "garden": garden, "it": it,
        "camille": camille.user, "yanis": yanis.user, "ines": ines.user, "rose": rose.user, "hugo": hugo.user,
        "lea": lea.user, "outsider": outsider.user,
        "camille_m": camille, "yanis_m": yanis, "ines_m": ines, "rose_m": rose, "hugo_m": hugo, "lea_m": lea,
        "advisor": advisor_of(office), "admin": admin, "foreign_admin": staff(Role.ADMIN, outsider.entity),
    }


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def asked(c, *, by="camille", title="Comment tailler une haie de lauriers ?", body="Elle fait 3 mètres.",
          skills="taille, haies", trade="garden", match=True, **kw):
    q = services.ask(actor=c[by], title=title, body=body, skills=skills,
                     trade=c[trade] if trade else None, **kw)
    if match:
        matching.match(q.pk)
        q.refresh_from_db()
    return q
