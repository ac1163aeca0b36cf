"""Send means send: one page (and one API call) issues an invoice when needed and gets it to the client,
by email with the PDF and the portal link, through Peppol, or marked as handed over another way."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
)
from compagnon.einvoice.models import Transmission
from compagnon.einvoice.tests import scenarios
from compagnon.portal import delivery
from compagnon.sales import services as sales
from compagnon.sales.models import DocumentEmail, Kind, State

from .helpers import draft, make_client

pytestmark = pytest.mark.django_db


def send_data(page, **changes) -> dict:
    """What the send page's form posts as shown (its prefilled values), with ``changes``."""
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in ("channel", "to", "subject", "message", "key")}
    data.update(changes)
    return data


def test_issue_and_send_is_one_step_from_the_editor(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)

    # the editor's "Issue and send…" saves the draft, then the send page confirms
    response = client.get(f"/documents/{invoice.pk}/issue/")
    assert response.status_code == 302 and response.url == f"/documents/{invoice.pk}/email/"
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and "Issue and send this invoice?" in html and "Issuing is final." in html
    assert page.context["form"]["to"].value() == "syndic@example.org"  # from the client, editable
    assert "Change the message" in html and "{number}" in page.context["form"]["subject"].value()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{invoice.pk}/email/", send_data(page))
    assert response.status_code == 302 and response.url == f"/documents/{invoice.pk}/"
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and invoice.number and invoice.sent_at
    (email,) = mail.outbox
    assert email.to == ["syndic@example.org"] and invoice.number in email.subject
    assert email.attachments[0][0] == f"{invoice.number}.pdf" and "/p/" in email.body
    done = client.get(response.url)
    assert f"Issued. Invoice {invoice.number} sent to syndic@example.org." in done.content.decode()


def test_a_double_tap_sends_once(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    data = send_data(client.get(f"/documents/{invoice.pk}/email/"))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/documents/{invoice.pk}/email/", data)
        second = client.post(f"/documents/{invoice.pk}/email/", data)
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1 and DocumentEmail.objects.filter(document=invoice).count() == 1
    assert "was already sent: nothing was sent again" in client.get(second.url).content.decode()


def test_issued_but_not_sent_says_so_and_offers_to_send_again(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/email/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{invoice.pk}/email/", send_data(page, to="syndic@example"))
    html = response.content.decode()
    invoice.refresh_from_db()
    assert response.status_code == 400 and invoice.state == State.ISSUED and invoice.number
    assert f"Invoice {invoice.number} is issued, but it was not sent." in html
    assert "syndic@example is not a valid email address." in html and "Send again" in html
    assert not mail.outbox and invoice.sent_at is None
    # the document page says what is left to do: send it
    detail = client.get(f"/documents/{invoice.pk}/")
    assert detail.context["next_action"]["label"] == "Send"

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/documents/{invoice.pk}/email/", send_data(response, to="syndic@example.org"))
    assert again.status_code == 302 and len(mail.outbox) == 1
    invoice.refresh_from_db()
    assert invoice.sent_at is not None


def test_what_stops_the_issue_is_shown_and_nothing_changes(client):
    member, activity = member_with_activity()
    customer = make_client(activity, street="", postcode="", city="")
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/email/")
    response = client.post(f"/documents/{invoice.pk}/email/", send_data(page))
    assert response.status_code == 400
    assert "It cannot be issued yet. Nothing has been changed." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == State.DRAFT and not invoice.number and not mail.outbox


def test_a_quote_handed_over_on_paper_is_marked_as_sent_without_any_email(gardener, client):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    client.force_login(member.user)
    page = client.get(f"/documents/{quote.pk}/email/")
    assert "Send this quote?" in page.content.decode() and "Mark as sent without emailing" in page.content.decode()
    response = client.post(f"/documents/{quote.pk}/email/", send_data(page, action="none"))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.state == State.SENT and quote.number and quote.sent_at and not mail.outbox
    assert "Nothing was emailed" in client.get(response.url).content.decode()


def test_only_the_people_of_the_activity_send_it(gardener, client):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    other, _ = member_with_activity()
    client.force_login(other.user)
    data = {"to": "x@example.org", "subject": "s", "message": "m"}
    assert client.get(f"/documents/{invoice.pk}/email/").status_code == 404
    assert client.post(f"/documents/{invoice.pk}/email/", data).status_code == 404
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(other.user)}"}
    response = client.post(f"/api/v1/documents/{invoice.pk}/send/", {}, content_type="application/json", **auth)
    assert response.status_code == 404
    # an advisor of the office reads the page but cannot send
    advisor = advisor_of(member.office)
    client.force_login(advisor)
    assert client.post(f"/documents/{invoice.pk}/email/", data).status_code == 403
    invoice.refresh_from_db()
    assert invoice.state == State.DRAFT and not mail.outbox


def test_the_api_issues_and_sends_once_and_answers_the_document_with_its_emails(
        gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(member.user)}"}
    url = f"/api/v1/documents/{invoice.pk}/send/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"to": ["compta@example.org"], "message": "Bonjour"},
                               content_type="application/json", HTTP_IDEMPOTENCY_KEY="send-1", **auth)
        repeat = client.post(url, {"to": ["compta@example.org"], "message": "Bonjour"},
                             content_type="application/json", HTTP_IDEMPOTENCY_KEY="send-1", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "issued" and body["number"] and body["sent_at"] and body["repeat"] is False
    (logged,) = body["emails"]
    assert logged["to"] == "compta@example.org" and logged["portal_url"]
    assert repeat.status_code == 200 and repeat.json()["repeat"] is True
    assert len(mail.outbox) == 1

    quote = draft(member, activity, customer)
    refused = client.post(f"/api/v1/documents/{quote.pk}/send/", {"channel": "peppol"},
                          content_type="application/json", **auth)
    assert refused.status_code == 400 and "channel" in refused.json()["error"]["fields"]
    handed = client.post(f"/api/v1/documents/{quote.pk}/send/", {"channel": "none"},
                         content_type="application/json", **auth)
    assert handed.status_code == 201 and handed.json()["state"] == "sent" and handed.json()["emails"] == []


def test_the_api_says_plainly_when_the_invoice_is_issued_but_not_sent(client, django_capture_on_commit_callbacks):
    member, activity = member_with_activity()
    customer = make_client(activity, email="syndic@example")  # an address mail cannot go to
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(member.user)}"}
    response = client.post(f"/api/v1/documents/{invoice.pk}/send/", {}, content_type="application/json", **auth)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED
    assert f"{invoice.number} is issued, but it was not sent" in error["fields"]["non_field_errors"][0]
    assert "to" in error["fields"]


