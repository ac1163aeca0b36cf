"""Recruiting on a 360 px phone: a person applies on the public form and signs up to next week's
information meeting from their private link; the advisor (advisor@demo.coop) opens the board, an
application, a meeting, the open needs and the teams' load — no sideways scroll, 44 px tap
targets, no failed resource or script error."""

import pytest
from playwright.sync_api import expect

from compagnon.organisation.models import Entity

from .pages import ADVISOR, log_in
from .test_member_journey import assert_fits_phone

pytestmark = pytest.mark.browser

TARGETS = """() => Array.from(document.querySelectorAll(
    "main button, main a.button, .rc-tabs a, main select, .rc-list a, main label.check, .rc-checks label, "
    + "main input:not([type=hidden]):not([type=checkbox]):not([type=radio])"))
  .filter(e => e.offsetParent !== null && !e.closest('.rc-hp'))
  .map(e => { const r = e.getBoundingClientRect();
              return {text: (e.textContent || e.name || '').trim().slice(0, 40), height: r.height}; })"""


def _check(page):
    assert_fits_phone(page)
    small = [t for t in page.evaluate(TARGETS) if t["height"] < 44 and t["text"]]
    assert not small, small


def test_a_person_applies_and_signs_up_to_a_meeting(phone, shot):
    entity = Entity.objects.get(jurisdiction="FR")
    phone.goto(f"/join/{entity.pk}/calls/")
    expect(phone.locator("h1")).to_be_visible()
    _check(phone)
    shot(phone, "recruiting-calls")
    with phone.expect_navigation():
        phone.locator("main a.button").first.tap()
    phone.fill("#id_first_name", "Maëlle")
    phone.fill("#id_last_name", "Kerjean")
    phone.fill("#id_email", "maelle.kerjean@example.org")
    phone.fill("#id_postcode", "44300")
    phone.fill("#id_city", "Nantes")
    phone.fill("#id_experience", "Six years in a garden centre, then gardens of private clients.")
    phone.fill("#id_availability", "Three days a week")
    if not phone.locator("input[name=trades]:checked").count():
        phone.locator("input[name=trades]").first.check()
    phone.locator("#id_consent").check()
    _check(phone)
    shot(phone, "recruiting-apply")
    phone.reload()  # what was typed is kept on the phone
    expect(phone.locator("#id_email")).to_have_value("maelle.kerjean@example.org")
    phone.locator("#id_consent").check()
    phone.wait_for_timeout(4500)  # the form refuses answers sent faster than a person types
    with phone.expect_navigation():
        phone.locator("form[data-keep-draft] button[type=submit]").tap()
    expect(phone.locator(".rc-steps")).to_be_visible()
    _check(phone)
    with phone.expect_navigation():
        phone.locator("form[action*='/meetings/'] button").first.tap()
    expect(phone.locator(".msg.success, .msg.info").first).to_be_visible()
    _check(phone)
    shot(phone, "recruiting-follow")
    assert not phone.problems, phone.problems


def test_the_advisor_follows_the_pipeline_on_a_phone(phone, shot):
    log_in(phone, ADVISOR)
    phone.goto("/recruiting/")
    expect(phone.locator("h1")).to_be_visible()
    _check(phone)
    shot(phone, "recruiting-board")
    phone.goto("/recruiting/?step=accepted")
    with phone.expect_navigation():
        phone.locator(".rc-list a").first.tap()
    expect(phone.locator("form[action$='/join/'] button")).to_be_visible()
    _check(phone)
    shot(phone, "recruiting-application")
    phone.goto("/recruiting/meetings/")
    _check(phone)
    with phone.expect_navigation():
        phone.locator(".rc-list a").first.tap()
    expect(phone.locator("h1")).to_be_visible()
    _check(phone)
    shot(phone, "recruiting-meeting")
    for path, name in (("/recruiting/needs/", "recruiting-needs"), ("/recruiting/load/", "recruiting-load")):
        phone.goto(path)
        expect(phone.locator("h1")).to_be_visible()
        _check(phone)
        shot(phone, name)
    assert not phone.problems, phone.problems
