"""Every state change of the portal: sending documents, links, and what clients do through them.

Members act through ``send_document``, ``create_portal_link`` and ``revoke_portal_links`` (permission
``sales.change_document``). Clients have no account: ``refuse_as_client``, ``start_signature``,
``resend_code`` and ``confirm_signature`` act for the holder of a valid link (the ``PortalAccess``)
and write their audit events with no actor.
"""

from __future__ import annotations

import base64
import datetime
import re
import secrets

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications import events
from compagnon.sales import services as sales_services
from compagnon.sales.models import Document, DocumentEmail, Kind, State
from compagnon.sales.templatetags.sales_tags import amount

from .models import ClientRefusal, PortalAccess, SignatureEvidence, SignatureRequest
from .tokens import VALIDITY, make_token

MAX_RECIPIENTS = 5
# Sending reuses the current link unless it would expire sooner than this.
LINK_MIN_REMAINING = datetime.timedelta(days=30)
# One-time codes
CODE_VALIDITY = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_SENDS = 5  # per request: the first code and four new ones
LOCK_DURATION = datetime.timedelta(minutes=30)
MAX_REQUESTS_PER_HOUR = 5
# The email body is rendered in the service; the task puts the link in, so no link rests in the
# task queue.
LINK_PLACEHOLDER = "[[compagnon-portal-link]]"


def _audit(actor, document, action, message, *, before=None, after=None, **params):
    record(actor=actor, action=f"document.{action}", obj=document, activity=document.activity,
           entity=document.entity, message=message, params={"document": str(document), **params},
           before=before, after=after)


def _lock(document) -> Document:
    # the document's row only: never the entity's, shared by the whole cooperative (see sales._lock)
    return (Document.objects.select_for_update(of=("self",)).select_related("activity", "entity", "client")
            .get(pk=document.pk))


def _now():
    return timezone.now()


# --- what the member sends -------------------------------------------------------------------


def clean_recipients(to) -> list[str]:
    """A list of distinct, valid addresses from a list or a comma/semicolon/space separated text."""
    if isinstance(to, str):
        to = re.split(r"[\s,;]+", to)
    out, seen = [], set()
    for address in to or []:
        address = (address or "").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"to": _("%(address)s is not a valid email address.") % {"address": address}}) from None
        if address.lower() not in seen:
            seen.add(address.lower())
            out.append(address)
    if not out:
        raise ValidationError({"to": _("Give at least one email address.")})
    if len(out) > MAX_RECIPIENTS:
        raise ValidationError({"to": _("Send to at most %(n)s addresses at once.") % {"n": MAX_RECIPIENTS}})
    if len(", ".join(out)) > DocumentEmail._meta.get_field("to").max_length:
        raise ValidationError({"to": _("These addresses are too long together: send to fewer people at once.")})
    return out


def _kind_label(document) -> str:
    return str(Kind(document.kind).label)


# A draft quote gets its number when it is sent: the prefilled texts say {number} until then.
NUMBER_PLACEHOLDER = "{number}"


def _number(document) -> str:
    return document.number or NUMBER_PLACEHOLDER


def default_subject(document) -> str:
    """The subject in the client's language, e.g. "Quote D2026-00012 — Jardins Martin"."""
    with translation.override(document.language):
        kind = _kind_label(document)
        return f"{kind[:1].upper()}{kind[1:]} {_number(document)} — {document.activity.name}"[:300]


