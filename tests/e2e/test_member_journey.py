"""A member on their phone: log in, find their activity, change its brand, fail a logo upload.

Selectors rely on ids, names and classes, not on wording: member1 reads the app in French (the
language of their profile), and the test must not break when a translation is reworded.
"""

import re

import pytest
from playwright.sync_api import expect

from compagnon.members.models import Activity

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"
# Width of an <img> once it has loaded or failed (0 when broken).
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth));
    img.addEventListener("error", () => done(0));
})"""


def assert_fits_phone(page):
    """No horizontal scroll at 360 px: nothing sticks out of the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways ({width}px wide)"


def log_in(page, shot=None):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    assert_fits_phone(page)
    if shot:
        shot(page, "login")
    submit(page, "form[action$='/accounts/login/']")
    expect(page).to_have_url(re.compile(r"/home/$"))


def submit(page, form="form.card"):
    """Tap the form's submit button and wait for the answer page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").tap()


def open_settings_from_home(page):
    row = page.locator("ul.list > li").filter(
        has=page.get_by_role("link", name=ACTIVITY, exact=True)
    )
    with page.expect_navigation():
        row.locator("a[href$='/settings/']").tap()
    expect(page).to_have_url(re.compile(r"/activities/\d+/settings/$"))


def test_member_changes_the_brand_of_their_activity(phone, shot):
    page = phone
    log_in(page, shot)

    # Home: the member's own language, their activity, the "needs your attention" section.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("section[aria-labelledby=todo-title]")).to_be_visible()
    expect(page.locator("#todo-title")).not_to_be_empty()
    activity_link = page.get_by_role("link", name=ACTIVITY, exact=True).last  # the money table links the same name first
    expect(activity_link).to_be_visible()
    logo = page.locator("ul.list > li").filter(has=activity_link).locator(".swatch img")
    assert logo.evaluate(LOADED_WIDTH) > 0, "the logo did not load"
    assert_fits_phone(page)
    shot(page, "home")

    # The menu opens inside the screen and leads back home.
    menu = page.locator("details.menu")
    menu.locator("summary").tap()
    nav = menu.locator("nav")
    expect(nav).to_be_visible()
    box = nav.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert_fits_phone(page)
    with page.expect_navigation():
        nav.locator("a[href='/home/']").tap()
    expect(menu).not_to_have_attribute("open", "")

    # Activity settings, reached from the home page.
    open_settings_from_home(page)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value(ACTIVITY)
    assert_fits_phone(page)
    shot(page, "settings")

    letterhead = "Jardins et vergers — Nantes, Rezé, Saint-Herblain\n06 12 34 56 78"
    page.fill("#id_letterhead", letterhead)
    page.fill("#id_brand_color", "#aa3366")
    submit(page)

    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator(".field.has-error")).to_have_count(0)
    activity = Activity.objects.get(name=ACTIVITY)
    # Browsers send textarea line breaks as CRLF and the form keeps them as sent.
    assert activity.letterhead.replace("\r\n", "\n") == letterhead
    assert activity.brand_color.lower() == "#aa3366"
    assert activity.logo, "saving other settings must keep the logo"
    page.reload()
    expect(page.locator("#id_letterhead")).to_have_value(letterhead)
    expect(page.locator("#id_brand_color")).to_have_value("#aa3366")
    expect(page.locator(".messages"), "the success message is shown once").to_have_count(0)

    assert not page.problems, page.problems


def test_a_file_that_is_not_an_image_is_refused_and_nothing_typed_is_lost(phone, shot, tmp_path):
    page = phone
    log_in(page)
    open_settings_from_home(page)
    before = Activity.objects.get(name=ACTIVITY)

    fake = tmp_path / "logo.png"
    fake.write_text("Not a picture, just a text file with a .png name.\n")
    page.fill("#id_letterhead", "Nouvel en-tête pas encore enregistré")
    page.fill("#id_brand_color", "#123456")
    page.set_input_files("#id_logo", str(fake))
    submit(page)

    field = page.locator(".field.has-error").filter(has=page.locator("#id_logo"))
    expect(field, "the error is shown next to the logo field").to_have_count(1)
    expect(field.locator("#id_logo_error")).to_be_visible()
    logo_input = page.locator("#id_logo")
    expect(logo_input).to_have_attribute("aria-invalid", "true")
    expect(logo_input).to_have_attribute("aria-describedby", re.compile(r"\bid_logo_error\b"))
    expect(page.locator(".field.has-error"), "only the logo is in error").to_have_count(1)
    expect(page.locator("form.card .msg.error[role=alert]")).to_be_visible()
    expect(page.locator("#id_letterhead")).to_have_value("Nouvel en-tête pas encore enregistré")
    expect(page.locator("#id_brand_color")).to_have_value("#123456")
    expect(page.locator("#id_name")).to_have_value(ACTIVITY)
    assert_fits_phone(page)
    shot(page, "settings-error")

    after = Activity.objects.get(pk=before.pk)
    assert (after.letterhead, after.brand_color, after.logo.name) == (
        before.letterhead,
        before.brand_color,
        before.logo.name,
    ), "nothing is saved when the form is refused"
    assert not page.problems, page.problems
