"""A member sells on their phone: a new client, a quote typed with a decimal comma and a catalogue
item, sent by email, accepted and signed by the client on the portal, then the final invoice issued
and its PDF downloaded.

Selectors rely on ids, names, URLs and classes, not on wording: member1 reads the app in French (the
language of their profile) and the test must not break when a translation is reworded. Amounts are
read from the page and compared with what the server stored.

Background work (PDFs, emails, the sealed signed PDF) runs through django-tasks' immediate backend,
enqueued on commit: in the live server thread it runs before the answer is sent, so the locmem
``mail.outbox`` of this process sees every email. The test still polls where the page does.
"""

import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from compagnon.clients.models import Client
from compagnon.core.demo import siren_from
from compagnon.members.models import Activity
from compagnon.portal.models import SignatureEvidence
from compagnon.sales.models import CatalogueItem, Document, Kind, State
from compagnon.sales.templatetags.sales_tags import amount

from .conftest import PHONE

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"
CLIENT = {
    "name": "Boulangerie Durand SARL",
    "email": "compta@boulangerie-durand.example",
    "street": "8 rue de la Marne",
    "postcode": "44000",
    "city": "Nantes",
    "siren": siren_from(48213577),
}
SIGNER = "Hélène Durand"
CATALOGUE_ITEM = "Tonte de pelouse"
PORTAL_LINK = re.compile(r"https?://[^\s\"<>]+/p/[^/\s\"<>]+/")
CODE = re.compile(r"^\s*(\d{6})\s*$", re.MULTILINE)


# --- helpers ---------------------------------------------------------------------------------


def watch(page, problems, *, statuses=True):
    """Collect on ``problems`` what would be a bug for the person holding the phone: messages the
    page logs as errors, requests that never got an answer (a navigation aborting a poll is not a
    failure) and, unless the ``phone`` fixture does it already (``statuses=False``), script errors
    and sub-resources answered with an error."""

    def failed_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    def failed_request(request):
        if "ERR_ABORTED" not in (request.failure or ""):
            problems.append(f"failed {request.url}: {request.failure}")

    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("requestfailed", failed_request)
    if statuses:
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        page.on("response", failed_response)


def wait_until(check, what, timeout=10.0, fail=True):
    """Poll ``check`` (a database read) until it returns something true; after ``timeout``
    seconds, fail the test (or return the last answer when ``fail`` is False)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not value and fail:
        pytest.fail(f"waited {timeout:.0f} s for {what}")
    return value


def assert_fits_phone(page):
    """No horizontal scroll at 360 px: nothing sticks out of the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways ({width}px wide)"


def tap_and_wait(page, locator):
    """Tap a link or submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.tap()
    assert_fits_phone(page)


def euros(text: str) -> Decimal:
    """An amount as the French pages print it ("1 234,50 €") as a Decimal."""
    return Decimal(re.sub(r"[^\d,-]", "", text).replace(",", "."))


def shown(value: Decimal) -> str:
    """``value`` as the member's French pages print it."""
    with translation.override("fr"):
        return f"{amount(value)} €"


def log_in(page):
    page.goto("/accounts/login/")
    assert_fits_phone(page)
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    tap_and_wait(page, page.locator("form[action$='/accounts/login/'] button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/home/$"))


def latest_mail(after: int, to: str):
    """The first email sent to ``to`` since ``mail.outbox`` held ``after`` messages."""
    return wait_until(
        lambda: next((m for m in mail.outbox[after:] if to in m.to), None), f"an email to {to}"
    )