def default_message(document, sender=None) -> str:
    """A short message in the client's language; the member edits it before sending."""
    with translation.override(document.language):
        params = {
            "number": _number(document), "amount": amount(document.tax_inclusive),
            "due": date_format(document.due_date) if document.due_date else "",
        }
        if document.kind == Kind.QUOTE:
            text = _("please find attached our quote %(number)s. You can read it and accept it online with the link below.")
        elif document.kind == Kind.STATEMENT:
            text = _("please find attached our statement of work done %(number)s. You can read it and approve it online with the link below.")
        elif document.kind == Kind.CREDIT_NOTE:
            text = _("please find attached our credit note %(number)s.")
        elif document.due_date:
            text = _("please find attached our invoice %(number)s of %(amount)s € incl. VAT, to be paid by %(due)s.")
        else:
            text = _("please find attached our invoice %(number)s of %(amount)s € incl. VAT.")
        text = (text % params).replace("  ", " ")
        name = sender.get_full_name() if sender is not None and sender.get_full_name() else ""
        signature = "\n".join(x for x in (name, document.activity.name) if x)
        return _("Hello,") + "\n\n" + text[:1].upper() + text[1:] + "\n\n" + _("Kind regards,") + "\n" + signature


def send_defaults(document, sender=None) -> dict:
    return {"to": document.client.email, "subject": default_subject(document), "message": default_message(document, sender)}


def brand_color(snapshot) -> str:
    """The activity's colour from a frozen snapshot, only if it is a plain #rrggbb."""
    color = ((snapshot or {}).get("activity") or {}).get("brand_color") or ""
    return color if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else ""


