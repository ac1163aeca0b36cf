"""The client accepts a quote: name, statement, a code by email, the evidence, the sealed PDF."""

import datetime
import hashlib
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core import mail
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import api_token_for, member_with_activity
from compagnon.portal import services
from compagnon.portal.certificates import ensure_demo_certificate
from compagnon.portal.models import EntityCertificate, SignatureEvidence, SignatureRequest
from compagnon.sales.models import State

from .helpers import code_from, download, draft, portal_path

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (Linux; Android 14) Firefox/130.0"


@pytest.fixture
def sent_quote(gardener, django_capture_on_commit_callbacks):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_document(actor=member.user, document=quote, to=["syndic@example.org"], subject="Devis",
                               message="Bonjour", base_url="http://testserver")
    quote.refresh_from_db()
    mail.outbox.clear()
    return member, quote, portal_path(services.portal_url(services.current_access(quote), "http://testserver"))


def ask_code(client, path, capture, **data):
    form = {"signer_name": "Claire Dubois", "email": "syndic@example.org", "accepted": "on", **data}
    with capture(execute=True):
        response = client.post(path + "accept/", form, HTTP_USER_AGENT=UA)
    return response


def test_the_client_accepts_with_the_right_code_and_gets_a_sealed_pdf(
        sent_quote, client, django_capture_on_commit_callbacks):
    member, quote, path = sent_quote
    form = client.get(path + "accept/")
    assert services.statement_for(quote) in form.content.decode()

    response = ask_code(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    (code_email,) = mail.outbox
    assert code_email.to == ["syndic@example.org"] and quote.number in code_email.subject
    code = code_from(code_email)
    request = SignatureRequest.objects.get(document=quote)
    assert len(request.code_hash) == 64 and code not in request.code_hash  # only a hash is kept
    confirm = client.get(response["Location"])
    assert confirm.status_code == 200 and "s•••@example.org" in confirm.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"], {"code": f"{code[:3]} {code[3:]}"}, HTTP_USER_AGENT=UA)
    assert done.status_code == 302 and done["Location"] == path

    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED and quote.decided_at is not None
    evidence = SignatureEvidence.objects.get(document=quote)
    with quote.pdf.open("rb") as f:
        archived = f.read()
    assert evidence.document_sha256 == quote.pdf_sha256 == hashlib.sha256(archived).hexdigest()
    assert (evidence.signer_name, evidence.signer_email) == ("Claire Dubois", "syndic@example.org")
    assert evidence.ip_address == "127.0.0.1" and evidence.user_agent == UA
    assert evidence.statement == services.statement_for(quote) and quote.number in evidence.statement
    assert evidence.otp_sent_at <= evidence.otp_verified_at == evidence.signed_at
    assert evidence.entity_name == quote.entity.legal_name

    # the signed PDF: the accepted PDF unchanged, an evidence page, a valid seal
    with evidence.signed_pdf.open("rb") as f:
        signed = f.read()
    assert signed.startswith(archived)
    assert evidence.signed_pdf_sha256 == hashlib.sha256(signed).hexdigest()
    reader = PdfFileReader(BytesIO(signed))
    assert int(reader.root["/Pages"]["/Count"]) == 2
    (signature,) = reader.embedded_signatures
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(
        evidence.certificate.certificate_pem.encode()).public_bytes(serialization.Encoding.DER))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.sha256 == bytes.fromhex(evidence.certificate.fingerprint_sha256)

    # the member and the signer are told, the signed PDF attached; the audit log has it all
    to = {tuple(m.to): m for m in mail.outbox}
    assert set(to) == {(member.user.email,), ("syndic@example.org",)}
    for message in mail.outbox:
        assert message.attachments[0][2] == "application/pdf" and message.attachments[0][1] == signed
    actions = set(AuditEvent.objects.filter(object_id=str(quote.pk)).values_list("action", flat=True))
    assert {"document.signature_code_sent", "document.state_changed", "document.sealed"} <= actions

    # the client downloads the signed copy from the portal; the member from the app and the API
    page = client.get(path).content.decode()
    assert "Claire Dubois" in page and "Accept and sign" not in page
    assert download(client.get(path + "signed-pdf/")) == signed
    client.force_login(member.user)
    assert download(client.get(f"/documents/{quote.pk}/signed-pdf/")) == signed
    api = client.get(f"/api/v1/portal/evidence/{quote.pk}/", HTTP_AUTHORIZATION=f"Token {api_token_for(member.user)}")
    assert api.status_code == 200 and api.json()["document_sha256"] == quote.pdf_sha256
    assert api.json()["signed_pdf_url"].endswith(f"/api/v1/portal/evidence/{quote.pk}/pdf/")
    stranger, _ = member_with_activity()
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(stranger.user)}"}
    assert client.get(f"/api/v1/portal/evidence/{quote.pk}/", **auth).status_code == 404
    assert client.get(f"/api/v1/portal/evidence/{quote.pk}/pdf/", **auth).status_code == 404
    client.force_login(stranger.user)
    assert client.get(f"/documents/{quote.pk}/signed-pdf/").status_code == 404
    client.force_login(member.user)
    # the code cannot be used again
    assert client.post(f"{path}accept/{evidence.request_id}/", {"code": code}).status_code == 302
    assert SignatureEvidence.objects.count() == 1


