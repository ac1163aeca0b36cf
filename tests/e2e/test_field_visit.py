"""Issue 13's journey in Chromium at 360 px, in French: a member opens today's visit, loses the
network, checks in, fills the sheet with a photo and the client's signature drawn on the screen,
checks out and validates; the network comes back, the queue empties, and the month's invoice is
ready to send. axe-core finds no violation on the pages of the journey.

The system Chromium only (/usr/bin/chromium, the session's browser of conftest.py); without it
the test is skipped with the reason.
"""

from __future__ import annotations

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from compagnon.interventions.models import Presence, Sheet, SheetPhoto, SheetState
from compagnon.interventions.tests.helpers import jpeg, world

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = {
    "runOnly": {"type": "tag", "values": [*WCAG, "best-practice"]},
    "resultTypes": ["violations"],
}


def _logged_in(browser, live_server, user):
    django_client = DjangoClient()
    django_client.force_login(user)
    user.language = "fr"
    user.save(update_fields=["language"])
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": django_client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context


def _no_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE).response["violations"]
    assert not found, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in found]


def test_a_member_works_offline_at_the_client_and_the_invoice_is_ready(browser, live_server):
    w = world()
    context = _logged_in(browser, live_server, w.member.user)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    page.goto(reverse("interventions-today"))
    _no_violation(page)
    page.get_by_role("link", name="Mme Durand").click()
    page.wait_for_selector("form[data-iv-presence]")
    _no_violation(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    context.set_offline(True)
    page.locator("form[data-iv-presence] button").click()
    page.locator("[data-consent-answer='no']").click()
    page.wait_for_selector("form[data-iv-presence] button:text('Pointer le départ')")

    page.locator("#iv-remarks").fill("Pelouse tondue, haie taillée côté rue.")
    page.locator("#iv-minutes").fill("90")
    page.locator("#iv-waste").fill("15")
    page.set_input_files(
        "#iv-file",
        files=[{"name": "avant.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1200, 900)}],
    )
    page.wait_for_selector("[data-photos] li.iv-waiting img")

    pad = page.locator("[data-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(
            box["x"] + 20 + step * 12, box["y"] + box["height"] * (0.5 + 0.2 * ((-1) ** step))
        )
    page.mouse.up()
    page.locator("form[data-iv-sign] button[type=submit]").click()

    page.locator("form[data-iv-presence] button").click()  # check out
    page.locator("form[data-iv-validate] button").click()
    count = page.locator("#queue [data-queue-count]")
    assert "en attente" in count.inner_text()
    assert not Sheet.objects.filter(state=SheetState.VALIDATED).exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#queue").wait_for(state="hidden", timeout=30_000)

    sheet = Sheet.objects.get(visit=w.visit)
    assert sheet.state == SheetState.VALIDATED and sheet.minutes == 90 and sheet.signature
    assert sheet.remarks.startswith("Pelouse tondue")
    assert list(Presence.objects.filter(visit=w.visit).values_list("kind", flat=True)) == [
        "in",
        "out",
    ]
    assert SheetPhoto.objects.filter(sheet=sheet).count() == 1

    # the month's invoice, prepared by compagnon.homeservices on sheet_validated: its draft is there, with
    # this visit priced from the contract (it is "ready to send" once the month is over)
    page.goto(reverse("homeservices-index"))
    invoices = page.locator("main").inner_text()
    assert "Mme Durand" in invoices and "72,00" in invoices  # 1 h 30 at 40 € excl. VAT, 20 % VAT
    assert not problems, problems
    page.goto("about:blank")  # no request of the page's timers still running on the live server
    context.close()
