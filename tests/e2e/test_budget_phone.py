"""The activity budget on a 360 px phone: one figure ("Disponible pour me payer"), tap to see each
line with a sentence; the budget page with its period choice and movements; 44 px tap targets."""

import pytest
from playwright.sync_api import expect

from compagnon.members.models import Activity

from .test_member_journey import assert_fits_phone, log_in

pytestmark = pytest.mark.browser

TARGETS = """() => Array.from(document.querySelectorAll(
    ".budget-figure summary, .budget-figure a, .budget-page button, .budget-page summary"))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().slice(0, 40), height: r.height}; })"""


def _small(page):
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


def test_the_budget_is_one_figure_that_explains_itself(phone, shot):
    log_in(phone)
    summary = phone.locator(".budget-figure summary").first
    expect(summary).to_contain_text("Disponible pour me payer")  # on the home page
    activity = Activity.objects.get(name="Les Jardins de Camille")
    phone.goto(f"/activities/{activity.pk}/")
    summary = phone.locator(".budget-figure summary").first
    expect(summary).to_contain_text("Disponible pour me payer")
    summary.click()
    expect(phone.locator(".budget-lines .why").first).to_be_visible()
    assert phone.locator(".budget-lines li").count() >= 5
    assert_fits_phone(phone)
    assert not _small(phone), _small(phone)
    shot(phone, "activity-budget-figure")
    phone.goto(f"/activities/{activity.pk}/budget/?period=all")
    expect(phone.locator("h1")).to_contain_text("Budget")
    assert_fits_phone(phone)
    assert not _small(phone), _small(phone)
    shot(phone, "activity-budget-page")
    assert not phone.problems, phone.problems
