"""The demo help centre: topics, three guides in three languages attached to their pages, the FAQ,
a confirmed expert; seeding twice adds nothing."""

import pytest

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, staff

from ..demo import seed_demo_knowledge
from ..models import FaqEntry, HelpLink, Revision, State, TopicExpert, Translation

pytestmark = pytest.mark.django_db


def test_demo_help_centre_once():
    office = OfficeFactory(entity__belgian=True)
    staff(Role.ADMIN, office.entity)
    author = MemberFactory(office=office)
    MemberFactory(office=office)
    out = seed_demo_knowledge([office.entity])
    assert out == {"topics": 3, "articles": 3, "faq": 5}
    assert Translation.objects.filter(current__isnull=False).count() == 9
    assert set(Translation.objects.values_list("language", flat=True)) == {"fr", "nl", "en"}
    quote = Revision.objects.get(translation__language="nl", title="Een offerte versturen vanaf je telefoon")
    assert quote.state == State.PUBLISHED and quote.author == author.user  # written by a member, reviewed
    assert HelpLink.objects.filter(page_key="sales-document").exists()
    assert FaqEntry.objects.count() == 5 and TopicExpert.objects.get().state == "confirmed"
    assert seed_demo_knowledge([office.entity]) == {"topics": 0, "articles": 0, "faq": 0}