def _base_url(base_url: str | None) -> str:
    return (base_url or getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def portal_url(access, base_url: str | None = None) -> str:
    return _base_url(base_url) + reverse("portal-document", args=[make_token(access)])


@transaction.atomic
def send_document(*, actor, document: Document, to, subject: str = "", message: str = "",
                  base_url: str | None = None, locked: bool = False) -> DocumentEmail:
    """Email ``document`` to ``to`` with its PDF and a portal link, in the client's language.

    A draft quote or statement is sent first (numbered, frozen). Invoices, deposits and credit notes
    must be issued. ``base_url`` is the site's address for the link (the views pass the request's).
    ``locked``: the caller read ``document`` with :func:`_lock` in the transaction it is in (and
    issued it there, perhaps): it is not read again.
    """
    require(actor, "sales.change_document", document)
    recipients = clean_recipients(to)
    if document.is_quote and document.state == State.DRAFT:
        sales_services.change_quote_state(actor=actor, document=document, to_state=State.SENT)
        locked = False  # changed through another copy of the row: read it again
    document = sales_services._locked(document) if locked else _lock(document)
    if document.is_draft or not document.frozen:
        raise ValidationError(_("Issue this document before sending it: a draft is not sent to clients."))
    subject = " ".join((subject or "").split()).replace(NUMBER_PLACEHOLDER, document.number)[:300]
    subject = subject or default_subject(document)
    message = (message or "").strip().replace(NUMBER_PLACEHOLDER, document.number) or default_message(document, actor)
    now = _now()
    document.sent_at = now
    document.save(update_fields=["sent_at", "updated_at"])
    access = current_access(document)
    if access is None or access.expires_at - now < LINK_MIN_REMAINING:
        access = _new_access(document, actor)
    email = DocumentEmail.objects.create(document=document, to=", ".join(recipients), subject=subject,
                                         body=message, sent_by=actor)
    _audit(actor, document, "emailed", gettext_noop("%(document)s sent by email to %(to)s"), to=email.to)
    with translation.override(document.language):
        context = {
            "message": message, "url": LINK_PLACEHOLDER, "document": document, "d": document.frozen,
            "kind": _kind_label(document), "until": date_format(timezone.localtime(access.expires_at).date()),
            "can_decide": document.is_quote and document.state == State.SENT,
            "brand_color": brand_color(document.frozen) or "#2f6f4f",
        }
        body = render_to_string("portal/email/document.txt", context)
        html = render_to_string("portal/email/document.html", context)
    reply_to = [actor.email] if getattr(actor, "email", "") else []
    base = _base_url(base_url)

    from .tasks import send_document_email

    transaction.on_commit(lambda: send_document_email.enqueue(
        document_id=document.pk, to=recipients, subject=subject, body=body, html=html, reply_to=reply_to,
        access_id=access.pk, base_url=base))
    return email


# --- links -----------------------------------------------------------------------------------


def current_access(document) -> PortalAccess | None:
    """The newest link of ``document`` that is neither revoked nor expired."""
    return (PortalAccess.objects.filter(document=document, revoked_at__isnull=True, expires_at__gt=_now())
            .order_by("-created_at", "-id").first())


def _new_access(document, actor) -> PortalAccess:
    now = _now().replace(microsecond=0)  # the token carries whole seconds
    return PortalAccess.objects.create(document=document, nonce=secrets.token_urlsafe(32), created_by=actor,
                                       created_at=now, expires_at=now + VALIDITY)


@transaction.atomic
def create_portal_link(*, actor, document: Document) -> PortalAccess:
    """The document's current link, or a new one (60 days) when it has none."""
    document = _lock(document)
    require(actor, "sales.change_document", document)
    if document.is_draft or not document.frozen:
        raise ValidationError(_("Send or issue this document first: a draft has no link."))
    access = current_access(document)
    if access is None:
        access = _new_access(document, actor)
        _audit(actor, document, "portal_link_created", gettext_noop("Client link to %(document)s created"))
    return access


@transaction.atomic
def revoke_portal_links(*, actor, document: Document) -> int:
    """Withdraw every link to ``document``: whoever opens one is told to ask for a new one."""
    document = _lock(document)
    require(actor, "sales.change_document", document)
    count = PortalAccess.objects.filter(document=document, revoked_at__isnull=True).update(
        revoked_at=_now(), revoked_by=actor)
    if count:
        _audit(actor, document, "portal_link_revoked", gettext_noop("Client links to %(document)s withdrawn"))
    return count


# --- what the client does --------------------------------------------------------------------


def _lock_for_client(access) -> tuple[Document, PortalAccess]:
    """The document first, then its link: the order every service locks in (a member revoking the
    links holds the document and then writes the links; the other order could deadlock)."""
    document = _lock(Document(pk=access.document_id))
    access = PortalAccess.objects.select_for_update().get(pk=access.pk)
    if not access.is_active:
        raise ValidationError(_("This link is no longer valid. Ask the sender for a new one."))
    return document, access


def _check_decidable(document) -> None:
    if not document.is_quote:
        raise ValidationError(_("Only quotes and statements of work are accepted or refused online."))
    if document.state != State.SENT:
        raise ValidationError(_("This document is %(state)s: it can no longer be accepted or refused online.")
                              % {"state": document.get_state_display()})


def is_past_validity(document) -> bool:
    return bool(document.valid_until and document.valid_until < timezone.localdate())


def _state_change(document, to_state, now) -> dict:
    before = {"state": document.state}
    document.state = to_state
    document.decided_at = now
    document.save(update_fields=["state", "decided_at", "updated_at"])
    return before


def _client_meta(ip, user_agent) -> dict:
    return {"ip_address": ip or None, "user_agent": (user_agent or "")[:500]}


@transaction.atomic
def refuse_as_client(*, access, reason: str = "", ip: str | None = None, user_agent: str = "") -> Document:
    """The client refuses the quote (or statement) behind ``access``, optionally saying why."""
    document, access = _lock_for_client(access)
    _check_decidable(document)
    reason = (reason or "").strip()[:2000]
    now = _now()
    before = _state_change(document, State.REFUSED, now)
    ClientRefusal.objects.create(document=document, access=access, reason=reason, refused_at=now,
                                 **_client_meta(ip, user_agent))
    if reason:
        message = gettext_noop("%(document)s refused online by the client: “%(reason)s”")
    else:
        message = gettext_noop("%(document)s refused online by the client")
    _audit(None, document, "state_changed", message, before=before, after={"state": document.state},
           reason=reason[:500])

    events.announce(events.REFUSED, [document.pk])

    from .tasks import notify_decision

    transaction.on_commit(lambda: notify_decision.enqueue(document_id=document.pk))
    return document


def statement_for(document) -> str:
    """What the client ticks, in their language, with the number and the total."""
    with translation.override(document.language):
        params = {"number": document.number, "amount": amount(document.tax_inclusive)}
        if document.kind == Kind.STATEMENT:
            return _("I approve the statement of work done %(number)s (%(amount)s € incl. VAT) and its terms.") % params
        return _("I accept the quote %(number)s (%(amount)s € incl. VAT) and its terms.") % params


def signer_addresses(document) -> set[str]:
    """Addresses a signer may receive the code at: the client's and those the document was sent to."""
    addresses = {document.client.email.lower()} if document.client.email else set()
    for to in DocumentEmail.objects.filter(document=document).values_list("to", flat=True):
        addresses |= {a.strip().lower() for a in to.split(",") if a.strip()}
    return addresses


def archived_pdf(document) -> tuple[bytes, str]:
    """The archived PDF's bytes and SHA-256 (kept in sales, which archives it; here for the portal)."""
    from compagnon.sales.tasks import archived_pdf as sales_archived_pdf

    return sales_archived_pdf(document)


def _code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(request_id: int, code: str) -> str:
    return salted_hmac("compagnon.portal.otp", f"{request_id}:{code}", algorithm="sha256").hexdigest()


def _fernet() -> Fernet:
    key = salted_hmac("compagnon.portal.otp-transport", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal_code(code: str) -> str:
    """The code encrypted for the email task: the task queue never holds it in clear."""
    return _fernet().encrypt(code.encode()).decode()


def unseal_code(sealed: str) -> str:
    """Raises ``cryptography.fernet.InvalidToken`` when tampered with or older than the code's validity."""
    return _fernet().decrypt(sealed.encode(), ttl=int(CODE_VALIDITY.total_seconds())).decode()


def _send_code(request: SignatureRequest, code: str) -> None:
    from .tasks import send_signature_code

    sealed = seal_code(code)
    transaction.on_commit(lambda: send_signature_code.enqueue(request_id=request.pk, sealed_code=sealed))


@transaction.atomic
def start_signature(*, access, signer_name: str, email: str, accepted: bool, ip: str | None = None,
                    user_agent: str = "") -> SignatureRequest:
    """The client says who they are and ticks the statement; a one-time code goes to ``email``."""
    document, access = _lock_for_client(access)
    _check_decidable(document)
    if is_past_validity(document):
        raise ValidationError(_("This quote was valid until %(date)s. Ask the sender for an updated one.")
                              % {"date": date_format(document.valid_until)})
    errors = {}
    name = " ".join((signer_name or "").split())[:200]
    if len(name) < 2:
        errors["signer_name"] = _("Type your full name, as you would sign.")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    else:
        if email.lower() not in signer_addresses(document):
            errors["email"] = _("Use the email address this document was sent to: the code is sent there.")
    if not accepted:
        errors["accepted"] = _("Tick the box to accept the document and its terms.")
    if errors:
        raise ValidationError(errors)
    now = _now()
    requests = SignatureRequest.objects.filter(document=document)
    locked = requests.filter(locked_at__gt=now - LOCK_DURATION).order_by("-locked_at").first()
    if locked:
        raise ValidationError(_("Too many wrong codes were typed. For your security, online acceptance is paused until %(time)s.")
                              % {"time": date_format(timezone.localtime(locked.locked_at + LOCK_DURATION), "TIME_FORMAT")})
    if requests.filter(created_at__gt=now - datetime.timedelta(hours=1)).count() >= MAX_REQUESTS_PER_HOUR:
        raise ValidationError(_("Too many codes were asked for. Try again in an hour."))
    _data, digest = archived_pdf(document)
    request = SignatureRequest.objects.create(
        access=access, document=document, signer_name=name, email=email, statement=statement_for(document),
        document_sha256=digest, code_sent_at=now, code_expires_at=now + CODE_VALIDITY, created_at=now,
        **_client_meta(ip, user_agent),
    )
    code = _code()
    request.code_hash = hash_code(request.pk, code)
    request.save(update_fields=["code_hash"])
    _audit(None, document, "signature_code_sent", gettext_noop("Code sent to %(email)s to accept %(document)s online"),
           email=email, name=name)
    _send_code(request, code)
    return request


def _open_request(access, request_id) -> SignatureRequest:
    request = SignatureRequest.objects.select_for_update().filter(pk=request_id, access=access).first()
    if request is None or request.verified_at:
        raise ValidationError(_("This acceptance is no longer pending. Open the document again."))
    if request.locked_at:
        raise ValidationError(_("Too many wrong codes were typed. For your security, this acceptance is locked."))
    return request


@transaction.atomic
def resend_code(*, access, request_id: int) -> SignatureRequest:
    """A new code (the previous one stops working), at most once a minute and five times in all."""
    document, access = _lock_for_client(access)
    request = _open_request(access, request_id)
    _check_decidable(document)
    now = _now()
    if now - request.code_sent_at < RESEND_AFTER:
        raise ValidationError(_("A code was sent less than a minute ago. Check your inbox and spam folder, then try again."))
    if request.sends >= MAX_SENDS:
        raise ValidationError(_("Too many codes were sent for this acceptance. Start again later."))
    code = _code()
    request.code_hash = hash_code(request.pk, code)
    request.code_sent_at, request.code_expires_at = now, now + CODE_VALIDITY
    request.sends += 1
    request.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "sends"])
    _send_code(request, code)
    return request


