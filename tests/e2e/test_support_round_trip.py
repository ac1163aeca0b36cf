"""A member asks the accounting service a question on a phone (360 px, in French); the support agent
answers from the queue in another browser; the member sees the answer. What the member types
survives leaving the page, and a request sent without network waits on the phone and is sent once
when the network is back. No horizontal scroll; no script error.

The system Chromium only (/usr/bin/chromium, the session's browser of conftest.py); without it
the test is skipped with the reason. Needs ``compagnon.support`` installed and its URLs included
(``--ds settings_support`` until it is wired).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.support.models import State, SupportRequest
from compagnon.support.tests.helpers import world

from .test_field_visit import _logged_in, _no_violation
from .test_offline import queue_count, wait_until, worker_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Bonjour, mon client me verse un acompte de 30 % : dois-je facturer la TVA dès l'acompte ?"
ANSWER = "Oui : la TVA est due à l'encaissement de l'acompte, au taux de la prestation."


def _no_side_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _watch(page, problems):
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: "Content Security Policy" in msg.text and problems.append(f"CSP: {msg.text}"))


def test_a_member_asks_accounting_the_agent_answers_from_the_queue(browser, live_server, shot):
    w = world()
    problems = []
    member_context = _logged_in(browser, live_server, w.member.user)
    member = member_context.new_page()
    _watch(member, problems)

    member.goto(reverse("support-new") + "?service=accounting")
    member.wait_for_selector("main form button[type=submit]")
    assert member.evaluate("document.documentElement.lang").startswith("fr")
    assert member.locator("input[name=service][value=accounting]").is_checked()
    _no_side_scroll(member)
    member.fill("#id_body", QUESTION)
    # the text typed is kept on the phone: leaving the page and coming back loses nothing
    member.wait_for_timeout(600)
    member.goto(reverse("support-mine"))
    member.goto(reverse("support-new") + "?service=accounting")
    member.wait_for_function("document.querySelector('#id_body').value.length > 0")
    assert member.input_value("#id_body") == QUESTION
    shot(member, "support-new-request")
    _no_violation(member)  # axe-core, WCAG 2.2 AA
    member.locator("main form button[type=submit]").tap()
    member.wait_for_selector("[data-state=new]")
    request = SupportRequest.objects.get()
    assert request.service == "accounting" and request.state == State.NEW and request.member == w.member
    _no_side_scroll(member)
    member.wait_for_function(  # the page says the request arrived: the copy on the phone is dropped
        "Object.keys(localStorage).filter(k => k.indexOf('compagnon:document:support:') === 0).length === 0")

    agent_context = _logged_in(browser, live_server, w.agent)
    agent = agent_context.new_page()
    _watch(agent, problems)
    agent.goto(reverse("support-queue"))
    row = agent.locator(f"li[data-request='{request.pk}']")
    assert row.locator("[data-clock]").get_attribute("data-clock") in ("due", "late")
    _no_side_scroll(agent)
    shot(agent, "support-queue")
    _no_violation(agent)
    row.locator("a").first.tap()
    agent.wait_for_selector("#id_body")
    assert QUESTION in agent.locator("#thread").inner_text()
    agent.fill("#id_body", ANSWER)
    agent.locator("form.answer-form button[type=submit]").tap()
    agent.wait_for_selector("[data-state=answered]")
    _no_side_scroll(agent)
    shot(agent, "support-request-staff")
    _no_violation(agent)

    member.reload()
    member.wait_for_selector("[data-state=answered]")
    assert ANSWER in member.locator("#thread").inner_text()
    _no_side_scroll(member)
    shot(member, "support-request-member")
    _no_violation(member)
    request.refresh_from_db()
    assert request.state == State.ANSWERED and request.assigned_to == w.agent
    assert not problems, problems
    agent_context.close()
    member_context.close()  # before the live server stops: no request of this page left in flight


def test_a_request_written_without_network_is_sent_once_when_it_is_back(browser, live_server):
    w = world()
    problems = []
    context = _logged_in(browser, live_server, w.member.user)
    page = context.new_page()
    _watch(page, problems)
    page.goto(reverse("support-new") + "?service=legal")
    worker_ready(page)
    context.set_offline(True)
    page.fill("#id_body", "Sans réseau : mon client refuse de signer le devis, que faire ?")
    page.locator("main form button[type=submit]").tap()
    page.wait_for_selector("[data-support-note]:not([hidden])")
    assert queue_count(page).is_visible() and "1" in queue_count(page).inner_text()
    assert not SupportRequest.objects.exists()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    request = wait_until(lambda: SupportRequest.objects.first(), "the queued request to reach the server")
    assert request.service == "legal" and "refuse de signer" in request.messages.get().body
    page.evaluate("window.CompagnonQueue.flush()")
    page.wait_for_timeout(500)
    assert SupportRequest.objects.count() == 1
    assert not problems, problems
    context.close()
