"""axe-core finds no accessibility violation on the pages of the member's journeys.

axe-core comes bundled in ``axe-playwright-python`` (nothing downloaded); it checks the WCAG 2.x
A and AA rules it can check automatically (labels, names of links and buttons, contrast,
landmarks, headings, the page language, ARIA) on the phone-sized page as rendered. The same pages
as the locale scan (``pages.py``), as the member, the advisor and the accountant.
"""

import pytest

from . import pages

pytestmark = pytest.mark.browser

# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices that are about real users (landmarks,
# one main heading, regions); not the experimental rules.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": [*WCAG, "best-practice"]}, "resultTypes": ["violations"]}
# The preview is the PDF's own HTML (a printed page: letterhead, parties, lines, totals), not an
# app page: landmarks are app-page best practices, so it gets the WCAG rules only.
DOCUMENT_PAGES = {"preview"}
DOCUMENT_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, **pages.PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def violations(page, axe, visits):
    found = {}
    for visit in visits:
        page.goto(visit.path)
        results = axe.run(page, options=DOCUMENT_OPTIONS if visit.name in DOCUMENT_PAGES else OPTIONS)
        lines = []
        for v in results.response["violations"]:
            targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:4])
            lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {targets}")
        if lines:
            found[visit.name] = lines
    return found


def test_the_journeys_have_no_accessibility_violation(page, axe):
    pages.log_in(page, pages.MEMBER)
    found = violations(page, axe, pages.member_pages())
    pages.log_in(page, pages.ADVISOR)
    found |= violations(page, axe, pages.advisor_pages())
    pages.log_in(page, pages.ACCOUNTANT)
    found |= violations(page, axe, pages.accountant_pages())
    assert not found, "\n" + "\n".join(
        f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())


def test_axe_does_see_a_violation(browser, axe):
    """The check above is worth something only if axe runs: a bare page with an unlabelled field
    and an image without text fails it."""
    context = browser.new_context(**pages.PHONE)
    page = context.new_page()
    page.set_content('<html><body><img src="data:,"><input type="text"></body></html>')
    ids = {v["id"] for v in axe.run(page, options=OPTIONS).response["violations"]}
    context.close()
    assert {"image-alt", "label", "html-has-lang"} <= ids, ids