def accept_on_the_portal(context, link, quote, shot) -> None:
    """The client opens the link from the email, accepts and signs with the code emailed to them."""
    portal = context.new_page()
    problems = []
    watch(portal, problems)
    portal.goto(link)
    expect(portal.locator("iframe#portal-doc")).to_be_visible()
    expect(portal.locator("h1")).to_contain_text(quote.number)
    assert euros(portal.locator("main > p.muted strong.portal-total").inner_text()) == quote.tax_inclusive
    assert_fits_phone(portal)
    shot(portal, "sales-portal")
    tap_and_wait(portal, portal.locator("a[href$='/accept/']"))
    portal.fill("#id_signer_name", SIGNER)
    expect(portal.locator("#id_email")).to_have_value(CLIENT["email"])
    portal.locator("#id_accepted").check()
    assert not problems, problems
    codes_before = len(mail.outbox)
    with portal.expect_navigation() as answer:
        portal.locator("main form button[type=submit]").tap()
    assert answer.value.status == 200, (
        f"accepting answered {answer.value.status}"
    )  # e.g. 403: CSRF refused
    expect(portal).to_have_url(re.compile(r"/accept/\d+/$"))
    assert_fits_phone(portal)
    code = CODE.search(latest_mail(codes_before, CLIENT["email"]).body).group(1)
    portal.fill("#id_code", code)
    tap_and_wait(portal, portal.locator("main form:has(#id_code) button[type=submit]"))
    expect(portal).to_have_url(link)
    expect(portal.locator(".messages .msg.success")).to_be_visible()

    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED
    evidence = SignatureEvidence.objects.get(document=quote)
    assert (evidence.signer_name, evidence.signer_email) == (SIGNER, CLIENT["email"])
    assert evidence.document_sha256 == quote.pdf_sha256
    # The signed PDF is sealed by a task; the page offers it once it is there.
    wait_until(
        lambda: SignatureEvidence.objects.get(pk=evidence.pk).signed_pdf, "the sealed signed PDF"
    )
    portal.reload()
    expect(portal.locator("a[href$='/signed-pdf/']")).to_be_visible()
    assert_fits_phone(portal)
    shot(portal, "sales-portal")
    assert not problems, problems


def travel_costs(page, activity):
    """Under the lines, "Discount, additional charge…": the amount and what it is for, saved as
    typed, shown in the totals with the VAT recomputed."""
    from django.contrib.auth import get_user_model

    from compagnon.sales import services

    client = Client.objects.filter(activity=activity, kind="company").order_by("pk").first()
    quote = services.create_document(
        actor=get_user_model().objects.get(email=EMAIL), activity=activity, client=client, kind=Kind.QUOTE,
        lines=[{"kind": "item", "description": "Taille des haies", "quantity": Decimal("4"), "unit": "HUR",
                "unit_price": Decimal("40"), "vat_category": "S", "vat_rate": Decimal("20")}])
    page.goto(f"/documents/{quote.pk}/")
    expect(page.locator("form#editor")).to_be_visible()
    page.locator("details.more summary").tap()
    page.locator("#id_charge_reason").fill("Frais de déplacement")
    page.locator("#id_charge_amount").fill("25")
    page.locator("#id_charge_amount").blur()

    saved = wait_until(lambda: Document.objects.filter(pk=quote.pk, charge_total=Decimal("25.00")).first(),
                       "the autosave of the charge")
    assert saved.charge_reason == "Frais de déplacement"
    assert (saved.tax_exclusive, saved.tax_inclusive) == (Decimal("185.00"), Decimal("222.00"))
    totals = page.locator("#totals")
    expect(totals).to_contain_text("Frais de déplacement")
    expect(totals).to_contain_text(shown(saved.tax_inclusive))
    assert_fits_phone(page)


# --- the journey -------------------------------------------------------------------------------


