"""The clock counts office hours only (9:00–17:00, Monday to Friday by default), pauses while the
service waits for the member and says "answer due in …" / "late by …" in the reader's language.
Fixed times: Thursday 12 March 2026 is day 0."""

import datetime

import pytest
from django.utils import translation

from .. import clock, services
from ..models import ResponseTarget, State, SupportSettings
from .helpers import at, world

CAL = clock.Calendar()


def test_working_time_skips_nights_and_weekends():
    assert CAL.working_seconds(at(0, 10), at(0, 12)) == 2 * 3600
    assert CAL.working_seconds(at(0, 16), at(1, 10)) == 2 * 3600  # Thursday 16:00 → Friday 10:00
    assert CAL.working_seconds(at(1, 16), at(4, 10)) == 2 * 3600  # Friday 16:00 → Monday 10:00, weekend skipped
    assert CAL.working_seconds(at(2, 11), at(3, 15)) == 0  # Saturday → Sunday
    assert CAL.working_seconds(at(0, 10), at(14, 10)) == 10 * 8 * 3600  # two weeks
    assert CAL.working_seconds(at(0, 12), at(0, 10)) == 0


def test_adding_working_time_lands_in_office_hours():
    assert CAL.add(at(0, 10), 4 * 3600) == at(0, 14)
    assert CAL.add(at(0, 16), 4 * 3600) == at(1, 12)  # 1 h on Thursday, 3 h on Friday
    assert CAL.add(at(1, 16), 4 * 3600) == at(4, 12)  # over the weekend to Monday
    assert CAL.add(at(2, 20), 3600) == at(4, 10)  # sent on Saturday evening: Monday 10:00
    assert CAL.add(at(0, 7), 3600) == at(0, 10)  # before opening: from 9:00
    assert CAL.add(at(0, 10), 5 * 8 * 3600) == at(7, 10)  # five working days: next Thursday
    assert CAL.add(at(0, 10), 12 * 8 * 3600) == at(18, 10)  # two whole weeks and two days: Monday
    for seconds in (1, 3599, 8 * 3600, 8 * 3600 + 1, 40 * 3600, 41 * 3600, 123_457):
        end = CAL.add(at(1, 15, 30), seconds)
        assert CAL.working_seconds(at(1, 15, 30), end) == seconds


def test_other_office_hours():
    short = clock.Calendar(datetime.time(8, 30), datetime.time(12, 30))
    assert short.day_seconds == 4 * 3600
    assert short.add(at(0, 12), 3600) == at(1, 9, 0)  # 30 min Thursday, 30 min Friday
    assert clock.default_hours("high", short) == 4 and clock.default_hours("urgent", short) == 4
    assert [clock.default_hours(p, CAL) for p in ("urgent", "high", "normal", "low")] == [4, 8, 16, 40]


def test_duration_words_follow_the_language():
    with translation.override("en"):
        assert clock.Reading("due", 3 * 3600).text == "answer due in 3 hours"
        assert clock.Reading("late", 2 * 3600 + 600).text == "late by 2 hours"
        assert clock.Reading("due", 25 * 60).text == "answer due in 25 minutes"
        assert clock.Reading("late", 3 * 86400).text == "late by 3 days"
        assert clock.Reading("due", 3600).text == "answer due in 1 hour"


pytestmark = pytest.mark.django_db


def _ask(w, now, **kw):
    return services.create_request(actor=w.member.user, service="accounting", body="Quelle TVA sur un acompte ?",
                                   now=now, **kw)


def test_a_request_is_due_by_its_target_and_then_late():
    w = world()
    r = _ask(w, at(0, 16))  # Thursday 16:00, normal: two working days
    assert r.due_at == at(4, 16)  # Monday 16:00
    assert clock.read(r, at(4, 13)).kind == "due" and clock.read(r, at(4, 13)).seconds == 3 * 3600
    late = clock.read(r, at(4, 18))
    assert late.kind == "late" and late.seconds == 2 * 3600
    with translation.override("en"):
        assert late.text == "late by 2 hours"


def test_the_clock_pauses_while_waiting_for_the_member_and_resumes():
    w = world()
    r = _ask(w, at(0, 9))  # due Monday 9:00 (16 working hours)
    services.answer(actor=w.agent, request=r, body="Est-ce un acompte sur une vente ou un service ?", ask=True,
                    now=at(0, 13))  # 4 h spent, 12 h left
    r.refresh_from_db()
    assert r.state == State.WAITING and r.due_at is None and r.paused_remaining == 12 * 3600
    assert clock.read(r, at(10)).kind == "paused"
    services.reply(actor=w.member.user, request=r, body="Un service.", now=at(4, 13))  # Monday 13:00
    r.refresh_from_db()
    assert r.state == State.OPEN and r.paused_at is None
    assert r.paused_for == 2 * 8 * 3600  # Thursday 13:00 → Monday 13:00: two working days paused
    assert r.due_at == at(5, 17)  # 12 h left from Monday 13:00: Tuesday 17:00
    services.answer(actor=w.agent, request=r, body="TVA sur les encaissements.", now=at(5, 10))
    r.refresh_from_db()
    assert r.state == State.ANSWERED and r.due_at is None and clock.read(r, at(9)).kind == ""


def test_priority_and_the_entity_targets_move_the_due_time():
    w = world()
    r = _ask(w, at(0, 10))
    services.set_priority(actor=w.agent, request=r, priority="urgent")
    r.refresh_from_db()
    assert r.due_at == at(0, 14)
    ResponseTarget.objects.create(entity=w.entity, service="accounting", priority="urgent", hours=2)
    SupportSettings.objects.create(entity=w.entity, day_starts=datetime.time(8), day_ends=datetime.time(18))
    from .. import desk

    desk.save_settings(actor=w.admin, entity=w.entity, day_starts=datetime.time(8), day_ends=datetime.time(18),
                       reopen_days=14, targets={("accounting", "urgent"): 2})
    r.refresh_from_db()
    assert r.due_at == at(0, 12) and r.queue_at == r.due_at
    services.set_priority(actor=w.agent, request=r, priority="low")  # five days of 10 h
    r.refresh_from_db()
    assert r.due_at == at(7, 10)
