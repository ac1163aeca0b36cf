"""The client opens the link: the document and nothing else; refuses a quote; stale links explain themselves."""

import datetime

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from compagnon.audit.models import AuditEvent
from compagnon.portal import services
from compagnon.portal.models import ClientRefusal, PortalAccess
from compagnon.portal.tokens import make_token
from compagnon.sales import services as sales
from compagnon.sales.models import Kind, State

from .helpers import draft, make_client, portal_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_quote(gardener, django_capture_on_commit_callbacks):
    """A quote the member emailed to the client; returns (member, quote, portal path)."""
    member, activity, customer = gardener
    quote = draft(member, activity, customer, title="Spring <script>alert(1)</script> works")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_document(actor=member.user, document=quote, to=["syndic@example.org"], subject="Devis",
                               message="Bonjour", base_url="http://testserver")
    quote.refresh_from_db()
    return member, quote, portal_path(mail.outbox[-1].body)


def test_the_client_reads_the_quote_on_the_portal(sent_quote, client):
    _member, quote, path = sent_quote
    page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 200 and quote.number in text
    assert "Accept and sign" in text and "Refuse this document" in text
    assert 'name="csrfmiddlewaretoken"' in text
    # the document is the PDF's HTML in a sandboxed frame; what the member typed stays escaped
    assert 'sandbox="allow-same-origin"' in text and "srcdoc=" in text
    assert "<script>alert(1)</script>" not in text and "alert(1)" in text
    assert page["Content-Language"] == quote.language  # the client's language, not the member's
    assert PortalAccess.objects.get(document=quote).last_seen_at is not None


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
    lambda t: "9999" + t[t.index("."):],  # another document id
    lambda t: t.replace(".", ".x", 1),  # another nonce
    lambda t: "garbage",
])
def test_a_tampered_link_is_refused(sent_quote, client, tamper):
    _member, quote, path = sent_quote
    token = path.removeprefix("/p/").removesuffix("/")
    response = client.get(f"/p/{tamper(token)}/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "This link does not work" in text and "ask the sender for a new one" in text
    assert quote.number not in text and "Copropriété" not in text
    assert client.get(f"/p/{tamper(token)}/pdf/").status_code == 404
    assert client.post(f"/p/{tamper(token)}/refuse/").status_code == 404


def test_an_expired_link_is_refused_and_says_how_to_get_a_new_one(sent_quote, client):
    _member, quote, _path = sent_quote
    access = PortalAccess.objects.get(document=quote)
    old = timezone.now().replace(microsecond=0) - datetime.timedelta(days=61)
    PortalAccess.objects.filter(pk=access.pk).update(created_at=old, expires_at=old + datetime.timedelta(days=60))
    access.refresh_from_db()
    response = client.get(f"/p/{make_token(access)}/")
    text = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in text and "60 days" in text and "ask for a new link" in text
    assert "Hedge trimming" not in text
    assert client.post(f"/p/{make_token(access)}/refuse/", {"reason": "x"}).status_code == 410
    quote.refresh_from_db()
    assert quote.state == State.SENT


def test_the_client_refuses_the_quote_with_a_reason(sent_quote, client, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path + "refuse/", {"reason": "Too expensive <b>for us</b>"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.state == State.REFUSED and quote.decided_at is not None
    refusal = ClientRefusal.objects.get(document=quote)
    assert refusal.reason == "Too expensive <b>for us</b>" and refusal.ip_address == "127.0.0.1"
    event = AuditEvent.objects.get(action="document.state_changed", object_id=str(quote.pk), actor=None)
    assert event.params["reason"] == "Too expensive <b>for us</b>" and event.changes == {"state": ["sent", "refused"]}
    # the member hears about it
    (notice,) = mail.outbox
    assert notice.to == [member.user.email] and "Too expensive <b>for us</b>" in notice.body
    # the page now shows the answer (escaped) and no more buttons
    text = client.get(path).content.decode()
    assert "Too expensive &lt;b&gt;for us&lt;/b&gt;" in text and "Accept and sign" not in text
    # refusing twice changes nothing
    assert client.post(path + "refuse/", {"reason": "again"}).status_code == 400
    assert ClientRefusal.objects.get(document=quote).reason == "Too expensive <b>for us</b>"


def test_portal_forms_need_the_csrf_token(sent_quote):
    _member, quote, path = sent_quote
    browser = Browser(enforce_csrf_checks=True)
    assert browser.post(path + "refuse/", {"reason": "no"}).status_code == 403
    quote.refresh_from_db()
    assert quote.state == State.SENT


def test_an_invoice_cannot_be_refused_on_the_portal(gardener, client, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sales.issue_document(actor=member.user, document=draft(member, activity, customer, kind=Kind.INVOICE))
    access = services.create_portal_link(actor=member.user, document=invoice)
    response = client.post(f"/p/{make_token(access)}/refuse/", {"reason": "no"})
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.state == State.ISSUED and not ClientRefusal.objects.exists()
    assert client.get(f"/p/{make_token(access)}/accept/").status_code == 200  # says there is nothing to answer
    assert "no longer waiting for an answer" in client.get(f"/p/{make_token(access)}/accept/").content.decode()


def test_a_link_opens_its_own_document_only(sent_quote, client, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    other_client = make_client(quote.activity, name="Someone Else", email="else@example.org")
    other = draft(member, quote.activity, other_client)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_document(actor=member.user, document=other, to=["else@example.org"], subject="s", message="m")
    other_path = portal_path(mail.outbox[-1].body)
    # start an acceptance on the other document, then try to reach it through the first link
    response = client.post(other_path + "accept/", {"signer_name": "Else", "email": "else@example.org", "accepted": "on"})
    assert response.status_code == 302
    request_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"{path}accept/{request_id}/").status_code == 404
    assert client.post(f"{path}accept/{request_id}/", {"code": "000000"}).status_code == 404
    assert "Someone Else" not in client.get(path).content.decode()