def test_quote_signed_on_the_portal_then_invoiced(browser, live_server, phone, shot):
    page = phone
    watch(page, page.problems, statuses=False)
    activity = Activity.objects.get(name=ACTIVITY)

    # 1. Log in, "Quotes and invoices" from the menu, "New quote".
    log_in(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("details.menu summary").tap()
    tap_and_wait(page, page.locator("details.menu nav a[href='/documents/']"))
    expect(page).to_have_url(re.compile(r"/documents/$"))
    tap_and_wait(page, page.locator(".page-head a[href$='/documents/new/?kind=quote']"))
    expect(page.locator("input[name=kind][value=quote]")).to_be_checked()

    # The activity's client list follows the chosen activity; from there, a new client.
    activity_select = page.locator("#id_activity")
    if activity_select.count():
        activity_select.select_option(str(activity.pk))
    new_client = page.locator("#client-choices a[href*='/clients/new/']")
    expect(new_client).to_have_attribute("href", re.compile(rf"activity={activity.pk}&next="))
    tap_and_wait(page, new_client)

    if page.locator("select#id_activity").count():
        expect(page.locator("#id_activity")).to_have_value(str(activity.pk))
    page.locator("input[name=kind][value=company]").check()
    page.fill("#id_name", CLIENT["name"])
    page.fill("#id_email", CLIENT["email"])
    page.fill("#id_street", CLIENT["street"])
    page.fill("#id_postcode", CLIENT["postcode"])
    page.fill("#id_city", CLIENT["city"])
    page.locator("#id_country").select_option("FR")
    page.fill("#id_company_number", CLIENT["siren"])
    # Added from inside the new quote: straight back to the quote, in its editor, with this client.
    tap_and_wait(page, page.locator("form.client-form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    client = Client.objects.get(name=CLIENT["name"])
    assert client.activity_id == activity.pk
    assert client.company_number.replace(" ", "") == CLIENT["siren"]
    quote = Document.objects.get(client=client, kind=Kind.QUOTE)
    assert quote.state == State.DRAFT and quote.activity_id == activity.pk
    expect(page.locator("form#editor")).to_be_visible()

    # 2. Two lines: 3,5 hours at 40 typed by hand, then one from the catalogue.
    expect(page.locator("#lines fieldset.line")).to_have_count(1)  # a line ready to type in
    row = page.locator("#lines fieldset.line").last
    row.locator("[name=line_description]").fill("Taille des haies du jardin")
    row.locator("[name=line_quantity]").fill("3,5")
    row.locator("[name=line_unit_price]").fill("40")
    item = CatalogueItem.objects.get(activity=activity, name=CATALOGUE_ITEM)
    page.locator("#catalogue-item").select_option(str(item.pk))
    with page.expect_response(lambda r: re.search(r"/documents/\d+/line/\?", r.url) is not None):
        page.locator(".catalogue-add button[hx-get$='/line/']").tap()
    expect(page.locator("#lines fieldset.line")).to_have_count(2)
    expect(
        page.locator("#lines fieldset.line").last.locator("[name=line_description]")
    ).to_have_value(re.compile(rf"^{CATALOGUE_ITEM}"))

    def saved_lines():
        lines = list(Document.objects.get(pk=quote.pk).lines.order_by("position", "pk"))
        return lines if len(lines) == 2 else None

    first, second = wait_until(saved_lines, "the autosave of both lines")
    assert (first.quantity, first.unit_price, first.net_amount) == (
        Decimal("3.5"),
        Decimal("40"),
        Decimal("140"),
    )
    assert second.description.startswith(CATALOGUE_ITEM) and second.unit_price == item.unit_price
    quote.refresh_from_db()
    assert quote.tax_exclusive == Decimal("140") + second.net_amount
    assert quote.tax_inclusive > quote.tax_exclusive  # VAT is charged
    # The page shows what the server saved: "Saved at hh:mm" stamped with the last save, the line
    # amounts, the totals (the bar's and the table's).
    status = page.locator("#save-status .st-ok")
    expect(status).to_have_attribute("data-updated", str(int(quote.updated_at.timestamp())))
    expect(status).to_contain_text(re.compile(r"\d{1,2}[:h]\d{2}"))
    expect(page.locator("#save-status .st-error, #save-status .st-busy")).to_have_count(0)
    expect(page.locator("#editor-errors .msg.error")).to_have_count(0)
    keys = page.locator("#lines fieldset.line").evaluate_all(
        "rows => rows.map(row => row.dataset.key)"
    )
    expect(page.locator(f"#net-{keys[0]}")).to_have_text(shown(first.net_amount))
    expect(page.locator(f"#net-{keys[1]}")).to_have_text(shown(second.net_amount))
    expect(page.locator("#bar-total strong")).to_have_text(shown(quote.tax_inclusive))
    expect(page.locator("#totals tr.grand td").first).to_have_text(shown(quote.tax_inclusive))
    assert euros(page.locator("#bar-total strong").inner_text()) == quote.tax_inclusive
    assert_fits_phone(page)
    shot(page, "sales-editor")

    # 3. Send the quote: one page, the recipient prefilled from the client, the message folded.
    tap_and_wait(page, page.locator("button[formaction$='/send/']"))
    expect(page).to_have_url(re.compile(rf"/documents/{quote.pk}/email/$"))
    assert euros(page.locator("dl.facts dd strong").last.inner_text()) == quote.tax_inclusive
    expect(page.locator("#id_to")).to_have_value(CLIENT["email"])
    expect(page.locator("#id_subject")).to_be_hidden()  # under "Change the message"
    assert_fits_phone(page)
    shot(page, "sales-send")
    sent_before = len(mail.outbox)
    tap_and_wait(
        page, page.locator(f"form[action$='/documents/{quote.pk}/email/'] .actions button[type=submit]")
    )
    expect(page).to_have_url(re.compile(rf"/documents/{quote.pk}/$"))
    expect(page.locator(".messages .msg.success")).to_be_visible()
    quote.refresh_from_db()
    assert quote.state == State.SENT and quote.number
    expect(page.locator("h1")).to_contain_text(quote.number)
    email = latest_mail(sent_before, CLIENT["email"])
    assert quote.number in email.subject
    assert any(
        name.endswith(".pdf") and data.startswith(b"%PDF-")
        for name, data, _mime in email.attachments
    )
    link = PORTAL_LINK.search(email.body).group(0)
    assert link.startswith(live_server.url)

    # The client, on their own phone, with no account.
    client_context = browser.new_context(base_url=live_server.url, **PHONE)
    client_context.set_default_timeout(10_000)
    try:
        accept_on_the_portal(client_context, link, quote, shot)
    finally:
        client_context.close()

    # 4. Back to the member: the final invoice from the accepted quote, issued.
    page.goto(f"/documents/{quote.pk}/")
    expect(page.locator(f".badge.doc-state.{State.ACCEPTED}").first).to_be_visible()
    assert_fits_phone(page)
    # Every line of the quote, straight to the one confirmation (the draft stays one tap away).
    tap_and_wait(page, page.locator("form.final-invoice button[type=submit]"))
    invoice = Document.objects.get(quote=quote, kind=Kind.INVOICE)
    assert invoice.state == State.DRAFT and invoice.tax_inclusive == quote.tax_inclusive
    # "Issue and send": one confirmation, the invoice numbered and emailed to the client.
    expect(page).to_have_url(re.compile(rf"/documents/{invoice.pk}/email/$"))
    expect(page.locator(f"a[href$='/documents/{invoice.pk}/']").first).to_be_visible()
    expect(page.locator(".msg.error")).to_have_count(0)
    sent_before = len(mail.outbox)
    tap_and_wait(
        page, page.locator(f"form[action$='/documents/{invoice.pk}/email/'] .actions button[type=submit]")
    )
    expect(page).to_have_url(re.compile(rf"/documents/{invoice.pk}/$"))
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.sent_at
    assert invoice.number in latest_mail(sent_before, CLIENT["email"]).subject
    # what comes next is the payment, not a credit note (folded away)
    expect(page.locator("section.next-steps a.button").first).to_have_attribute("href", "#h-payment")
    expect(page.locator(f"a[href$='/documents/{invoice.pk}/credit-note/']")).to_be_hidden()
    assert re.fullmatch(rf"F{invoice.issue_date.year}-\S+", invoice.number), invoice.number
    expect(page.locator("h1")).to_contain_text(invoice.number)
    # The archived PDF: the status partial polls every 3 s until the link is there.
    pdf_link = page.locator(f"#pdf-status a[href$='/documents/{invoice.pk}/pdf/']")
    expect(pdf_link).to_be_visible(timeout=10_000)
    response = page.context.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    # The e-invoice: checked at issue, Factur-X for this French entity, the CII inside the PDF.
    panel = page.locator("section[aria-labelledby='h-einvoice']")
    expect(panel.locator(".badge.ok").first).to_be_visible()
    facturx_link = panel.locator(f"a[href$='/documents/{invoice.pk}/einvoice/facturx/']")
    expect(facturx_link).to_be_hidden()  # the formats are technical details, folded
    panel.locator("details.technical > summary").click()
    expect(facturx_link).to_be_visible()
    from compagnon.einvoice import facturx

    download = page.context.request.get(facturx_link.get_attribute("href"))
    assert download.ok and b"CrossIndustryInvoice" in facturx.extract(download.body())
    expect(page.get_by_text(invoice.frozen["payment"]["reference_display"])).to_be_visible()
    assert_fits_phone(page)
    shot(page, "sales-invoice")

    # 6. Another quote, with travel costs (same demo data: seeding it again costs a minute).
    travel_costs(page, activity)

    assert not page.problems, page.problems
