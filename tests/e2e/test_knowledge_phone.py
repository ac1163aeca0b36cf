"""The help centre and the first steps on a 360 px phone: the help centre with its search, an
article and "was this useful?", My first steps, the kit — no sideways scroll, 44 px tap targets, no
failed resource or script error. Its own small cooperative (no seed_demo): an entity, its
administrator, two members, the demo help centre and paths."""

import pytest
from playwright.sync_api import expect

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import MemberFactory, OfficeFactory, UserFactory, staff

from .conftest import PHONE
from .test_member_journey import assert_fits_phone

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "lou.martin@help.example", "correct horse battery"
TARGETS = """() => Array.from(document.querySelectorAll(
    "main button, main a.button, .help-tabs a, .filter-tabs a, a.help-link, .steps button"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


@pytest.fixture
def helped(transactional_db):
    from compagnon.knowledge.demo import seed_demo_knowledge
    from compagnon.onboarding.demo import seed_demo_onboarding

    office = OfficeFactory()
    staff(Role.ADMIN, office.entity)
    from allauth.account.models import EmailAddress

    lou = UserFactory(email=EMAIL, first_name="Lou", last_name="Martin", language="fr")
    EmailAddress.objects.create(user=lou, email=EMAIL, verified=True, primary=True)
    MemberFactory(office=office, user=lou)
    MemberFactory(office=office)
    seed_demo_knowledge([office.entity])
    seed_demo_onboarding([office.entity])


@pytest.fixture
def page(browser, live_server, helped):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    page.problems = problems
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    yield page
    context.close()


def test_the_help_centre_on_a_phone(page, shot):
    page.goto("/help/")
    expect(page.locator("h1")).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    shot(page, "help-centre")
    page.fill("#help-q", "devis")
    with page.expect_navigation():
        page.locator("form.help-search button").tap()
    expect(page.locator(".help-result").first).to_be_visible()
    page.locator(".help-result a").first.tap()
    expect(page.locator("article h1")).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    shot(page, "help-article")
    page.goto("/help/faq/")
    assert_fits_phone(page)
    assert not page.problems, page.problems


def test_first_steps_and_kit_on_a_phone(page, shot):
    page.goto("/onboarding/")
    expect(page.locator(".steps li").first).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    shot(page, "onboarding-mine")
    page.goto("/onboarding/kit/")
    expect(page.locator("#chart")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "onboarding-kit")
    assert not page.problems, page.problems
