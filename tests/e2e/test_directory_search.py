"""A member looks for a colleague by trade in the directory on a phone (360 px, in French), opens
the colleague's page and follows "Write a message" (the messaging page itself belongs to another
app: the test checks the link's address and that it is followed). Then the map of the office
opens without any tile server. No horizontal scroll; no script error; no failed sub-resource.

The system Chromium only (/usr/bin/chromium, the session's browser of conftest.py); without it
the test is skipped with the reason. Needs ``compagnon.directory`` installed and its URLs included.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.directory.models import Visibility
from compagnon.directory.tests.helpers import choose, world

from .test_field_visit import _logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_finds_a_colleague_by_trade_and_follows_write_a_message(browser, live_server, settings):
    settings.DIRECTORY_TILE_URL = ""  # no request leaves the machine: the map shows only markers
    w = world()
    choose(w.target, Visibility.ENTITY)
    context = _logged_in(browser, live_server, w.far_colleague.user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(reverse("directory-search"))
    assert page.evaluate("document.documentElement.lang").startswith("fr")
    page.select_option("#id_trade", "gardening")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_selector("#directory-results")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    found = page.locator("#directory-results > li").evaluate_all("items => items.map(li => li.dataset.member)")
    assert found == [str(w.target.pk)]

    profile = reverse("directory-member", args=[w.target.pk])
    page.locator(f"#directory-results a[href='{profile}']").click()
    page.wait_for_selector("a[data-message]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Headlinemark" in page.content() and "emailmark@example.org" in page.content()
    href = page.get_attribute("a[data-message]", "href")
    assert href == f"{reverse('messaging-compose')}?to={w.target.user_id}"
    box = page.locator("a[data-message]").bounding_box()
    assert box["height"] >= 44
    page.locator("a[data-message]").click()
    page.wait_for_url(f"**{href}")

    page.goto(reverse("directory-map") + f"?office={w.office.pk}")
    page.wait_for_selector("#directory-map[data-ready='1']")
    assert page.locator("#directory-map .leaflet-interactive").count() == 1
    assert page.locator("#directory-map img.leaflet-tile").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not problems, problems
    context.close()  # before the live server stops: no request of this page left in flight
