"""Mentoring: offers and requests by trade, a mentor or the staff accepting, the mentor's
capacity, meetings, the pairs advisors follow with the "no news for two months" flag."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.core.tests.factories import MemberFactory, TradeFactory
from compagnon.notifications.models import Notification

from .. import mentoring
from .. import selectors_mentoring as sel
from ..models import MentorMeeting, MentorPair, MentorRequestStatus
from .helpers import auth, coop

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["mentor"] = c["members"][2]
    c["offer"] = mentoring.offer_mentoring(actor=c["mentor"].user, trade=c["trade"], note="Ten years of gardens",
                                           capacity=1)
    return c


def test_a_new_member_asks_a_mentor_of_the_trade_takes_it(c, django_capture_on_commit_callbacks):
    mentee = c["member"]
    with django_capture_on_commit_callbacks(execute=True):
        req = mentoring.ask_mentor(actor=mentee.user, trade=c["trade"], note="Starting out")
    assert mentoring.ask_mentor(actor=mentee.user, trade=c["trade"]).pk == req.pk  # asking twice: one request
    assert Notification.objects.filter(user=c["mentor"].user, title__contains="looking for a mentor").count() == 1
    with pytest.raises(PermissionDenied):  # not a mentor of this trade
        mentoring.accept_request(actor=c["colleague"].user, request=req)
    with pytest.raises(PermissionDenied):
        mentoring.accept_request(actor=c["accountant"], request=req)
    with django_capture_on_commit_callbacks(execute=True):
        pair = mentoring.accept_request(actor=c["mentor"].user, request=req, goals="Find three clients")
    assert (pair.mentor, pair.mentee, pair.since) == (c["mentor"], mentee, timezone.localdate())
    assert mentoring.accept_request(actor=c["mentor"].user, request=req).pk == pair.pk
    req.refresh_from_db()
    assert req.status == MentorRequestStatus.MATCHED
    assert Notification.objects.filter(user=mentee.user, title__contains="will be your mentor").count() == 1


def test_a_mentor_takes_no_more_people_than_offered_staff_give_requests(c):
    first = mentoring.ask_mentor(actor=c["member"].user, trade=c["trade"])
    second = mentoring.ask_mentor(actor=c["colleague"].user, trade=c["trade"])
    mentoring.accept_request(actor=c["mentor"].user, request=first)
    with pytest.raises(ValidationError) as exc:
        mentoring.accept_request(actor=c["advisor"], request=second, mentor=c["mentor"])
    assert "mentor" in exc.value.message_dict
    other = c["members"][3]
    with pytest.raises(ValidationError):  # no offer in this trade
        mentoring.accept_request(actor=c["advisor"], request=second, mentor=other)
    mentoring.offer_mentoring(actor=other.user, trade=c["trade"], capacity=2)
    pair = mentoring.accept_request(actor=c["advisor"], request=second, mentor=other, goals="Prices")
    assert pair.mentor == other and pair.created_by == c["advisor"]
    with pytest.raises(ValidationError):  # nobody mentors themselves
        own = mentoring.ask_mentor(actor=other.user, trade=c["trade"])
        mentoring.accept_request(actor=c["admin"], request=own, mentor=other)
    with pytest.raises(ValidationError):
        mentoring.offer_mentoring(actor=other.user, trade=c["trade"], capacity=11)


def test_meetings_are_logged_by_the_pair_and_advisors_see_who_has_no_news(c, client):
    req = mentoring.ask_mentor(actor=c["member"].user, trade=c["trade"])
    pair = mentoring.accept_request(actor=c["mentor"].user, request=req)
    MentorPair.objects.filter(pk=pair.pk).update(since=timezone.localdate() - datetime.timedelta(days=90))
    pair.refresh_from_db()
    with pytest.raises(PermissionDenied):
        mentoring.log_meeting(actor=c["advisor"], pair=pair, date=timezone.localdate())
    with pytest.raises(ValidationError):
        mentoring.log_meeting(actor=c["member"].user, pair=pair, date=timezone.localdate() + datetime.timedelta(days=1))
    mentoring.log_meeting(actor=c["member"].user, pair=pair, date=timezone.localdate() - datetime.timedelta(days=70),
                          note="Talked about prices")
    rows = list(sel.followed_pairs(c["advisor"]))
    assert [p.pk for p in rows] == [pair.pk] and rows[0].last_contact < sel.no_news_since()
    client.force_login(c["advisor"])
    body = client.get(reverse("events-pairs")).content.decode()
    assert "no news for 2 months" in body
    assert client.get("/api/v1/mentoring/pairs/?following=true", **auth(c["advisor"])).json()["results"][0]["no_news"]
    mentoring.log_meeting(actor=c["mentor"].user, pair=pair, date=timezone.localdate())
    assert "no news for 2 months" not in client.get(reverse("events-pairs")).content.decode()
    assert MentorMeeting.objects.filter(pair=pair).count() == 2
    # the other office's advisor follows nothing here
    client.force_login(c["other_advisor"])
    assert client.get(reverse("events-pairs")).status_code == 200
    assert list(sel.followed_pairs(c["other_advisor"])) == []
    mentoring.end_pair(actor=c["advisor"], pair=pair)
    with pytest.raises(ValidationError):
        mentoring.log_meeting(actor=c["member"].user, pair=pair, date=timezone.localdate())
    assert list(sel.followed_pairs(c["advisor"])) == []


def test_who_sees_a_request(c, client):
    req = mentoring.ask_mentor(actor=c["member"].user, trade=c["trade"])
    elsewhere_mentor = MemberFactory(office=c["other_office"])
    mentoring.offer_mentoring(actor=elsewhere_mentor.user, trade=c["trade"])
    other_trade_mentor = c["members"][3]
    mentoring.offer_mentoring(actor=other_trade_mentor.user, trade=TradeFactory(code="it-repair"))
    seen = {"member": True, "mentor": True, "advisor": True, "admin": True, "colleague": False,
            "other_trade": False, "elsewhere_mentor": True, "other_advisor": False, "support": False,
            "accountant": False, "foreign_admin": False, "outsider": False}
    people = {**{k: getattr(c[k], "user", c[k]) for k in ("member", "mentor", "advisor", "admin", "colleague",
                                                            "other_advisor", "support", "accountant", "foreign_admin",
                                                            "outsider")},
              "other_trade": other_trade_mentor.user, "elsewhere_mentor": elsewhere_mentor.user}
    for who, visible in seen.items():
        client.force_login(people[who])
        r = client.get(reverse("events-mentor-request", args=[req.pk]))
        assert r.status_code == (200 if visible else 404), who
        client.logout()
        r = client.get(f"/api/v1/mentoring/requests/{req.pk}/", **auth(people[who]))
        assert r.status_code == (200 if visible else 404), who


def test_offering_and_asking_through_the_page(c, client):
    client.force_login(c["colleague"].user)
    r = client.post(reverse("events-mentoring-ask"), {"ask-trade": "", "ask-note": "typed note"})
    assert r.status_code == 400 and "typed note" in r.content.decode()
    r = client.post(reverse("events-mentoring-ask"), {"ask-trade": c["trade"].pk, "ask-note": "typed note"})
    assert r.status_code == 302
    other = c["members"][3]
    client.force_login(other.user)
    r = client.post(reverse("events-mentoring-offer"),
                    {"offer-trade": c["trade"].pk, "offer-note": "Twenty years", "offer-capacity": "2"})
    assert r.status_code == 302
    body = client.get(reverse("events-mentoring")).content.decode()
    assert "typed note" in body and "Twenty years" in body
    req = sel.my_requests(c["colleague"].user).get()
    r = client.post(reverse("events-mentor-accept", args=[req.pk]), {"goals": "Prices"})
    pair = MentorPair.objects.get(request=req)
    assert r.status_code == 302 and pair.mentor == other
    client.force_login(c["colleague"].user)
    r = client.post(reverse("events-pair-meeting", args=[pair.pk]), {"date": "", "note": "kept words"})
    assert r.status_code == 400 and "kept words" in r.content.decode()
