"""A member asks; the colleagues who know the trade or the skills and the trade's referents hear
of it (not those who hide it, not another entity); answers, accepting, "this helped", closing,
following."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.notifications.models import Notification

from .. import matching, services
from ..models import Follow, HelperStat, Question, Reach, ReachReason
from .helpers import asked, coop, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_question_reaches_the_trade_the_skills_and_the_referents_only(c, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        q = asked(c, match=False)  # the task runs after commit (the immediate backend in tests)
    q.refresh_from_db()
    reached = dict(Reach.objects.filter(question=q).values_list("member__user__first_name", "reason"))
    assert reached == {"Rose": ReachReason.REFERENT, "Yanis": ReachReason.TRADE, "Inès": ReachReason.SKILL}
    assert q.reached_count == 3 and q.matched_at is not None
    notified = set(Notification.objects.filter(key=f"peerhelp:ask:{q.pk}").values_list("user__first_name", flat=True))
    assert notified == {"Rose", "Yanis", "Inès"}  # not Hugo (trades hidden), Léa, the outsider, Camille
    assert matching.match(q.pk) == 0  # run twice: nobody twice
    assert Notification.objects.filter(key=f"peerhelp:ask:{q.pk}").count() == 3


def test_the_referent_comes_first_and_the_number_reached_is_capped(c, monkeypatch):
    q = asked(c, match=False)
    q = Question.objects.select_related("asker", "trade").get(pk=q.pk)
    found = matching.candidates(q, limit=2)
    assert [r for _m, r, _s in found] == [ReachReason.REFERENT, ReachReason.TRADE]
    assert found[1][2] > 0


def test_a_question_needs_words_and_photos_must_be_images(c):
    with pytest.raises(ValidationError) as e:
        services.ask(actor=c["camille"], title="Help")
    assert "title" in e.value.error_dict
    bad = SimpleUploadedFile("notes.png", b"MZ not an image", content_type="image/png")
    with pytest.raises(ValidationError) as e:
        services.ask(actor=c["camille"], title="Quel engrais pour des rosiers ?", photos=[bad])
    assert "photos" in e.value.error_dict
    assert not Question.objects.exists()
    with pytest.raises(PermissionDenied):
        services.ask(actor=c["admin"], title="Staff cannot ask colleagues")


def test_answers_accept_helped_close_and_follow(c, django_capture_on_commit_callbacks):
    q = asked(c)
    with django_capture_on_commit_callbacks(execute=True):
        a = services.answer(actor=c["yanis"], question=q, body="Au sécateur, en septembre.",
                            photos=[SimpleUploadedFile("haie.png", png(), content_type="image/png")])
    assert a.photos.count() == 1
    assert Notification.objects.filter(user=c["camille"], key=f"peerhelp:answer:{a.pk}").exists()
    assert Follow.objects.filter(question=q, user=c["yanis"]).exists()
    with pytest.raises(PermissionDenied):
        services.accept(actor=c["yanis"], answer=a)  # only the asker accepts
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(actor=c["camille"], answer=a)
    assert Notification.objects.filter(user=c["yanis"], key=f"peerhelp:accepted:{a.pk}").exists()
    stat = HelperStat.objects.get(member=c["yanis_m"])
    assert (stat.answers, stat.accepted, stat.trade_ids) == (1, 1, [c["garden"].pk])
    assert services.mark_helped(actor=c["ines"], answer=a) is True
    assert services.mark_helped(actor=c["ines"], answer=a) is False
    with pytest.raises(PermissionDenied):
        services.mark_helped(actor=c["yanis"], answer=a)  # not one's own answer
    a.refresh_from_db()
    assert a.helped_count == 1
    services.follow(actor=c["lea"], question=q, on=True)
    services.follow(actor=c["lea"], question=q, on=False)
    assert not Follow.objects.filter(question=q, user=c["lea"]).exists()
    with pytest.raises(PermissionDenied):
        services.close(actor=c["yanis"], question=q)
    services.close(actor=c["camille"], question=q)
    q.refresh_from_db()
    assert q.state == "closed"
    with pytest.raises(PermissionDenied):
        services.answer(actor=c["lea"], question=q, body="Too late")


def test_staff_close_a_question_of_their_entity(c):
    q = asked(c)
    services.close(actor=c["advisor"], question=q)
    q2 = asked(c, title="Quelle tondeuse pour un grand terrain ?")
    with pytest.raises(PermissionDenied):
        services.close(actor=c["foreign_admin"], question=q2)
    services.close(actor=c["admin"], question=q2)


def test_the_same_form_sent_twice_asks_once(c):
    import uuid

    key = uuid.uuid4()
    first = asked(c, client_key=key, match=False)
    again = asked(c, client_key=key, match=False)
    assert first.pk == again.pk and getattr(again, "already_sent", False)
