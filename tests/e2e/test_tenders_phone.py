"""Tenders on a 360 px phone, in French: a gardener finds the notice matched to her, opens an
answer, attaches the cooperative's documents in one tap and ticks her checklist; the staff's
import page with its dry run. No sideways scroll, 44 px tap targets, no failed resource or script
error. Its own small cooperative (no seed_demo)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import (
    MemberFactory,
    OfficeFactory,
    TradeFactory,
    UserFactory,
    staff,
)

from .conftest import PHONE
from .test_member_journey import assert_fits_phone

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "ines.moreau@tenders.example", "correct horse battery"
STAFF = "admin@tenders.example"
TARGETS = """() => Array.from(document.querySelectorAll("main button, main a.button, main summary, main label.check"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


@pytest.fixture
def cooperative(transactional_db):
    from allauth.account.models import EmailAddress

    from compagnon.tenders import services
    from compagnon.tenders.models import CpvTrade

    office = OfficeFactory(postcode="44000")
    entity = office.entity
    admin = staff(Role.ADMIN, entity)
    admin.email, admin.language = STAFF, "fr"
    admin.save()
    gardening = TradeFactory(code="gardening")
    ines = UserFactory(email=EMAIL, first_name="Inès", last_name="Moreau", language="fr")
    for user in (ines, admin):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    member = MemberFactory(office=office, user=ines, postcode="44000")
    member.trades.add(gardening)
    CpvTrade.objects.create(entity=entity, trade=gardening, cpv_prefix="7731")
    services.save_admin_document(
        actor=admin, entity=entity, kind="registration", title="Extrait K-bis",
        upload=SimpleUploadedFile("kbis.pdf", b"%PDF-1.4\n%%EOF\n"), issued_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=60))
    services.save_notice(actor=admin, entity=entity, kind="tender", title="Tonte des parcs de Rezé",
                         buyer="Ville de Rezé", cpv_codes=["77310000"], department="44",
                         deadline=timezone.now() + datetime.timedelta(days=12))


def _page(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    page.problems = problems
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    return context, page


def test_a_member_answers_a_tender_on_her_phone(browser, live_server, cooperative, shot):
    context, page = _page(browser, live_server, EMAIL)
    page.goto("/tenders/")
    expect(page.locator("h2#forme-h")).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    shot(page, "tenders-for-you")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=forme-h] a", has_text="Tonte des parcs de Rezé").tap()
    assert_fits_phone(page)
    with page.expect_navigation():
        page.locator("form[action$='/answer/'] button").tap()
    expect(page.locator("#checklist-h")).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    with page.expect_navigation():
        page.locator("form[action$='/attach-documents/'] button").tap()
    expect(page.locator("#folder").get_by_role("link", name="kbis.pdf")).to_be_visible()
    with page.expect_navigation():
        page.locator("#checklist form[action$='/toggle/'] button").first.tap()
    expect(page.locator("#checklist s").first).to_be_visible()
    assert_fits_phone(page)
    shot(page, "tenders-answer")
    assert not page.problems, page.problems
    context.close()


def test_staff_import_page_on_a_phone(browser, live_server, cooperative):
    context, page = _page(browser, live_server, STAFF)
    page.goto("/tenders/import/")
    expect(page.locator("form input[type=file]")).to_be_visible()
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    page.goto("/tenders/documents/")
    assert_fits_phone(page)
    assert not _small(page), _small(page)
    assert not page.problems, page.problems
    context.close()
