"""A cooperative for the help-centre tests: two members of one office, a member of another
office, their advisor, the administrator and a communication support agent (the editors), a legal
support agent and an accountant (readers), and another entity with its member and administrator."""

from __future__ import annotations

import pytest

from compagnon.accounts.models import Role, SupportService
from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
    staff,
)

from .. import helplinks, services


def coop() -> dict:
    office = OfficeFactory()
    entity = office.entity
    camille, _a = member_with_activity(office)
    yanis, _b = member_with_activity(office)
    ines, _c = member_with_activity(OfficeFactory(entity=entity))
    other = OfficeFactory()
    outsider, _d = member_with_activity(other)
    return {
        "entity": entity, "office": office, "camille": camille.user, "yanis": yanis.user, "ines": ines.user,
        "camille_member": camille, "yanis_member": yanis,
        "advisor": advisor_of(office), "admin": staff(Role.ADMIN, entity),
        "editor": staff(Role.SUPPORT, entity, service=SupportService.COMMUNICATION),
        "legal": staff(Role.SUPPORT, entity, service=SupportService.LEGAL),
        "accountant": staff(Role.ACCOUNTANT, entity),
        "other_entity": other.entity, "outsider": outsider.user, "foreign_admin": staff(Role.ADMIN, other.entity),
    }


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def draft(c, *, by="camille", title="Send a quote from your phone", body="Open **Quotes**, then tap *New*.",
          language="en", entity=None, **kw):
    return services.create_article(actor=c[by], entity=entity or c["entity"], language=language, title=title,
                                   body=body, summary=kw.pop("summary", "Three taps."), **kw)


def published(c, **kw):
    revision = draft(c, **kw)
    article = revision.translation.article
    services.review(actor=c["admin"] if kw.get("entity") in (None, c["entity"]) else c["foreign_admin"],
                    article=article, language=revision.translation.language, decision="approve")
    article.refresh_from_db()
    return article


@pytest.fixture(autouse=True)
def fresh_help_links():
    helplinks.forget()
    yield
    helplinks.forget()
