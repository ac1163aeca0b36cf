"""A member works on a phone that loses the network: the app still opens, what they type waits on
the phone with a visible count and is sent by itself when the network is back, once; a draft that
changed elsewhere meanwhile is not overwritten; logging out leaves none of their pages behind.

360 × 740, French (member1's language). Selectors rely on ids, names, URLs and data attributes.
"""

import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.clients.models import Client
from compagnon.members.models import Activity
from compagnon.sales import services
from compagnon.sales.models import Document, Kind
from compagnon.timesheets.models import TimeEntry

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"


def wait_until(check, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not value:
        pytest.fail(f"waited {timeout:.0f} s for {what}")
    return value


def log_in(page):
    """Log member1 in; from now on a refused script, worker or manifest (CSP) is a problem."""
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.problems.append(f"CSP: {msg.text}"),
    )
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/home/$"))


def worker_ready(page):
    """The service worker controls the page and has kept the offline page."""
    page.wait_for_function(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) return false;
            const hit = await caches.match('/offline/');
            return !!(reg.active && hit);
        }""",
        polling=200,
    )


def queue_count(page):
    return page.locator("header.top #queue [data-queue-count]")


def camille():
    return Activity.objects.get(name=ACTIVITY)


def a_draft_quote():
    activity = camille()
    client = Client.objects.filter(activity=activity).order_by("pk").first()
    return services.create_document(
        actor=get_user_model().objects.get(email=EMAIL), activity=activity, client=client, kind=Kind.QUOTE,
        title="Entretien du jardin",
        lines=[{"kind": "item", "description": "Tonte", "quantity": Decimal("2"), "unit": "HUR",
                "unit_price": Decimal("40"), "vat_category": "S", "vat_rate": Decimal("20")}])


def test_time_logged_offline_is_sent_once_when_the_network_returns(phone, shot):
    page, context = phone, phone.context
    log_in(page)
    activity = camille()
    page.goto(f"/activities/{activity.pk}/time/")
    worker_ready(page)
    before = TimeEntry.objects.count()

    context.set_offline(True)
    form = page.locator("form[data-queue='time']")
    form.locator("[name=duration]").fill("1h15")
    form.locator("[name=description]").fill("Taille de la haie sans réseau")
    form.locator("button[type=submit]").tap()

    expect(queue_count(page)).to_have_text("1 envoi en attente")
    expect(page.locator("#queue-status")).to_contain_text("Pas de réseau")
    expect(form.locator("[name=description]")).to_have_value("")  # ready for the next one
    queue = page.locator("header.top #queue")
    box = queue.locator("summary").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    queue.locator("summary").tap()
    expect(queue.locator("[data-queue-list]")).to_contain_text("Taille de la haie sans réseau")
    shot(page, "offline-time-queued")
    assert TimeEntry.objects.count() == before

    context.set_offline(False)  # no tap: the phone sends it by itself
    entry = wait_until(
        lambda: TimeEntry.objects.filter(description="Taille de la haie sans réseau").first(),
        "the time logged offline",
    )
    assert entry.duration == 75 and entry.client_key is not None
    expect(page.locator("header.top #queue")).to_be_hidden()
    expect(page.locator("#week")).to_contain_text("Taille de la haie sans réseau")
    page.reload()  # and a reload sends nothing again
    expect(page.locator("#week")).to_contain_text("Taille de la haie sans réseau")
    assert TimeEntry.objects.filter(description="Taille de la haie sans réseau").count() == 1
    assert TimeEntry.objects.count() == before + 1
    assert not page.problems, page.problems


def test_the_app_opens_without_network_and_says_what_still_works(phone, shot):
    page, context = phone, phone.context
    log_in(page)
    worker_ready(page)
    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-page h1")).to_have_text("Pas de réseau")
    expect(page.locator("#offline-page")).to_contain_text("Ce qui fonctionne encore")
    # the app's look, not the browser's error page
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).position") == "sticky"
    shot(page, "offline-page")
    context.set_offline(False)
    page.locator("#offline-page a.button").tap()
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.locator("header.top .menu")).to_be_visible()


def test_a_new_quote_asked_for_offline_is_created_once_when_the_network_returns(phone):
    page, context = phone, phone.context
    log_in(page)
    page.goto("/documents/new/")
    worker_ready(page)
    choice = page.locator("#client-choices input[name=client]").first
    choice.check()
    customer = Client.objects.get(pk=int(choice.get_attribute("value")))
    before = Document.objects.filter(client=customer).count()

    context.set_offline(True)
    page.locator("form[action$='/documents/new/'] button[type=submit]").tap()
    expect(queue_count(page)).to_have_text("1 envoi en attente")
    expect(page.locator("#queue-status")).to_contain_text("Pas de réseau")
    expect(page).to_have_url(re.compile(r"/documents/new/$"))  # still here, nothing lost
    assert Document.objects.filter(client=customer).count() == before

    context.set_offline(False)
    wait_until(lambda: Document.objects.filter(client=customer).count() > before, "the new quote")
    expect(page.locator("header.top #queue")).to_be_hidden()
    status = page.locator("#queue-status")
    expect(status).to_contain_text(customer.name)
    page.reload()
    assert Document.objects.filter(client=customer).count() == before + 1
    draft = Document.objects.filter(client=customer).latest("created_at")
    assert (draft.kind, draft.state, draft.client_key is not None) == ("quote", "draft", True)
    assert not page.problems, page.problems


def test_a_draft_edited_offline_is_saved_when_the_network_returns(phone):
    page, context = phone, phone.context
    quote = a_draft_quote()
    log_in(page)
    page.goto(f"/documents/{quote.pk}/")
    expect(page.locator("form#editor")).to_be_visible()
    worker_ready(page)

    context.set_offline(True)
    page.locator("#id_title").fill("Entretien du jardin — printemps")
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(queue_count(page)).to_have_text("1 envoi en attente")

    context.set_offline(False)
    wait_until(
        lambda: Document.objects.filter(pk=quote.pk, title="Entretien du jardin — printemps").exists(),
        "the draft edited offline",
    )
    expect(page.locator("header.top #queue")).to_be_hidden()
    expect(page.locator("#offline-banner")).to_be_hidden()
    assert not page.problems, page.problems


def test_an_offline_edit_of_a_draft_changed_elsewhere_is_shown_not_saved_over_it(phone, shot):
    page, context = phone, phone.context
    quote = a_draft_quote()
    log_in(page)
    page.goto(f"/documents/{quote.pk}/")
    expect(page.locator("form#editor")).to_be_visible()
    worker_ready(page)

    context.set_offline(True)
    page.locator("#id_title").fill("Version du téléphone")
    expect(queue_count(page)).to_have_text("1 envoi en attente")
    # meanwhile, on the computer
    Document.objects.filter(pk=quote.pk).update(
        title="Version de l'ordinateur", updated_at=timezone.now() + timezone.timedelta(seconds=3)
    )

    context.set_offline(False)
    banner = page.locator("#offline-banner")
    expect(banner).to_contain_text("modifié ailleurs")
    expect(page.locator("header.top #queue")).to_be_visible()
    assert Document.objects.get(pk=quote.pk).title == "Version de l'ordinateur"
    shot(page, "offline-conflict")

    banner.locator("button").tap()  # see the other version; mine stays on the phone
    page.wait_for_load_state()
    expect(page.locator("#id_title")).to_have_value("Version de l'ordinateur")
    restore = page.locator("#restore-banner")
    expect(restore).to_contain_text("modifié ailleurs")
    restore.locator("#restore-yes").tap()  # keep mine, knowingly
    expect(page.locator("#id_title")).to_have_value("Version du téléphone")
    wait_until(
        lambda: Document.objects.filter(pk=quote.pk, title="Version du téléphone").exists(),
        "the member's version, chosen after seeing the other",
    )
    expect(page.locator("header.top #queue")).to_be_hidden()
    # the server's refusal (409) was expected; nothing else went wrong
    assert [p for p in page.problems if not p.startswith("409 ")] == [], page.problems


CACHED_PAGES = """async () => {
    const found = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            const body = await (await cache.match(request)).text();
            found.push({url: new URL(request.url).pathname, body});
        }
    }
    return found;
}"""


def test_after_logout_the_phone_keeps_no_page_of_the_member(phone):
    page = phone
    log_in(page)
    activity = camille()
    page.goto(f"/activities/{activity.pk}/time/")
    worker_ready(page)
    page.goto("/home/")
    worker_ready(page)
    cached = page.evaluate(CACHED_PAGES)  # while logged in: static files and the offline page
    assert "/offline/" in [entry["url"] for entry in cached]
    for entry in cached:
        assert entry["url"].startswith("/static/") or entry["url"] == "/offline/", entry["url"]
        assert EMAIL not in entry["body"] and ACTIVITY not in entry["body"]

    page.locator("details.menu summary").tap()
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state("networkidle")
    # emptied at logout; the login page's own static files may come back, nothing else
    for entry in page.evaluate(CACHED_PAGES):
        assert entry["url"].startswith("/static/"), entry["url"]
        assert EMAIL not in entry["body"] and ACTIVITY not in entry["body"]
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('compagnon:document:'))") == []
