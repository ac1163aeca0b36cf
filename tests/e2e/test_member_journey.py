"""A member on their phone: log in, find their activity, change its brand, fail a logo upload.

Selectors rely on ids, names and classes, not on wording: member1 reads the app in French and
the catalogs are still being translated.
"""

import pytest

from compagnon.members.models import Activity

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"


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
    page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    page.wait_for_url("**/home/")


def open_settings_from_home(page):
    row = page.locator("ul.list > li").filter(
        has=page.get_by_role("link", name=ACTIVITY, exact=True)
    )
    row.locator("a[href$='/settings/']").tap()
    page.wait_for_url("**/activities/*/settings/")


def test_member_changes_the_brand_of_their_activity(phone, shot):
    page = phone
    log_in(page, shot)

    # Home: the member's own language, their activity, the "needs your attention" section.
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#attention-title").is_visible()
    assert page.locator("section[aria-labelledby=attention-title]").is_visible()
    activity_link = page.get_by_role("link", name=ACTIVITY, exact=True)
    assert activity_link.is_visible()
    logo = page.locator("ul.list > li").filter(has=activity_link).locator(".swatch img")
    logo.wait_for()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo did not load"
    assert_fits_phone(page)
    shot(page, "home")

    # The menu opens inside the screen and leads back home.
    menu = page.locator("details.menu")
    menu.locator("summary").tap()
    nav = menu.locator("nav")
    assert nav.is_visible()
    box = nav.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert_fits_phone(page)
    nav.locator("a[href='/home/']").tap()
    page.wait_for_url("**/home/")

    # Activity settings, reached from the home page.
    open_settings_from_home(page)
    assert page.locator("h1").is_visible()
    assert page.locator("#id_name").input_value() == ACTIVITY
    assert_fits_phone(page)
    shot(page, "settings")

    letterhead = "Jardins et vergers — Nantes, Rezé, Saint-Herblain\n06 12 34 56 78"
    page.fill("#id_letterhead", letterhead)
    page.fill("#id_brand_color", "#aa3366")
    page.locator("form.card button[type=submit]").tap()
    page.wait_for_load_state()

    assert page.locator(".messages .msg.success").is_visible()
    assert page.locator(".field.has-error").count() == 0
    activity = Activity.objects.get(name=ACTIVITY)
    assert activity.letterhead == letterhead
    assert activity.brand_color.lower() == "#aa3366"
    assert activity.logo, "saving other settings must keep the logo"
    page.reload()
    assert page.locator("#id_letterhead").input_value() == letterhead
    assert page.locator("#id_brand_color").input_value() == "#aa3366"
    assert page.locator(".messages").count() == 0, "the success message is shown once"

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
    page.locator("form.card button[type=submit]").tap()
    page.wait_for_load_state()

    field = page.locator(".field.has-error").filter(has=page.locator("#id_logo"))
    assert field.count() == 1, "the error is shown next to the logo field"
    assert field.locator("#id_logo_error").is_visible()
    assert page.locator(".field.has-error").count() == 1, "only the logo is in error"
    assert page.locator("form.card .msg.error[role=alert]").is_visible()
    assert page.locator("#id_letterhead").input_value() == "Nouvel en-tête pas encore enregistré"
    assert page.locator("#id_brand_color").input_value() == "#123456"
    assert page.locator("#id_name").input_value() == ACTIVITY
    assert_fits_phone(page)
    field.scroll_into_view_if_needed()
    shot(page, "settings-error")

    after = Activity.objects.get(pk=before.pk)
    assert (after.letterhead, after.brand_color, after.logo.name) == (
        before.letterhead,
        before.brand_color,
        before.logo.name,
    ), "nothing is saved when the form is refused"
    assert not page.problems, page.problems
