"""The demo: topics, the choices of a few members, one newsletter sent, two news items; seeding
twice adds nothing."""

import pytest

from ..demo import seed_demo_mailings
from ..models import Delivery, EmailState, Interest, Mailing, MailingState, MemberInterest
from ..selectors import news_for
from .helpers import coop

pytestmark = pytest.mark.django_db


def test_demo_seeds_topics_choices_a_sent_newsletter_and_two_news_once():
    c = coop()
    Interest.objects.all().delete()  # a cooperative without topics yet
    out = seed_demo_mailings([c["entity"]])
    assert out == {"interests": 5, "members": 3, "mailings": 3}
    assert Interest.objects.filter(entity=c["entity"]).count() == 5
    assert MemberInterest.objects.filter(member=c["camille"]).exists()
    assert set(Mailing.objects.values_list("state", flat=True)) == {MailingState.SENT}
    newsletter = Mailing.objects.get(kind="newsletter")
    assert Delivery.objects.filter(mailing=newsletter, email_state=EmailState.SENT).count() == 3
    assert len(news_for(c["camille"].user, limit=5)) == 2  # her office's news and the announcement
    assert len(news_for(c["ines"].user, limit=5)) == 1  # Angers: the announcement only
    assert seed_demo_mailings([c["entity"]]) == {"interests": 0, "members": 0, "mailings": 0}
