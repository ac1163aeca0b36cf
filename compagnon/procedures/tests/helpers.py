"""A cooperative for the procedures' tests: a gardener (Camille, author), a colleague (Yanis,
referent of gardening), a member of another office of the same entity (Inès), an advisor, the
administrator, an accountant, and another entity with its member and administrator."""

from __future__ import annotations

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    OfficeFactory,
    TradeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

from .. import services


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    camille, _a = member_with_activity(office)
    yanis, _b = member_with_activity(office)
    ines, _c = member_with_activity(OfficeFactory(entity=entity))
    other = OfficeFactory()
    outsider, _d = member_with_activity(other)
    gardening = TradeFactory(code="gardening-t", name_en="Gardening", name_fr="Jardinage", name_nl="Tuinieren")
    it = TradeFactory(code="it-t", name_en="IT repair", name_fr="Dépannage informatique", name_nl="IT-herstel")
    admin = staff(Role.ADMIN, entity)
    c = {"entity": entity, "office": office, "camille": camille.user, "yanis": yanis.user, "ines": ines.user,
         "camille_member": camille, "yanis_member": yanis, "advisor": advisor_of(office), "admin": admin,
         "accountant": staff(Role.ACCOUNTANT, entity), "other_entity": other.entity, "outsider": outsider.user,
         "outsider_member": outsider, "foreign_admin": staff(Role.ADMIN, other.entity),
         "gardening": gardening, "it": it}
    services.name_referent(actor=admin, entity=entity, trade=gardening, member=yanis)
    return c


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


STEPS = [{"text": "Put on gloves, glasses and ear protection.", "to_tick": True},
         {"text": "Check the hedge for nests before cutting.", "to_tick": True},
         {"text": "Trim from the bottom up, blade parallel to the hedge."}]


def draft(c, *, by="camille", title="Hedge trimming", trade="gardening", kind="maintenance", entity=None,
          steps=None, **kw):
    return services.create_procedure(actor=c[by], entity=entity or c["entity"], trade=c[trade], kind=kind,
                                     title=title, steps=steps or STEPS, tools=kw.pop("tools", "Hedge trimmer"),
                                     safety=kw.pop("safety", "Never above shoulder height."), **kw)


def in_force(c, *, reviewer=None, **kw):
    version = draft(c, **kw)
    services.submit(actor=version.author, version=version)
    trade = kw.get("trade", "gardening")
    reviewer = reviewer or ("yanis" if trade == "gardening" and kw.get("entity") in (None, c["entity"])
                            else ("admin" if kw.get("entity") in (None, c["entity"]) else "foreign_admin"))
    services.review(actor=c[reviewer], version=version, decision="validate")
    version.procedure.refresh_from_db()
    return version.procedure
