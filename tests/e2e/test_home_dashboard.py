"""The member's home on a 360 px phone: the big actions, the money, the to-dos and the news fit the
screen, and every link and button of the dashboard is at least 44 × 44 px."""

import pytest

from .test_member_journey import assert_fits_phone, log_in

pytestmark = pytest.mark.browser

# The dashboard's own interactive elements (the header and footer have their own tests).
DASHBOARD = ".big-actions a, #todo-title ~ ul a, .by-activity a, .news button, #news-title ~ p a"
SIZES = f"""() => Array.from(document.querySelectorAll("{DASHBOARD}")).map(e => {{
    const r = e.getBoundingClientRect();
    return {{text: e.textContent.trim().slice(0, 40), width: r.width, height: r.height}};
}})"""


def test_the_member_home_is_a_dashboard_that_fits_a_phone(phone, shot):
    log_in(phone)
    assert phone.locator(".big-actions a").count() == 3  # new quote, log time, declare a job
    assert phone.locator(".figures li").count() == 5
    assert phone.locator("table.by-activity tbody tr").count() >= 2  # member1 has several activities
    assert_fits_phone(phone)
    sizes = phone.evaluate(SIZES)
    assert sizes, "the dashboard has links"
    small = [s for s in sizes if s["height"] < 44 or s["width"] < 44]
    assert not small, f"tap targets under 44 px: {small}"
    shot(phone, "member-home-dashboard")
    # Money, from the menu
    phone.goto("/money/")
    assert_fits_phone(phone)
    assert phone.locator("table.by-activity tbody tr").count() >= 2
    assert not phone.problems, phone.problems
