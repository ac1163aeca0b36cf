"""Key pages work under the Content-Security-Policy in Chromium: no violation is reported.

Each page is opened by a real browser with the policy the server sends; a violation shows up as a
``securitypolicyviolation`` event (recorded in every frame, the portal's srcdoc frame included) and
as a console error. The quote editor is exercised (a typed line is autosaved through htmx/fetch),
so a policy that broke the editor's scripts would fail here.
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

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"

RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch(page):
    problems = page.problems  # the phone fixture already collects script errors and 4xx/5xx
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        text = message.text
        if text.startswith("Failed to load resource"):
            return  # the phone fixture reports failed sub-resources (the browser's favicon probe is none)
        if message.type == "error" or "Content Security Policy" in text or "CSP" in text:
            problems.append(f"console {message.type}: {text}")

    page.on("console", on_console)
    return problems


def visit(page, url, problems, *, expect_header=True):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    if expect_header:
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]
    page.wait_for_load_state("networkidle")
    assert not problems, f"{url}: {problems}"


def test_key_pages_report_no_csp_violation(phone, live_server):
    page = phone
    problems = watch(page)

    visit(page, "/accounts/login/", problems)
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.wait_for_load_state("networkidle")
    assert not problems, problems

    # the language switch (was an inline onchange handler) still submits its form
    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")
    page.wait_for_load_state("networkidle")
    assert not problems, problems

    user = get_user_model().objects.get(email=EMAIL)
    activity = Activity.objects.get(name=ACTIVITY)
    client = Client.objects.filter(activity=activity).order_by("pk").first()
    quote = sales.create_document(
        actor=user, activity=activity, client=client, kind=Kind.QUOTE,
        lines=[{"kind": "item", "description": "Taille des haies", "quantity": Decimal("4"), "unit": "HUR",
                "unit_price": Decimal("40"), "vat_category": "S", "vat_rate": Decimal("20")}])

    # the quote editor, with an autosave
    visit(page, f"/documents/{quote.pk}/", problems)
    expect(page.locator("form#editor")).to_be_visible()
    row = page.locator("#lines fieldset.line").first
    row.locator("[name=line_quantity]").fill("5")
    row.locator("[name=line_quantity]").blur()
    expect(page.locator("#totals")).to_contain_text("200")  # 5 × 40 recomputed by the server
    for _ in range(50):
        if Document.objects.get(pk=quote.pk).tax_exclusive == Decimal("200.00"):
            break
        page.wait_for_timeout(200)
    assert Document.objects.get(pk=quote.pk).tax_exclusive == Decimal("200.00"), "autosave did not run"
    assert not problems, problems

    # the document preview (the PDF's HTML with its <style>)
    visit(page, f"/documents/{quote.pk}/preview/", problems)

    # the activity's money page
    visit(page, f"/activities/{activity.pk}/money/", problems)

    # the client portal of a sent document: the document's HTML in a srcdoc frame
    portal.send_document(actor=user, document=quote, to=[client.email or "client@example.org"],
                         subject="Devis", message="Bonjour", base_url=live_server.url)
    access = portal.current_access(Document.objects.get(pk=quote.pk))
    visit(page, portal.portal_url(access, live_server.url), problems)
    height = page.locator("iframe#portal-doc").evaluate("f => f.getBoundingClientRect().height")
    assert height > 300, "the frame was not fitted to the document (behaviours.js)"

    # the API documentation (Swagger UI, served from the sidecar package)
    visit(page, "/api/docs/", problems)
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert not problems, problems
