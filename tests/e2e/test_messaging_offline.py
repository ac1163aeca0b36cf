"""A member writes to a colleague on a phone whose network comes and goes: what they type survives
a reload, a message sent without network waits on the phone and leaves by itself when the network
is back, and a message whose answer was lost on the way is saved once, not twice.

360 × 740, French. The people are made here (not the demo), logged in through a session cookie.
"""

import time

import pytest
from django.test import Client as DjangoClient
from playwright.sync_api import expect

from compagnon.accounts.models import User
from compagnon.core.tests.factories import OfficeFactory, member_with_activity
from compagnon.messaging import services
from compagnon.messaging.models import Message

from .conftest import PHONE

pytestmark = pytest.mark.browser


def wait_until(page, check, what, timeout=20.0):
    """Poll ``check`` while the page's events (routes, scripts) keep running."""
    deadline = time.monotonic() + timeout
    while not (value := check()) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    if not value:
        pytest.fail(f"waited {timeout:.0f} s for {what}")
    return value


@pytest.fixture
def writer(browser, live_server, transactional_db):
    office = OfficeFactory()
    a, _ = member_with_activity(office)
    b, _ = member_with_activity(office)
    User.objects.filter(pk=a.user_id).update(language="fr")
    conversation = services.start_conversation(actor=b.user, recipients=[a.user], body="Tu passes demain ?").conversation
    django = DjangoClient()
    django.force_login(User.objects.get(pk=a.user_id))
    context = browser.new_context(base_url=live_server.url, service_workers="block", **PHONE)
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "sessionid", "value": django.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: "Content Security Policy" in msg.text and problems.append(msg.text))
    page.problems = problems
    yield page, conversation, a.user
    context.close()


def test_the_text_survives_and_a_message_is_sent_once_whatever_the_network(writer):
    page, conversation, me = writer
    url = f"/messages/{conversation.pk}/"
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll on the phone
    box = page.locator("form[data-message-form] textarea[name=body]")
    box.fill("Oui, vers 9 h, je passe prendre les outils.")
    page.reload()  # the tab closed, the phone restarted…
    expect(box).to_have_value("Oui, vers 9 h, je passe prendre les outils.")
    expect(page.locator("[data-draft-note]")).to_be_visible()

    # no network at all: the message waits on the phone, then leaves by itself
    page.context.set_offline(True)
    page.locator("form[data-message-form] button[type=submit]").tap()
    expect(page.locator("header.top #queue [data-queue-count]")).to_contain_text("1")
    expect(box).to_have_value("")
    assert Message.objects.filter(conversation=conversation).count() == 1
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, lambda: Message.objects.filter(conversation=conversation, author=me).exists(), "the queued message")
    expect(page.locator("header.top #queue")).to_be_hidden()

    # the server saves it but the answer is lost on the way back: the phone queues it again with the
    # same key, and the second sending finds the message already there
    def lose_the_answer(route):
        route.fetch()
        route.abort("failed")

    page.route(f"**{url}", lambda route: lose_the_answer(route) if route.request.method == "POST" else route.continue_())
    box.fill("Et je rapporte la remorque.")
    page.locator("form[data-message-form] button[type=submit]").tap()
    wait_until(page, lambda: Message.objects.filter(body="Et je rapporte la remorque.").exists(), "the first sending")
    expect(page.locator("header.top #queue [data-queue-count]")).to_contain_text("1")
    page.unroute(f"**{url}")
    page.evaluate("window.CompagnonQueue.flush()")
    expect(page.locator("header.top #queue")).to_be_hidden()
    assert Message.objects.filter(body="Et je rapporte la remorque.").count() == 1
    assert Message.objects.filter(conversation=conversation).count() == 3
    assert page.problems == []


def test_the_pages_fit_a_phone(writer, shot):
    page, conversation, me = writer
    services.send_message(actor=conversation.participants.exclude(user=me).get().user, conversation=conversation,
                          body="Un message assez long pour voir comment les lignes se replient sur un petit écran de "
                               "téléphone, sans défilement de côté.")
    for name, url in [("messaging-inbox", "/messages/"), ("messaging-conversation", f"/messages/{conversation.pk}/"),
                      ("messaging-compose", "/messages/new/"), ("messaging-settings", "/messages/settings/")]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        shot(page, name)
    page.goto("/messages/new/")
    other = conversation.participants.exclude(user=me).get().user
    page.fill("#people-q", other.last_name)
    expect(page.locator(f"#people input[name=to][value='{other.pk}']")).to_be_visible()
    shot(page, "messaging-compose-search")
    assert page.problems == []
