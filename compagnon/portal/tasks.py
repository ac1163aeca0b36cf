"""Background work of the portal: emails with PDFs attached, one-time codes, sealing signed PDFs.

Arguments are plain JSON values (ids, strings). Every task reads what it needs from the database
and may run again: sealing skips an evidence that already has its PDF.
"""

from __future__ import annotations

import datetime
import logging

from cryptography.fernet import InvalidToken
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from compagnon.audit.services import record
from compagnon.sales.pdf import sha256

logger = logging.getLogger(__name__)


def _pdf_name(document, suffix: str = "") -> str:
    return f"{document.number or document.pk}{suffix}.pdf".replace("/", "-")


def _send(*, to: list[str], subject: str, body: str, html: str = "", reply_to: list[str] | None = None,
          attachments: list[tuple] = ()) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    if html:
        message.attach_alternative(html, "text/html")
    for name, data, *mime in attachments:
        message.attach(name, data, mime[0] if mime else "application/pdf")
    return message.send()


@task()
def send_document_email(*, document_id: int, to: list[str], subject: str, body: str, html: str = "",
                        reply_to: list[str] | None = None, access_id: int | None = None, base_url: str = "") -> int:
    """The document email: the portal link put in, the archived PDF attached (archived first if the
    PDF task has not run yet, so the attachment is the very PDF whose hash is kept)."""
    from compagnon.sales.models import Document

    from .models import PortalAccess
    from .services import LINK_PLACEHOLDER, archived_pdf, portal_url

    document = Document.objects.get(pk=document_id)
    url = ""
    if access_id:
        access = PortalAccess.objects.filter(pk=access_id).first()
        if access is not None and access.is_active:
            url = portal_url(access, base_url)
    body = body.replace(LINK_PLACEHOLDER, url)
    html = html.replace(LINK_PLACEHOLDER, escape(url))
    data, _digest = archived_pdf(document)
    # the e-invoice travels with the PDF: Factur-X is inside it, a Peppol UBL is attached beside it
    from compagnon.einvoice.services import email_attachments, record_email

    extra = email_attachments(document) if document.is_legal else []
    sent = _send(to=to, subject=subject, body=body, html=html, reply_to=reply_to,
                 attachments=[(_pdf_name(document), data), *extra])
    if document.is_legal:
        record_email(document, ", ".join(to))
    return sent


@task()
def send_signature_code(*, request_id: int, sealed_code: str) -> int:
    """The one-time code email, in the document's language. The code travels encrypted."""
    from .models import SignatureRequest
    from .services import hash_code, unseal_code

    request = SignatureRequest.objects.select_related("document", "document__activity").get(pk=request_id)
    try:
        code = unseal_code(sealed_code)
    except InvalidToken:
        logger.warning("signature code for request %s arrived too late or altered: not sent", request_id)
        return 0
    if request.verified_at or request.locked_at or not constant_time_compare(hash_code(request.pk, code), request.code_hash):
        return 0  # settled, or a newer code replaced this one
    document = request.document
    with translation.override(document.language):
        context = {"code": code, "request": request, "document": document, "d": document.frozen,
                   "minutes": 10, "statement": request.statement}
        subject = _("Your code to sign %(document)s: %(code)s") % {"document": document.number, "code": code}
        body = render_to_string("portal/email/code.txt", context)
    return _send(to=[request.email], subject=subject, body=body)