def test_five_wrong_codes_lock_the_acceptance(sent_quote, client, django_capture_on_commit_callbacks):
    _member, quote, path = sent_quote
    confirm_url = ask_code(client, path, django_capture_on_commit_callbacks)["Location"]
    code = code_from(mail.outbox[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        response = client.post(confirm_url, {"code": wrong})
        assert response.status_code == 400 and f"{left} attempt(s) left" in response.content.decode()
    response = client.post(confirm_url, {"code": wrong})
    assert "locked" in response.content.decode()
    request = SignatureRequest.objects.get(document=quote)
    assert request.attempts == 5 and request.locked_at is not None
    # even the right code no longer works, and a new acceptance waits
    response = client.post(confirm_url, {"code": code})
    assert response.status_code == 400 and "locked" in response.content.decode()
    again = ask_code(client, path, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "paused until" in again.content.decode()
    quote.refresh_from_db()
    assert quote.state == State.SENT and not SignatureEvidence.objects.exists()
    assert AuditEvent.objects.filter(action="document.signature_locked").exists()


def test_the_code_goes_only_to_an_address_the_document_was_sent_to(sent_quote, client, django_capture_on_commit_callbacks):
    _member, _quote, path = sent_quote
    response = ask_code(client, path, django_capture_on_commit_callbacks, email="attacker@example.net")
    assert response.status_code == 400 and "the code is sent there" in response.content.decode()
    response = ask_code(client, path, django_capture_on_commit_callbacks, accepted="")
    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert mail.outbox == [] and not SignatureRequest.objects.exists()


def test_codes_expire_and_new_ones_are_rate_limited(sent_quote, client, django_capture_on_commit_callbacks):
    _member, quote, path = sent_quote
    confirm_url = ask_code(client, path, django_capture_on_commit_callbacks)["Location"]
    first = code_from(mail.outbox[0])
    request = SignatureRequest.objects.get(document=quote)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url + "resend/")
    assert len(mail.outbox) == 1  # too soon
    assert "less than a minute ago" in client.get(confirm_url).content.decode()

    SignatureRequest.objects.filter(pk=request.pk).update(
        code_sent_at=request.code_sent_at - datetime.timedelta(minutes=11),
        code_expires_at=request.code_expires_at - datetime.timedelta(minutes=11))
    response = client.post(confirm_url, {"code": first})
    assert response.status_code == 400 and "expired" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url + "resend/")
    second = code_from(mail.outbox[1])
    request.refresh_from_db()
    assert request.sends == 2 and request.attempts == 0
    if second != first:
        assert client.post(confirm_url, {"code": first}).status_code == 400  # the old code is dead
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm_url, {"code": second}).status_code == 302
    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED


def test_a_quote_past_its_validity_cannot_be_accepted(sent_quote, client, django_capture_on_commit_callbacks):
    _member, quote, path = sent_quote
    type(quote).objects.filter(pk=quote.pk).update(valid_until=datetime.date(2020, 1, 1))
    response = ask_code(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "was valid until" in response.content.decode()


def test_evidence_is_scoped_in_the_api(sent_quote, client):
    member, quote, _path = sent_quote
    stranger, _ = member_with_activity()
    for user, expected in ((stranger.user, 404), (member.user, 404)):  # nobody has evidence yet
        response = client.get(f"/api/v1/portal/evidence/{quote.pk}/", HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
        assert response.status_code == expected


def test_certificates_are_generated_once_and_by_command(gardener):
    _member, activity, _customer = gardener
    first = ensure_demo_certificate(activity.entity)
    assert ensure_demo_certificate(activity.entity) == first
    assert "BEGIN ENCRYPTED PRIVATE KEY" in first.private_key_pem
    call_command("generate_entity_certificate", activity.entity.pk)
    assert EntityCertificate.objects.count() == 1
    call_command("generate_entity_certificate", activity.entity.pk, "--force")
    assert EntityCertificate.objects.count() == 2
