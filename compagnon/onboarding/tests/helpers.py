"""A cooperative for the onboarding tests: an entity with two offices, the advisor of the first,
the administrator, a path for new members (explanation, document to sign, meeting, task), and an
outsider of another entity."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    UserFactory,
    advisor_of,
    api_token_for,
    staff,
)
from compagnon.members.models import Maturity

from .. import building


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def new_member(office, **kw):
    user = UserFactory(first_name=kw.pop("first_name", "Lou"), last_name=kw.pop("last_name", "Martin"))
    return MemberFactory(user=user, office=office, maturity=kw.pop("maturity", Maturity.NEW), **kw)


def build_path(entity, admin, *, maturity=Maturity.NEW):
    path = building.save_path(actor=admin, entity=entity, maturity=maturity, title_en="Welcome",
                              title_fr="Bienvenue", intro_en="Your first weeks.")
    steps = [
        building.save_step(actor=admin, path=path, kind="explain", title_en="How the cooperative works",
                           text_en="Read this."),
        building.save_step(actor=admin, path=path, kind="sign", title_en="Internal rules",
                           uploaded_file=SimpleUploadedFile("rules.pdf", b"%PDF-1.4 the rules v1")),
        building.save_step(actor=admin, path=path, kind="meeting", title_en="Welcome meeting",
                           meeting_at=timezone.now() + datetime.timedelta(days=3), meeting_place="Nantes office"),
        building.save_step(actor=admin, path=path, kind="task", title_en="Create your first client"),
    ]
    return path, steps


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    admin = staff(Role.ADMIN, entity)
    path, steps = build_path(entity, admin)
    other = OfficeFactory()
    c = {"entity": entity, "office": office, "office2": OfficeFactory(entity=entity), "admin": admin,
         "advisor": advisor_of(office), "accountant": staff(Role.ACCOUNTANT, entity), "path": path, "steps": steps,
         "other_entity": other.entity, "foreign_admin": staff(Role.ADMIN, other.entity)}
    c["lou"] = new_member(office)
    c["sam"] = new_member(office, first_name="Sam", last_name="Peeters")
    c["far"] = new_member(c["office2"], first_name="Noor", last_name="Jansen")
    c["outsider"] = new_member(other, first_name="Eva", last_name="Smet")
    return c