def test_a_belgian_entity_sends_through_peppol_when_the_client_is_reachable(
        client, settings, django_capture_on_commit_callbacks):
    member, activity = scenarios.seller("BE")
    entity = activity.entity
    entity.send_by_peppol = True
    entity.save(update_fields=["send_by_peppol"])
    customer = scenarios.business_client(activity, "BE")
    invoice = sales.create_document(actor=member.user, activity=activity, client=customer, kind=Kind.INVOICE,
                                    lines=[scenarios._line("Renovatie badkamer", "12", "48", rate="6")])
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/email/")
    assert page.context["peppol"] and page.context["form"]["channel"].value() == "peppol"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{invoice.pk}/email/", send_data(page))
    assert response.status_code == 302, response.content.decode()
    invoice.refresh_from_db()
    transmission = Transmission.objects.get(document=invoice, channel="peppol")
    assert invoice.state == State.ISSUED and invoice.sent_at and not mail.outbox
    assert transmission.recipient.startswith("0208:")


def test_peppol_is_not_offered_for_a_client_it_cannot_reach():
    member, activity = scenarios.seller("BE")
    activity.entity.send_by_peppol = True
    customer = scenarios.individual_client(activity, "BE")
    invoice = sales.create_document(actor=member.user, activity=activity, client=customer, kind=Kind.INVOICE,
                                    lines=[scenarios._line("Tuinonderhoud", "3", "38", rate="21")])
    assert not delivery.peppol_possible(invoice) and delivery.default_channel(invoice) == "email"


def test_the_send_page_of_an_issued_invoice_keeps_its_emails_and_link(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sales.issue_document(actor=member.user,
                                       document=draft(member, activity, customer, kind=Kind.INVOICE))
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/email/").content.decode()
    assert f"Send invoice {invoice.number}" in page and "Emails sent" in page and "Issue and send" not in page


def test_the_service_refuses_a_member_of_another_activity():
    member, activity = member_with_activity(office=OfficeFactory())
    customer = make_client(activity)
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    other, _ = member_with_activity()
    with pytest.raises(PermissionDenied):
        delivery.deliver(actor=other.user, document=invoice, to="x@example.org")
