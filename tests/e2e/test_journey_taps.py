"""A member's day in taps, measured (issue 10): 360 × 740, French, every tap and typed field
counted (``taps.Taps``), the counts asserted and printed (``pytest -s`` shows them).

- From the login page to a quote with two lines emailed to a new individual client: at most 10
  taps besides the typed fields.
- The client accepts on the portal; from the notification "client accepted" to the final invoice
  issued and emailed: at most 3 taps.
- Time logged with no network, the phone back online: the entry is saved with no tap besides
  logging it.
- axe-core finds no violation on any page of these journeys, as the member and as the client.

Selectors rely on ids, names, URLs and classes, not on wording.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from compagnon.clients.models import Client
from compagnon.members.models import Activity
from compagnon.notifications.models import Notification
from compagnon.sales.models import Document, Kind, State
from compagnon.timesheets.models import TimeEntry

from .conftest import PHONE
from .taps import Taps
from .test_accessibility import OPTIONS
from .test_offline import queue_count, worker_ready
from .test_sales_journey import CODE, PORTAL_LINK, assert_fits_phone, latest_mail, wait_until

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "member1@demo.coop", "demo"
ACTIVITY = "Les Jardins de Camille"
CLIENT = {
    "name": "Martine Leroy",
    "email": "martine.leroy@example.org",
    "street": "12 allée des Tilleuls",
    "postcode": "44300",
    "city": "Nantes",
}
LINES = [("Taille de la haie", "3,5", "40"), ("Évacuation des déchets verts", "1", "65")]
NET = Decimal("3.5") * 40 + 65

# The budgets of issue 10.
NEW_CLIENT_QUOTE_SENT = 10
ACCEPTED_TO_INVOICE_SENT = 3
OFFLINE_TIME_AFTER_ENTRY = 0


class Axe:
    """axe-core on each page the journey reaches; the violations kept, by page."""

    def __init__(self, runner):
        self.runner, self.found, self.seen = runner, {}, []

    def check(self, page, name):
        self.seen.append(name)
        results = self.runner.run(page, options=OPTIONS)
        lines = [f"{v['id']} ({v['impact']}): {v['help']} — "
                 + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:4])
                 for v in results.response["violations"]]
        if lines:
            self.found[name] = lines

    def report(self):
        print(f"axe-core: {len(self.seen)} pages checked, {len(self.found)} with violations")
        for name, lines in self.found.items():
            print(f"  {name}:\n    " + "\n    ".join(lines))

    def assert_clean(self):
        assert not self.found, "\n" + "\n".join(
            f"{name}:\n  " + "\n  ".join(lines) for name, lines in self.found.items())


@pytest.fixture(scope="module")
def axe_runner():
    from axe_playwright_python.sync_playwright import Axe as Runner

    return Runner()


@pytest.fixture
def axe(axe_runner):
    return Axe(axe_runner)


def log_in(taps):
    page = taps.page
    taps.open("/accounts/login/", "the login page")
    taps.type(page.locator("input[name=login]"), EMAIL, "email")
    taps.type(page.locator("input[name=password]"), PASSWORD, "password")
    taps.tap(page.locator("form[action$='/accounts/login/'] button[type=submit]"), "Se connecter",
             navigates=True)
    expect(page).to_have_url(re.compile(r"/home/$"))


def new_client_quote_sent(taps, axe, activity):
    """Login → "New quote" → a new individual client → two lines → sent by email."""
    page = taps.page
    log_in(taps)
    axe.check(page, "home")
    taps.tap(page.locator(".big-actions a[href*='/documents/new/']"), "Nouveau devis", navigates=True)
    expect(page.locator("input[name=kind][value=quote]")).to_be_checked()
    assert_fits_phone(page)
    axe.check(page, "document-new")
    activity_select = page.locator("select#id_activity")
    if activity_select.count() and activity_select.input_value() != str(activity.pk):
        with page.expect_response(lambda r: "/documents/new/" in r.url):
            taps.select(activity_select, str(activity.pk), "the activity")
    taps.tap(page.locator("#client-choices a[href*='/clients/new/']"), "+ Nouveau client", navigates=True)
    assert_fits_phone(page)
    axe.check(page, "client-new")
    taps.check(page.locator("input[name=kind][value=individual]"), "Particulier")
    for name in ("name", "email", "street", "postcode", "city"):
        taps.type(page.locator(f"#id_{name}"), CLIENT[name], name)
    expect(page.locator("#id_country")).to_have_value("FR")  # the entity's country, no tap
    taps.tap(page.locator("form.client-form button[type=submit]"), "Ajouter le client", navigates=True)

    # Straight into the editor of the new quote, for this client.
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    client = Client.objects.get(name=CLIENT["name"], activity=activity)
    assert client.kind == "individual"
    quote = Document.objects.get(client=client, kind=Kind.QUOTE)
    expect(page.locator("form#editor")).to_be_visible()
    assert_fits_phone(page)
    for description, quantity, price in LINES:
        rows = page.locator("#lines fieldset.line")
        row = rows.last
        if not rows.count() or row.locator("[name=line_description]").input_value():
            before = rows.count()
            taps.tap(page.locator("[data-add-line=item]"), "+ Ligne")
            expect(rows).to_have_count(before + 1)
            row = rows.last
        taps.type(row.locator("[name=line_description]"), description, "line description")
        taps.type(row.locator("[name=line_quantity]"), quantity, "line quantity")
        taps.type(row.locator("[name=line_unit_price]"), price, "line unit price")
    wait_until(lambda: Document.objects.filter(pk=quote.pk, tax_exclusive=NET).exists(),
               "the autosave of both lines")
    axe.check(page, "quote-editor")

    taps.tap(page.locator("button[formaction$='/send/']"), "Envoyer…", navigates=True)
    expect(page).to_have_url(re.compile(rf"/documents/{quote.pk}/email/$"))
    expect(page.locator("#id_to")).to_have_value(CLIENT["email"])  # prefilled, email preselected
    assert_fits_phone(page)
    axe.check(page, "send-quote")
    sent_before = len(mail.outbox)
    taps.tap(page.locator(f"form[action$='/documents/{quote.pk}/email/'] .actions button[type=submit]"),
             "Envoyer", navigates=True)
    expect(page).to_have_url(re.compile(rf"/documents/{quote.pk}/$"))
    quote.refresh_from_db()
    assert quote.state == State.SENT and quote.number
    assert quote.tax_exclusive == NET and quote.lines.count() == 2
    email = latest_mail(sent_before, CLIENT["email"])
    assert quote.number in email.subject
    axe.check(page, "quote-sent")
    return quote, PORTAL_LINK.search(email.body).group(0)


def accept_on_the_portal(browser, live_server, link, quote, axe):
    """The client, on their own phone: opens the emailed link, accepts and signs with the code."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        taps = Taps(page, "the client accepts on the portal")
        taps.open(link, "the link in the email")
        expect(page.locator("h1")).to_contain_text(quote.number)
        assert_fits_phone(page)
        axe.check(page, "portal")
        taps.tap(page.locator("a[href$='/accept/']"), "Accepter et signer", navigates=True)
        axe.check(page, "portal-accept")
        taps.type(page.locator("#id_signer_name"), CLIENT["name"], "name")
        expect(page.locator("#id_email")).to_have_value(CLIENT["email"])
        taps.check(page.locator("#id_accepted"), "J'accepte")
        codes_before = len(mail.outbox)
        taps.tap(page.locator("main form button[type=submit]"), "M'envoyer le code", navigates=True)
        expect(page).to_have_url(re.compile(r"/accept/\d+/$"))
        axe.check(page, "portal-code")
        code = CODE.search(latest_mail(codes_before, CLIENT["email"]).body).group(1)
        taps.type(page.locator("#id_code"), code, "code from the email")
        taps.tap(page.locator("main form:has(#id_code) button[type=submit]"), "Confirmer et signer",
                 navigates=True)
        expect(page.locator(".messages .msg.success")).to_be_visible()
        taps.assert_all_counted()
        taps.report()
        quote.refresh_from_db()
        assert quote.state == State.ACCEPTED
    finally:
        context.close()