def confirm_signature(*, access, request_id: int, code: str, ip: str | None = None,
                      user_agent: str = "") -> SignatureEvidence:
    """Check the code; when right, the document is accepted, the evidence recorded and the signed
    PDF produced in the background. A wrong code is counted (and kept counted: the check commits
    before the error is raised); the fifth locks the request."""
    outcome = _check_code(access=access, request_id=request_id, code=code, ip=ip, user_agent=user_agent)
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@transaction.atomic
def _check_code(*, access, request_id, code, ip, user_agent) -> SignatureEvidence | ValidationError:
    document, access = _lock_for_client(access)
    request = _open_request(access, request_id)
    _check_decidable(document)
    now = _now()
    if request.code_expires_at <= now:
        raise ValidationError({"code": _("This code has expired. Ask for a new one.")})
    code = re.sub(r"\s", "", code or "")
    if not constant_time_compare(request.code_hash, hash_code(request.pk, code)):
        request.attempts += 1
        if request.attempts >= MAX_ATTEMPTS:
            request.locked_at = now
            _audit(None, document, "signature_locked",
                   gettext_noop("Online acceptance of %(document)s locked after %(n)s wrong codes"), n=request.attempts)
        request.save(update_fields=["attempts", "locked_at"])
        left = MAX_ATTEMPTS - request.attempts
        if not left:
            return ValidationError(_("Too many wrong codes were typed. For your security, this acceptance is locked."))
        return ValidationError({"code": _("This code is not right. %(n)s attempt(s) left.") % {"n": left}})
    if not document.pdf_sha256 or not constant_time_compare(request.document_sha256, document.pdf_sha256):
        raise ValidationError(_("The document changed since the code was sent. Open it again and start over."))
    request.verified_at = now
    request.save(update_fields=["verified_at"])
    before = _state_change(document, State.ACCEPTED, now)
    evidence = SignatureEvidence.objects.create(
        document=document, request=request, signer_name=request.signer_name, signer_email=request.email,
        signed_at=now, ip_address=ip or request.ip_address, user_agent=(user_agent or request.user_agent)[:500],
        statement=request.statement, document_sha256=request.document_sha256, otp_sent_at=request.code_sent_at,
        otp_verified_at=now, entity_name=document.entity.legal_name or document.entity.name,
    )
    _audit(None, document, "state_changed",
           gettext_noop("%(document)s accepted and signed online by %(name)s (%(email)s)"),
           before=before, after={"state": document.state}, name=request.signer_name, email=request.email)
    events.announce(events.ACCEPTED, [document.pk])

    from .tasks import seal_accepted_document

    transaction.on_commit(lambda: seal_accepted_document.enqueue(evidence_id=evidence.pk))
    return evidence
