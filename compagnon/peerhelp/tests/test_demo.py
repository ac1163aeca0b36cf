"""The demo: questions in French (one accepted and found helpful, one waiting) and one in Dutch;
member2 a helper; seeding twice adds nothing."""

import pytest

from compagnon.core.tests.factories import MemberFactory, OfficeFactory, TradeFactory, UserFactory
from compagnon.directory.services import refresh_profiles

from ..demo import seed_demo_peerhelp
from ..models import HelperStat, Question

pytestmark = pytest.mark.django_db


def test_demo_questions_once():
    garden = TradeFactory(code="gardening")
    TradeFactory(code="it-repair")
    fr = OfficeFactory()
    be = OfficeFactory(entity__belgian=True)
    m1 = MemberFactory(office=fr, user=UserFactory(email="member1@demo.coop"))
    m2 = MemberFactory(office=fr, user=UserFactory(email="member2@demo.coop"))
    lea = MemberFactory(office=fr, user=UserFactory(email="lea.rousseau@demo.coop"))
    other = MemberFactory(office=fr)
    for m in (m1, lea, other):
        m.trades.set([garden])
    nl = [MemberFactory(office=be, user=UserFactory(language="nl")) for _ in range(2)]
    refresh_profiles([m.pk for m in (m1, m2, lea, other, *nl)])
    assert seed_demo_peerhelp([fr.entity, be.entity]) == {"questions": 4}
    accepted = Question.objects.get(accepted__isnull=False)
    assert accepted.asker == m1 and accepted.accepted.helped_count == 1
    assert HelperStat.objects.get(member=m2).accepted == 1
    waiting = Question.objects.get(answers_count=0)
    assert waiting.reached_count >= 1 and waiting.reaches.filter(member=m1).exists()
    assert Question.objects.get(entity=be.entity).language == "nl"
    assert seed_demo_peerhelp([fr.entity, be.entity]) == {"questions": 0}
