"""Shared procedures on a 360 px phone, in French: a member searches the procedures of their trade
and reads one (no sideways scroll, 44 px tap targets); on the day's visit, the member ticks the
procedure's checklist without network, and the ticks reach the server with the sheet when the
network is back. Its own small cooperative (no seed_demo)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.core.tests.factories import TradeFactory
from compagnon.interventions import services as sheet_services
from compagnon.interventions.tests.helpers import world
from compagnon.procedures import services
from compagnon.procedures.models import SheetChecklist, Tick
from compagnon.procedures.tests.helpers import STEPS

from .test_field_visit import _logged_in, _no_violation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGETS = """() => Array.from(document.querySelectorAll(
    "main button, main a.button, .pr-tabs a, .pr-result a, main select, .iv-check"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def w():
    w = world()
    trade = TradeFactory(code="gardening", name_fr="Jardinage", name_en="Gardening")
    w.member.trades.add(trade)
    services.name_referent(actor=w.admin, entity=w.entity, trade=trade, member=w.colleague)
    version = services.create_procedure(actor=w.colleague.user, entity=w.entity, trade=trade, kind="maintenance",
                                        title="Taille d'une haie", steps=STEPS, tools="Taille-haie",
                                        safety="Jamais au-dessus des épaules.")
    services.submit(actor=w.colleague.user, version=version)
    services.review(actor=w.colleague.user, version=version, decision="validate")
    w.procedure = version.procedure
    w.procedure.refresh_from_db()
    return w


def test_a_member_finds_and_reads_a_procedure_on_a_phone(browser, live_server, w):
    context = _logged_in(browser, live_server, w.member.user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.goto(reverse("procedures-index"))
    _fits(page)
    assert not _small(page), _small(page)
    _no_violation(page)
    page.fill("#pr-q", "haie")
    with page.expect_navigation():
        page.locator("form.pr-search button[type=submit]").tap()
    page.locator(".pr-result a").first.tap()
    page.wait_for_selector("ol.pr-steps")
    assert "Put on gloves" in page.locator("ol.pr-steps").inner_text()
    _fits(page)
    assert not _small(page), _small(page)
    _no_violation(page)
    assert not problems, problems
    context.close()


def test_the_checklist_is_ticked_offline_and_sent_with_the_sheet(browser, live_server, w):
    sheet = sheet_services.ensure_sheet(actor=w.member.user, visit=w.visit)
    services.attach_checklist(actor=w.member.user, sheet=sheet, procedure=w.procedure)
    context = _logged_in(browser, live_server, w.member.user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.goto(reverse("interventions-visit", args=[w.visit.pk]))
    checklist = SheetChecklist.objects.get(sheet=sheet)
    boxes = page.locator(f"input[name='procedure_tick_{checklist.pk}']")
    assert boxes.count() == 2
    _fits(page)
    _no_violation(page)

    context.set_offline(True)
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.wait_for_timeout(800)
    assert "en attente" in page.locator("#queue [data-queue-count]").inner_text()
    assert not Tick.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#queue").wait_for(state="hidden", timeout=30_000)
    assert Tick.objects.filter(checklist=checklist).count() == 2
    assert not problems, problems
    context.close()
