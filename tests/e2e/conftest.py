"""Browser tests: the system Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: Chromium must be installed (apt-get install chromium). Without it the
browser tests are skipped with a visible reason.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# No internet on CI machines: without the background-networking flags Chromium stalls.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    """Browser tests run last: once Playwright has started, an asyncio loop stays running in the
    main thread until the session ends, which would break later tests using asyncio.run() or
    async_to_sync()."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop running in this thread; Django would refuse
    # database calls from the test body without this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db, demo_data):
    """The demo cooperative, in the database the live server reads (logos under MEDIA_ROOT):
    seeded by the first test of the run that needs it, loaded from its dump by the others
    (``demo_data`` in the root conftest.py)."""


@pytest.fixture
def phone(browser, live_server, demo):
    """A fresh phone-sized page on the live server; ``page.problems`` collects script errors and
    failed sub-resources (CSS, JS, images).

    Uploaded logos are served by the live server itself (Django's LiveServerThread wraps the
    app in a media files handler reading settings.MEDIA_ROOT), so a 404 there is a real bug.
    """
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []

    def failed(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("response", failed)
    page.problems = problems  # the test asserts it is empty at the end
    yield page
    context.close()


@pytest.fixture(scope="session")
def shot():
    """shot(page, "name") saves test-artifacts/name.png (full page)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        assert re.fullmatch(r"[\w-]+", name)
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is painted mid-page
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True, type="png")

    return save