@task()
def seal_accepted_document(*, evidence_id: int) -> str:
    """Append the evidence page to the accepted PDF and seal it with the entity's certificate."""
    from .certificates import current_certificate, generate_self_signed
    from .models import SignatureEvidence
    from .sealing import render_evidence_page, seal, validate
    from .services import archived_pdf

    with transaction.atomic():
        evidence = (SignatureEvidence.objects.select_for_update()
                    .select_related("document", "document__entity", "document__activity").get(pk=evidence_id))
        if evidence.signed_pdf:
            return evidence.signed_pdf.name
        document = evidence.document
        entity = document.entity
        original, digest = archived_pdf(document)
        if digest != evidence.document_sha256:
            raise RuntimeError(f"document {document.pk}: the archived PDF is not the one that was accepted")
        certificate = current_certificate(entity)
        if certificate is None:
            logger.warning("entity %s has no certificate: a self-signed one is generated to seal %s", entity.pk, document)
            certificate = generate_self_signed(entity)
        with translation.override(document.language):
            context = {
                "d": document.frozen, "evidence": evidence, "original_size": len(original),
                "signed_at": date_format(timezone.localtime(evidence.signed_at), "DATETIME_FORMAT") + " " + timezone.localtime(evidence.signed_at).strftime("(%Z, UTC%z)"),
                "signed_at_utc": evidence.signed_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                "otp_sent_at": date_format(timezone.localtime(evidence.otp_sent_at), "DATETIME_FORMAT"),
                "entity_legal_name": evidence.entity_name, "entity_number": entity.formatted_company_number,
                "certificate_subject": certificate.subject, "certificate_fingerprint": certificate.fingerprint_sha256,
            }
            page = render_evidence_page(context, document.language)
            reason = _("Accepted online by %(name)s") % {"name": evidence.signer_name}
        data = seal(original, page, certificate, reason=reason, location="Compagnon",
                    name=evidence.entity_name)
        if not data.startswith(original) or not validate(data, certificate.certificate_pem).bottom_line:
            raise RuntimeError(f"document {document.pk}: the sealed PDF does not validate")
        evidence.signed_pdf.save(_pdf_name(document, "-signed"), ContentFile(data), save=False)
        evidence.signed_pdf_sha256 = sha256(data)
        evidence.certificate = certificate
        evidence.sealed_at = timezone.now()
        evidence.save(update_fields=["signed_pdf", "signed_pdf_sha256", "certificate", "sealed_at"])
        record(actor=None, action="document.sealed", obj=document, activity=document.activity, entity=entity,
               message=gettext_noop("Signed PDF of %(document)s sealed with the certificate of %(entity)s"),
               params={"document": str(document), "entity": evidence.entity_name})
        transaction.on_commit(lambda: notify_decision.enqueue(document_id=document.pk))
    return evidence.signed_pdf.name


def _member_recipients(document) -> list:
    """Who hears about the client's decision: the document's author and the activity's holders."""
    from compagnon.members.models import ActivityMembership, ActivityRole, MemberStatus

    users = {}
    if document.created_by_id and document.created_by.is_active:
        users[document.created_by_id] = document.created_by
    holders = (ActivityMembership.objects.filter(activity_id=document.activity_id, role=ActivityRole.HOLDER)
               .exclude(member__status=MemberStatus.LEFT).select_related("member__user"))
    for membership in holders:
        user = membership.member.user
        if user.is_active:
            users.setdefault(user.pk, user)
    return [u for u in users.values() if u.email]


@task()
def notify_decision(*, document_id: int) -> int:
    """Tell the members that the client accepted (signed PDF attached) or refused; send the signer
    their signed copy."""
    from compagnon.sales.models import Document, State

    from .models import ClientRefusal, SignatureEvidence

    document = Document.objects.select_related("activity", "created_by").get(pk=document_id)
    evidence = SignatureEvidence.objects.filter(document=document).first()
    refusal = ClientRefusal.objects.filter(document=document).first()
    attachments = []
    if document.state == State.REFUSED and refusal is not None:
        template = "portal/email/refused_member.txt"
    elif evidence is not None and evidence.signed_pdf:
        template = "portal/email/accepted_member.txt"
        with evidence.signed_pdf.open("rb") as f:
            attachments = [(_pdf_name(document, "-signed"), f.read())]
    else:
        return 0
    sent = 0
    from .services import _base_url

    link = _base_url(None) + reverse("document-detail", args=[document.pk])  # straight to the document
    for user in _member_recipients(document):
        with translation.override(user.language or document.language):
            context = {"document": document, "evidence": evidence, "refusal": refusal, "user": user,
                       "client": document.frozen.get("buyer", {}).get("name", ""), "link": link}
            if evidence is not None and template.endswith("accepted_member.txt"):
                subject = _("%(document)s accepted and signed by %(name)s") % {"document": document.number, "name": evidence.signer_name}
            else:
                subject = _("%(document)s refused by %(client)s") % {"document": document.number, "client": context["client"]}
            sent += _send(to=[user.email], subject=subject, body=render_to_string(template, context), attachments=attachments)
    if attachments and evidence is not None:
        with translation.override(document.language):
            subject = _("Your signed copy of %(document)s") % {"document": document.number}
            body = render_to_string("portal/email/accepted_signer.txt", {"document": document, "evidence": evidence,
                                                                        "d": document.frozen})
        sent += _send(to=[evidence.signer_email], subject=subject, body=body, attachments=attachments)
    return sent
