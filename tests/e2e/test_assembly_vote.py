"""An associate votes at a general assembly from a phone (360 px, French): they open the
assembly whose vote is open, vote on a resolution, see the confirmation and their receipt code,
then check the receipt and are told their ballot is in the box as cast.

The system Chromium only (/usr/bin/chromium, the session's browser of conftest.py); without it
the test is skipped with the reason.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from compagnon.governance.models import Ballot, VoteRecord
from compagnon.governance.tests.helpers import coop, open_assembly

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in(browser, live_server, user):
    django_client = DjangoClient()
    django_client.force_login(user)
    user.language = "fr"
    user.save(update_fields=["language"])
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context


def test_an_associate_votes_from_a_phone_and_checks_the_receipt(browser, live_server):
    c = coop(members=3)
    assembly, (resolution,) = open_assembly(c)
    voter = c["members"][0].user
    context = _logged_in(browser, live_server, voter)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    page.goto(reverse("governance-assembly", args=[assembly.pk]))
    assert "vote ouvert" in page.locator("main").inner_text().lower()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    form = page.locator(f"form[action='{reverse('governance-vote', args=[assembly.pk, resolution.pk])}']")
    form.locator("input[name=choice][value=for]").check()
    button = form.locator("button[type=submit]")
    assert button.inner_text().strip() == "Voter"
    assert button.bounding_box()["height"] >= 44
    button.click()

    page.wait_for_selector("#receipt")
    assert page.locator("h1").inner_text() == "Votre vote est enregistré"
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", receipt), receipt
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert VoteRecord.objects.filter(resolution=resolution, associate=c["associates"][0]).exists()
    assert Ballot.objects.filter(resolution=resolution, choice="for").count() == 1

    page.goto(reverse("governance-assembly", args=[assembly.pk]))
    assert "Vous avez voté." in page.locator("main").inner_text()
    page.goto(reverse("governance-verify", args=[assembly.pk]))
    page.locator("input[name=receipt]").fill(receipt)
    page.locator("main form button[type=submit]").click()
    status = page.locator("main p.msg[role=status]")
    assert "Votre bulletin est dans l’urne" in status.inner_text()
    assert "pour" in status.inner_text().lower()
    assert not problems, problems
    page.goto("about:blank")
    context.close()
