"""A member sends documents by email; the client gets the PDF and a link to the portal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template import RequestContext, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import advisor_of, api_token_for, member_with_activity
from compagnon.portal import services
from compagnon.portal.models import PortalAccess
from compagnon.sales import services as sales
from compagnon.sales.models import DocumentEmail, Kind, State

from .helpers import download, draft, portal_path

pytestmark = pytest.mark.django_db


def issued_invoice(member, activity, client, capture):
    with capture(execute=True):
        return sales.issue_document(actor=member.user, document=draft(member, activity, client, kind=Kind.INVOICE))


def test_a_member_sends_an_invoice_and_the_client_gets_the_pdf_and_a_working_link(
        gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    customer.language = "fr"  # this client reads French: the email must be in French
    customer.save(update_fields=["language"])
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    client.force_login(member.user)

    page = client.get(f"/documents/{invoice.pk}/email/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["to"] == "syndic@example.org" and invoice.number in form.initial["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{invoice.pk}/email/", {
            "to": "syndic@example.org, compta@example.org", "subject": form.initial["subject"],
            "message": "Bonjour,\n\nVoici la facture <b>de mars</b>.",
        })
    assert response.status_code == 302

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["syndic@example.org", "compta@example.org"]
    assert email.reply_to == [member.user.email]
    assert "Voici la facture <b>de mars</b>." in email.body  # plain text: as typed
    html = email.alternatives[0][0]
    assert "&lt;b&gt;de mars&lt;/b&gt;" in html and "<b>de mars" not in html  # HTML: escaped
    (name, content, mimetype), = email.attachments
    invoice.refresh_from_db()
    with invoice.pdf.open("rb") as f:
        archived = f.read()
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf") and content == archived

    # in the client's language (French), with the link's validity
    access = PortalAccess.objects.get(document=invoice)
    with translation.override("fr"):
        # the day as the cooperative's clock reads it (late in the evening UTC it is already tomorrow)
        assert date_format(timezone.localtime(access.expires_at).date()) in email.body
    logged = DocumentEmail.objects.get(document=invoice)
    assert logged.to == "syndic@example.org, compta@example.org" and logged.sent_by == member.user
    assert invoice.sent_at is not None
    assert AuditEvent.objects.filter(action="document.emailed", object_id=str(invoice.pk)).exists()

    # the link opens the invoice, and only it, for anyone (no account)
    client.logout()
    path = portal_path(email.body)
    assert portal_path(html) == path
    portal = client.get(path)
    assert portal.status_code == 200
    assert invoice.number in portal.content.decode() and "Hedge trimming" in portal.content.decode()
    assert portal["Cache-Control"] == "private, no-store" and "noindex" in portal["X-Robots-Tag"]
    assert "Accept and sign" not in portal.content.decode()  # an invoice is not accepted
    pdf = client.get(path + "pdf/")
    assert pdf.status_code == 200 and download(pdf) == archived

    # the member page shows the log and the link
    client.force_login(member.user)
    page = client.get(f"/documents/{invoice.pk}/email/").content.decode()
    assert "compta@example.org" in page and path in page


def test_sending_a_draft_quote_numbers_and_freezes_it_first(gardener, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    defaults = services.send_defaults(quote, member.user)
    assert "{number}" in defaults["subject"]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_document(actor=member.user, document=quote, to=["syndic@example.org"], **{
            k: defaults[k] for k in ("subject", "message")})
    quote.refresh_from_db()
    assert quote.state == State.SENT and quote.number and quote.frozen and quote.pdf_sha256
    assert quote.number in mail.outbox[0].subject and "{number}" not in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == f"{quote.number}.pdf"


def test_a_draft_invoice_is_not_sent(gardener):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    with pytest.raises(ValidationError, match="Issue this document"):
        services.send_document(actor=member.user, document=invoice, to=["syndic@example.org"], subject="x", message="y")
    assert not DocumentEmail.objects.exists()


@pytest.mark.parametrize("to", ["", "not-an-address", "a@example.org, b@", ",".join(f"p{i}@example.org" for i in range(6))])
def test_recipients_are_checked(gardener, to):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    with pytest.raises(ValidationError) as exc:
        services.send_document(actor=member.user, document=quote, to=to, subject="x", message="y")
    assert "to" in exc.value.message_dict
    quote.refresh_from_db()
    assert quote.state == State.DRAFT


def test_another_member_cannot_send_someone_elses_document(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    stranger, _ = member_with_activity()
    with pytest.raises(PermissionDenied):
        services.send_document(actor=stranger.user, document=invoice, to=["x@example.org"], subject="s", message="m")
    with pytest.raises(PermissionDenied):
        services.create_portal_link(actor=stranger.user, document=invoice)
    client.force_login(stranger.user)
    assert client.get(f"/documents/{invoice.pk}/email/").status_code == 404
    assert client.post(f"/documents/{invoice.pk}/email/", {"to": "x@example.org", "subject": "s", "message": "m"}).status_code == 404
    assert client.post(f"/documents/{invoice.pk}/portal-link/", {"action": "revoke"}).status_code == 404
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    response = client.post("/api/v1/portal/send/", {"document": invoice.pk, "to": ["x@example.org"]},
                           content_type="application/json", **auth)
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    assert mail.outbox == [] and not DocumentEmail.objects.exists()


def test_the_member_withdraws_the_link_and_the_client_is_told_how_to_get_a_new_one(
        gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    client.force_login(member.user)
    client.post(f"/documents/{invoice.pk}/portal-link/", {"action": "create"})
    access = PortalAccess.objects.get(document=invoice)
    path = services.portal_url(access, "http://testserver").removeprefix("http://testserver")
    assert client.get(path).status_code == 200

    response = client.post(f"/documents/{invoice.pk}/portal-link/", {"action": "revoke"}, HTTP_HX_REQUEST="true",
                           HTTP_HX_TARGET="portal-link")
    assert response.status_code == 200 and "Create a link" in response.content.decode()
    client.logout()
    gone = client.get(path)
    assert gone.status_code == 410
    text = gone.content.decode()
    assert "This link was withdrawn" in text and "ask for a new link" in text and invoice.number in text
    assert "Hedge trimming" not in text
    # a new link works, the old one stays dead
    client.force_login(member.user)
    client.post(f"/documents/{invoice.pk}/portal-link/", {"action": "create"})
    new = services.current_access(invoice)
    assert new.pk != access.pk and client.get(services.portal_url(new, "")).status_code == 200
    assert client.get(path).status_code == 410


def test_the_api_sends_with_the_defaults_in_the_clients_language(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(member.user)}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/portal/send/", {"document": invoice.pk, "to": ["syndic@example.org"]},
                               content_type="application/json", **auth)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["subject"] == services.default_subject(invoice) and body["portal_url"].startswith("http://testserver/p/")
    assert mail.outbox[0].subject == body["subject"]
    assert client.get(portal_path(body["portal_url"])).status_code == 200


def test_an_advisor_sees_the_log_but_may_not_send(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    advisor = advisor_of(member.office)
    client.force_login(advisor)
    page = client.get(f"/documents/{invoice.pk}/email/")
    assert page.status_code == 200 and "only the people working in its activity can send it" in page.content.decode()
    assert client.post(f"/documents/{invoice.pk}/email/", {"to": "x@example.org", "subject": "s", "message": "m"}).status_code == 403
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(advisor)}"}
    response = client.post("/api/v1/portal/send/", {"document": invoice.pk, "to": ["x@example.org"]},
                           content_type="application/json", **auth)
    assert response.status_code == 403 and not DocumentEmail.objects.exists()


def test_the_send_page_costs_the_same_queries_however_many_emails(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    client.force_login(member.user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/documents/{invoice.pk}/email/").status_code == 200
        return len(ctx.captured_queries)

    services.send_document(actor=member.user, document=invoice, to=["a@example.org"], subject="s", message="m")
    one = queries()
    for i in range(4):
        services.send_document(actor=member.user, document=invoice, to=[f"b{i}@example.org"], subject="s", message="m")
    assert queries() == one


def test_the_document_page_can_include_the_portal_panel(gardener, rf, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer, django_capture_on_commit_callbacks)
    request = rf.get("/")
    request.user = member.user
    html = Template("{% load portal_tags %}{% portal_panel document %}").render(
        RequestContext(request, {"document": invoice}))
    assert f"/documents/{invoice.pk}/email/" in html and "Not sent by email yet." in html
