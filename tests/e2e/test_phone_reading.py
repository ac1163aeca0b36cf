"""A client reads a document on a 360 px phone: every line's VAT and net amount are on screen
without scrolling sideways, on the portal (the document in its frame) and in the member's preview;
the words they may not know open a short explanation; the glossary page reads on the phone too.

Geometry is read from the browser (bounding boxes in CSS pixels of the 360 × 740 viewport), never
timings. Selectors rely on classes the document template gives its cells (td.net, td.vat-rate).
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from compagnon.clients.models import Client
from compagnon.members.models import Activity
from compagnon.portal import services as portal
from compagnon.sales import services as sales
from compagnon.sales.models import Document, Kind

from .conftest import PHONE

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"
WIDTH = PHONE["viewport"]["width"]
LINES = [
    ("Taille des haies de thuyas le long de la clôture côté rue, évacuation des déchets verts", "12.5", "HUR", "42.50", "20"),
    ("Fournitures : terreau, paillage de chanvre et engrais organique", "3", "C62", "1249.99", "10"),
    ("Débroussaillage", "1", "C62", "380", "20"),
    ("Déplacement", "2", "C62", "25", "20"),
]


def _quote():
    user = get_user_model().objects.get(email=EMAIL)
    activity = Activity.objects.get(name=ACTIVITY)
    client = Client.objects.filter(activity=activity).order_by("pk").first()
    lines = [{"kind": "item", "description": d, "quantity": Decimal(q), "unit": u, "unit_price": Decimal(p),
              "vat_category": "S", "vat_rate": Decimal(r)} for d, q, u, p, r in LINES]
    quote = sales.create_document(actor=user, activity=activity, client=client, kind=Kind.QUOTE, lines=lines)
    return user, client, quote


def _inside_the_screen(locator, what):
    count = locator.count()
    assert count >= len(LINES), f"{what}: {count} cells"
    for i in range(count):
        cell = locator.nth(i)
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box and box["width"] > 0, f"{what} {i}: not laid out"
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, f"{what} {i} outside the screen: {box}"


def _no_sideways_scroll(page_or_frame, what):
    widths = page_or_frame.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"{what} scrolls sideways: {widths}"


def _log_in(page):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/home/$"))


def test_the_client_reads_every_amount_on_the_portal_at_360_px(phone, live_server, shot):
    page = phone
    user, client, quote = _quote()
    portal.send_document(actor=user, document=quote, to=[client.email or "client@example.org"],
                         subject="Devis", message="Bonjour", base_url=live_server.url)
    access = portal.current_access(Document.objects.get(pk=quote.pk))
    page.goto(portal.portal_url(access, live_server.url))
    page.wait_for_load_state("networkidle")
    frame = page.frame_locator("iframe#portal-doc")
    expect(frame.locator("tr.line td.net").first).to_be_visible()

    _inside_the_screen(frame.locator("tr.line td.net"), "net amount")
    _inside_the_screen(frame.locator("tr.line td.vat-rate"), "VAT rate")
    _inside_the_screen(frame.locator("tr.line td.price"), "unit price")
    total = frame.locator("table.totals tr.grand td.num").first
    total.scroll_into_view_if_needed()
    box = total.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, f"total outside the screen: {box}"
    _no_sideways_scroll(page, "the portal page")
    _no_sideways_scroll(page.frames[1], "the document frame")
    # the label of each amount is written beside it (the table head is gone on a phone)
    label = frame.locator("tr.line td.net").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert "HT" in label or "excl" in label, label

    # a word the client may not know: the hint opens its explanation in place, without leaving
    hint = page.locator(".portal-words button.term-hint").first
    size = hint.bounding_box()
    assert size["width"] >= 44 and size["height"] >= 44, size
    definition = page.locator("#" + hint.get_attribute("aria-controls"))
    expect(definition).to_be_hidden()
    hint.tap()
    expect(definition).to_be_visible()
    expect(hint).to_have_attribute("aria-expanded", "true")
    _no_sideways_scroll(page, "the portal page with a hint open")
    shot(page, "phone-portal-document")
    assert not page.problems, page.problems


def test_the_member_reads_the_preview_without_zooming_at_360_px(phone, shot):
    page = phone
    _log_in(page)
    _user, _client, quote = _quote()
    page.goto(f"/documents/{quote.pk}/preview/")
    page.wait_for_load_state("networkidle")
    scale = page.evaluate("() => window.visualViewport.scale")
    assert scale == 1, f"the preview is zoomed out to {scale}"
    _inside_the_screen(page.locator("tr.line td.net"), "net amount")
    _inside_the_screen(page.locator("tr.line td.vat-rate"), "VAT rate")
    _no_sideways_scroll(page, "the preview")
    font = page.locator("tr.line td.desc").first.evaluate("td => parseFloat(getComputedStyle(td).fontSize)")
    assert font >= 14, f"text of {font}px needs zooming"
    back = page.locator(".preview-bar a").first.bounding_box()
    assert back["height"] >= 44, back
    shot(page, "phone-preview")
    assert not page.problems, page.problems


def test_the_glossary_reads_and_searches_on_a_phone(phone):
    page = phone
    page.goto("/glossary/")
    _no_sideways_scroll(page, "the glossary")
    page.fill("#glossary-q", "ECHEANCE")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").tap()
    expect(page.locator(".glossary-term").first).to_have_attribute("id", "due_date")
    _no_sideways_scroll(page, "the glossary search")
    assert not page.problems, page.problems
