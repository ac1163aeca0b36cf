"""After issuing or sending, the next useful action comes first; a new document keeps the thread
(the client already known, the activity last used)."""

import uuid

import pytest

from compagnon.core.tests.factories import ActivityFactory, member_with_activity
from compagnon.members.models import ActivityMembership, ActivityRole
from compagnon.sales import services
from compagnon.sales.models import Document, Kind, State

from .factories import ClientFactory, draft, issued_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    customer = ClientFactory(activity=activity)
    client.force_login(member.user)
    return member, activity, customer


def what_next(client, document) -> str:
    page = client.get(f"/documents/{document.pk}/").content.decode()
    return page[page.index('id="h-actions"'):page.index('id="h-lines"')]


def test_an_issued_invoice_not_yet_sent_offers_send_first_and_folds_the_credit_note(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    section = what_next(client, invoice)
    assert section.index(f'href="/documents/{invoice.pk}/email/"') < section.index("Create a credit note")
    assert '<details class="credit-option">' in section and "Correct this invoice" in section


def test_a_sent_invoice_points_to_its_payment(client, gardener):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    Document.objects.filter(pk=invoice.pk).update(sent_at=invoice.issued_at)
    section = what_next(client, invoice)
    assert "See the payment" in section and 'href="#h-payment"' in section
    assert f'href="/documents/{invoice.pk}/email/"' not in section


def test_an_accepted_quote_offers_the_final_invoice_first(client, gardener):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    services.change_quote_state(actor=member.user, document=quote, to_state=State.SENT)
    services.change_quote_state(actor=member.user, document=quote, to_state=State.ACCEPTED)
    section = what_next(client, quote)
    assert section.index("Create the final invoice") < section.index("Create a deposit invoice")
    assert section.index("Create the final invoice") < section.index("Start production")


def test_new_quote_for_a_known_client_opens_the_editor_directly_and_once(client, gardener):
    member, activity, customer = gardener
    key = uuid.uuid4()
    url = f"/documents/new/?kind=quote&client={customer.pk}&key={key}"
    response = client.get(url)
    quote = Document.objects.get(client=customer)
    assert response.status_code == 302 and response.url == f"/documents/{quote.pk}/"
    assert (quote.kind, quote.state, quote.activity) == (Kind.QUOTE, State.DRAFT, activity)
    assert client.get(url).url == f"/documents/{quote.pk}/"  # a reload: the same draft
    assert Document.objects.filter(client=customer).count() == 1
    # the client page's links carry such a key
    page = client.get(f"/clients/{customer.pk}/").content.decode()
    assert f"kind=quote&amp;client={customer.pk}&amp;key=" in page


def test_another_members_client_is_not_reached_through_the_link(client, gardener):
    other, other_activity = member_with_activity()
    theirs = ClientFactory(activity=other_activity)
    response = client.get(f"/documents/new/?kind=quote&client={theirs.pk}&key={uuid.uuid4()}")
    assert response.status_code == 200 and not Document.objects.filter(client=theirs).exists()


def test_a_new_document_starts_in_the_activity_last_used(client, gardener):
    member, activity, customer = gardener
    second = ActivityFactory(entity=activity.entity, holder=member, name="Zz second")
    assert client.get("/documents/new/").context["activity"] in (activity, second)
    draft(member, second, ClientFactory(activity=second))
    assert client.get("/documents/new/").context["activity"] == second


def test_without_history_the_members_own_activity_comes_before_a_collective(client):
    member, own = member_with_activity()
    partner, _ = member_with_activity()
    collective = ActivityFactory(entity=own.entity, holder=partner, name="A shared workshop")
    ActivityMembership.objects.create(activity=collective, member=member, role=ActivityRole.CONTRIBUTOR)
    client.force_login(member.user)
    assert client.get("/documents/new/").context["activity"] == own


def accepted_quote(member, activity, customer):
    quote = draft(member, activity, customer)
    services.change_quote_state(actor=member.user, document=quote, to_state=State.SENT)
    return services.change_quote_state(actor=member.user, document=quote, to_state=State.ACCEPTED)


def test_the_final_invoice_from_the_quote_page_opens_the_issue_and_send_confirmation(client, gardener):
    member, activity, customer = gardener
    quote = accepted_quote(member, activity, customer)
    page = client.get(f"/documents/{quote.pk}/").content.decode()
    form = page[page.index('class="final-invoice"'):]
    assert 'name="then" value="send"' in form[:form.index("</form>")]
    # "What next?" comes before the portal and payment panels on an accepted quote
    assert page.index('id="h-actions"') < page.index('id="h-lines"')

    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "final", "then": "send"})
    invoice = Document.objects.get(quote=quote, kind=Kind.INVOICE)
    assert response.status_code == 302 and response.url == f"/documents/{invoice.pk}/email/"
    assert invoice.state == State.DRAFT and invoice.tax_inclusive == quote.tax_inclusive  # nothing issued yet
    confirmation = client.get(response.url).content.decode()
    assert quote.number in confirmation and "Issue and send" in confirmation


def test_a_deposit_or_a_final_invoice_asked_without_then_send_opens_the_editor(client, gardener):
    member, activity, customer = gardener
    quote = accepted_quote(member, activity, customer)
    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "deposit", "deposit-percent": "30",
                                                               "then": "send"})
    deposit = Document.objects.get(quote=quote, kind=Kind.DEPOSIT)
    assert response.url == f"/documents/{deposit.pk}/"
    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "final"})
    final = Document.objects.get(quote=quote, kind=Kind.INVOICE)
    assert response.url == f"/documents/{final.pk}/"


def test_another_member_cannot_invoice_the_quote(client, gardener):
    member, activity, customer = gardener
    quote = accepted_quote(member, activity, customer)
    other, _ = member_with_activity()
    client.force_login(other.user)
    response = client.post(f"/documents/{quote.pk}/invoice/", {"mode": "final", "then": "send"})
    assert response.status_code == 404
    assert not Document.objects.filter(quote=quote).exists()


def test_an_empty_draft_opens_with_a_line_ready_to_type_in(client, gardener):
    member, activity, customer = gardener
    empty = draft(member, activity, customer, lines=[])
    rows = client.get(f"/documents/{empty.pk}/").context["rows"]
    assert len(rows) == 1 and rows[0]["kind"] == "item" and rows[0]["blank"]
    full = draft(member, activity, customer)
    rows = client.get(f"/documents/{full.pk}/").context["rows"]
    assert len(rows) == full.lines.count() and not any(r.get("blank") for r in rows)
