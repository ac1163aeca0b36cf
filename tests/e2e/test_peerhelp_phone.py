"""Peer help on a 360 px phone (in English: the French catalog is merged by the lead): a member asks a question (the "maybe already answered"
list appears while she types), sends it with its trade, reads who it was sent to; a colleague
answers and marks it "this helped"; no sideways scroll, 44 px tap targets, no failed resource or
script error. Its own small cooperative (no seed_demo): the peer-help tests' one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE
from .test_member_journey import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
TARGETS = """() => Array.from(document.querySelectorAll(
    "main button, main a.button, .peerhelp-tabs a, #peerhelp-questions a, main select"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


@pytest.fixture
def c():
    from allauth.account.models import EmailAddress

    from compagnon.peerhelp import services
    from compagnon.peerhelp.tests.helpers import asked, coop

    c = coop()
    for who in ("camille", "yanis"):
        user = c[who]
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    old = asked(c, by="lea", title="Comment tailler des lauriers sans les abîmer ?", trade="garden")
    services.answer(actor=c["yanis"], question=old, body="Au sécateur, jamais au taille-haie électrique.")
    return c


def _page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(f"script error: {exc}"))
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    return context, page


def test_ask_and_answer_on_a_phone(browser, live_server, c, shot):
    context, page = _page(browser, live_server, c["camille"])
    page.goto("/help-each-other/")
    expect(page.locator("h1")).to_have_text("Help each other")
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    page.locator("main a.button", has_text="Ask a question").tap()
    page.locator("input[name=title]").press_sequentially("Quand tailler mes lauriers ?", delay=20)
    expect(page.locator("#peerhelp-suggestions")).to_contain_text("Comment tailler des lauriers")
    page.select_option("select[name=trade]", str(c["garden"].pk))
    page.fill("input[name=skills]", "taille, haies")
    page.fill("textarea[name=body]", "Une haie de 20 m à Rezé.")
    assert_fits_phone(page)
    shot(page, "peerhelp-ask")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    expect(page.locator("article h1")).to_have_text("Quand tailler mes lauriers ?")
    expect(page.locator("main")).to_contain_text("Sent to 3 colleagues")
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    assert not page.problems, page.problems
    url = page.url
    context.close()

    context, page = _page(browser, live_server, c["yanis"])
    page.goto("/help-each-other/?show=for_me")
    expect(page.locator("#peerhelp-questions")).to_contain_text("Quand tailler mes lauriers ?")
    page.goto(url)
    page.fill("textarea[name=body]", "Fin août, après la floraison.")
    with page.expect_navigation():
        page.locator("form[action$='/answer/'] button[type=submit]").tap()
    expect(page.locator("main")).to_contain_text("Fin août, après la floraison.")
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    shot(page, "peerhelp-question")
    assert not page.problems, page.problems
    context.close()
