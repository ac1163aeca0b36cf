"""The agenda on a 360 px phone (member1@demo.coop): the agenda with its filters, an event and
registering, my events, the trainings with the certificate, mentoring — no sideways scroll, 44 px
tap targets, no failed resource or script error."""

import pytest
from playwright.sync_api import expect

from compagnon.organisation.models import Entity

from .test_member_journey import assert_fits_phone, log_in

pytestmark = pytest.mark.browser

TARGETS = """() => Array.from(document.querySelectorAll(
    "main button, main a.button, .events-tabs a, main select, .list .grow a"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


def _check(page):
    assert_fits_phone(page)
    assert not _small(page), _small(page)


@pytest.fixture
def agenda(demo):
    from compagnon.events.demo import seed_demo_events

    seed_demo_events(list(Entity.objects.order_by("id")))  # idempotent: nothing more once seed_demo calls it


def test_the_agenda_on_a_phone(phone, agenda, shot):
    log_in(phone)
    phone.goto("/events/")
    expect(phone.locator("h1")).to_be_visible()
    _check(phone)
    shot(phone, "events-agenda")
    phone.locator(".list .grow a").first.tap()
    expect(phone.locator("h1")).to_be_visible()
    _check(phone)
    button = phone.locator("form[action$='/register/'] button")
    if button.count():
        with phone.expect_navigation():
            button.tap()
        expect(phone.locator(".msg.success")).to_be_visible()
    shot(phone, "events-event")
    for path, name in (("/events/mine/", "events-mine"), ("/events/trainings/", "events-trainings"),
                       ("/events/trainings/mine/", "events-training-history"), ("/events/mentoring/", "events-mentoring"),
                       ("/events/calendar/", "events-feed")):
        phone.goto(path)
        expect(phone.locator("h1")).to_be_visible()
        _check(phone)
        shot(phone, name)
    assert not phone.problems, phone.problems