def accepted_to_invoice_sent(taps, axe, quote):
    """The app opened again: "client accepted" → the final invoice, issued and emailed."""
    page = taps.page
    start = taps.mark()
    notice = wait_until(lambda: Notification.objects.filter(
        user__email=EMAIL, key=f"client:accepted:{quote.pk}").first(), "the notification of the acceptance")
    taps.open("/home/", "the app, later")
    taps.tap(page.locator(f".news form[action$='/notifications/{notice.pk}/open/'] button"),
             "the notification “accepted”", navigates=True)
    expect(page).to_have_url(re.compile(rf"/documents/{quote.pk}/$"))
    assert_fits_phone(page)
    axe.check(page, "quote-accepted")
    taps.tap(page.locator("form.final-invoice button[type=submit]"), "Créer la facture de solde", navigates=True)
    invoice = Document.objects.get(quote=quote, kind=Kind.INVOICE)
    assert invoice.tax_exclusive == NET  # every line of the quote, prefilled
    if not re.search(r"/email/$", page.url):  # the editor first: one more tap to the confirmation
        taps.tap(page.locator("button[formaction$='/issue/']"), "Émettre et envoyer…", navigates=True)
    expect(page).to_have_url(re.compile(rf"/documents/{invoice.pk}/email/$"))
    expect(page.locator("#id_to")).to_have_value(CLIENT["email"])
    assert_fits_phone(page)
    axe.check(page, "issue-and-send")
    sent_before = len(mail.outbox)
    taps.tap(page.locator(f"form[action$='/documents/{invoice.pk}/email/'] .actions button[type=submit]"),
             "Émettre et envoyer", navigates=True)
    expect(page).to_have_url(re.compile(rf"/documents/{invoice.pk}/$"))
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.sent_at and invoice.number
    assert invoice.number in latest_mail(sent_before, CLIENT["email"]).subject
    axe.check(page, "invoice-sent")
    return taps.taps - start


def test_new_client_quote_sent_then_accepted_and_invoiced_in_few_taps(browser, live_server, phone, axe):
    page = phone
    activity = Activity.objects.get(name=ACTIVITY)
    taps = Taps(page, "login → new client → quote with 2 lines → emailed")
    quote, link = new_client_quote_sent(taps, axe, activity)
    taps.assert_all_counted()
    taps.report()
    first = taps.taps

    accept_on_the_portal(browser, live_server, link, quote, axe)

    taps.journey = "notification “accepted” → final invoice issued and emailed"
    taps.steps, taps.loads = [], 0
    invoicing = accepted_to_invoice_sent(taps, axe, quote)
    taps.report()
    axe.report()

    assert first <= NEW_CLIENT_QUOTE_SENT, f"{first} taps from login to the quote sent"
    assert invoicing <= ACCEPTED_TO_INVOICE_SENT, f"{invoicing} taps from the notification to the invoice sent"
    axe.assert_clean()
    assert not page.problems, page.problems


def test_time_logged_offline_is_saved_with_no_tap_when_back_online(phone, axe):
    page, context = phone, phone.context
    taps = Taps(page, "time logged offline → saved back online")
    log_in(taps)
    before_entry = taps.mark()
    taps.tap(page.locator(".big-actions a[href*='/time/']"), "Saisir du temps", navigates=True)
    worker_ready(page)
    assert_fits_phone(page)
    axe.check(page, "time")
    entries = TimeEntry.objects.count()

    context.set_offline(True)
    form = page.locator("form[data-queue='time']")
    taps.type(form.locator("[name=duration]"), "1h30", "duration")
    taps.type(form.locator("[name=description]"), "Désherbage du potager, sans réseau", "description")
    taps.tap(form.locator("button[type=submit]"), "Enregistrer ce temps")
    expect(queue_count(page)).to_have_text("1 envoi en attente")
    entry_taps = taps.mark() - before_entry
    assert TimeEntry.objects.count() == entries

    after_entry = taps.mark()
    context.set_offline(False)  # nothing to tap: the phone sends it by itself
    entry = wait_until(lambda: TimeEntry.objects.filter(
        description="Désherbage du potager, sans réseau").first(), "the time logged offline")
    assert entry.duration == 90
    expect(page.locator("header.top #queue")).to_be_hidden()
    expect(page.locator("#week")).to_contain_text("Désherbage du potager, sans réseau")
    axe.check(page, "time-saved")
    assert TimeEntry.objects.count() == entries + 1
    taps.assert_all_counted()
    taps.report()
    after = taps.mark() - after_entry
    print(f"  the entry itself: {entry_taps} taps (open the time page, log it); after it: {after}")
    assert after == OFFLINE_TIME_AFTER_ENTRY
    assert entry_taps <= 2
    axe.assert_clean()
    assert not page.problems, page.problems
