"""Send means send: one step that issues a document when it needs it, then gets it to the client.

``deliver`` is what the confirm page ("Issue and send", "Send") and ``POST /api/v1/documents/<id>/send/``
call. It lives in the portal, above sales and e-invoicing, because it combines them: sales issues
(numbering, the e-invoice check), the portal emails the PDF with the client's link, e-invoicing
hands the invoice to the Peppol network.

Channels: ``email`` (the PDF and the portal link), ``peppol`` (invoices and credit notes, when the
client can receive them there) and ``none`` (the member hands it over themselves: the document is
marked as sent, nothing is emailed).

Issuing is kept even when sending then fails (a wrong address, a Peppol refusal): the result says
so (``Delivery.error``) and the member sends again. A double tap sends once, through one mechanism
for the page and the API: an idempotency key (the page's hidden ``key``, made when the page is shown;
the API's ``Idempotency-Key`` header) stored with what was sent (``SentOnce``), in the transaction
that sent. The same key again returns that first result (``Delivery.repeat``) and sends nothing.
Without a key (an API call without the header), every call is a new sending.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require
from compagnon.einvoice import services as einvoice
from compagnon.sales import services as sales_services
from compagnon.sales import steps
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import Document, DocumentEmail, State

from . import services
from .models import SentOnce

EMAIL, PEPPOL, NONE = "email", "peppol", "none"
CHANNELS = (EMAIL, PEPPOL, NONE)
KEY_MAX_LENGTH = SentOnce._meta.get_field("key").max_length
KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX_LENGTH}}}")  # printable ASCII, no space


@dataclass
class Delivery:
    document: Document
    channel: str
    issued: bool = False  # issued by this call
    email: DocumentEmail | None = None
    transmission: object | None = None
    repeat: bool = False  # a double tap: nothing was sent again
    error: ValidationError | None = None  # issued, but sending failed: nothing was sent
    problems: list = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return self.error is None


def new_key() -> str:
    """The key the send page carries: one per page shown, so a double tap is one sending."""
    return uuid.uuid4().hex


def clean_key(key) -> str | None:
    """``key`` as stored, None when there is none; ValidationError when it cannot be one."""
    key = (key or "").strip()
    if not key:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise ValidationError({"key": _("An idempotency key is 1 to %(max)s printable characters, without spaces.")
                               % {"max": KEY_MAX_LENGTH}})
    return key


def peppol_possible(document) -> bool:
    """An invoice or credit note whose client can receive e-invoices on the Peppol network."""
    if not document.is_legal:
        return False
    frozen = document.frozen if not document.is_draft and document.frozen else snapshot(document, freeze_logo=False)
    return einvoice.peppol_reachable(frozen)


def default_channel(document) -> str:
    if document.entity.send_by_peppol and peppol_possible(document):
        return PEPPOL
    return EMAIL


def _mark_sent(actor, document) -> Document:
    """Handed over by the member (on paper, by their own email…): sent, nothing emailed.
    ``document`` was read by ``deliver`` under lock, in the transaction still open."""
    if document.is_quote and document.state in (State.DRAFT, State.EXPIRED):
        return sales_services.change_quote_state(actor=actor, document=document, to_state=State.SENT)
    document = sales_services._locked(document)
    document.sent_at = timezone.now()
    document.save(update_fields=["sent_at", "updated_at"])
    services._audit(actor, document, "marked_sent", gettext_noop("%(document)s marked as sent, not emailed"))
    return document


def _send(actor, document, channel, *, to, subject, message, base_url) -> Delivery:
    result = Delivery(document=document, channel=channel)
    if channel == EMAIL:
        result.email = services.send_document(actor=actor, document=document, to=to, subject=subject,
                                              message=message, base_url=base_url, locked=True)
        result.document = result.email.document
    elif channel == PEPPOL:
        result.transmission = einvoice.send_via_peppol(actor=actor, document=document)
        result.document = _mark_sent(actor, document)
    else:
        result.document = _mark_sent(actor, document)
    return result


def deliver(*, actor, document: Document, channel: str = EMAIL, to="", subject: str = "", message: str = "",
            base_url: str | None = None, key: str | None = None) -> Delivery:
    """Issue ``document`` if it is a draft invoice, deposit or credit note, then send it through ``channel``.

    Raises ValidationError when nothing was done (it cannot be issued, or sending a document that
    needed no issuing failed). When issuing succeeded and sending failed, the issue is kept and the
    failure is in ``Delivery.error``. With ``key``, a call with a key already used for this document
    sends nothing and returns the first call's result with ``repeat`` set.
    """
    require(actor, "sales.change_document", document)
    key = clean_key(key)
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("Choose how to send it: email, Peppol or without emailing.")})
    if channel == PEPPOL and not document.is_legal:
        raise ValidationError({"channel": _("Only invoices and credit notes go through the Peppol network.")})
    if document.is_legal and document.is_draft:
        steps.prepare_issue(document)  # compile the e-invoice rules before any lock is taken
    with transaction.atomic():
        document = services._lock(document)  # a second call with the same key waits here for the first
        if key and (first := _first(document, key)) is not None:
            return first
        issued = False
        if document.is_legal and document.is_draft:
            document = sales_services.issue_document(actor=actor, document=document, locked=True)
            issued = True
        try:
            with transaction.atomic():
                result = _send(actor, document, channel, to=to, subject=subject, message=message,
                               base_url=base_url)
        except ValidationError as exc:
            if not issued:
                raise
            document.refresh_from_db()
            return Delivery(document=document, channel=channel, issued=True, error=exc)
        result.issued = issued
        if key:
            SentOnce.objects.create(document=document, key=key, channel=result.channel, issued=issued,
                                    email=result.email, transmission=result.transmission, created_by=actor)
        return result


def _first(document, key) -> Delivery | None:
    """The first result of the sending asked for with ``key``, as a repeat: nothing is sent again."""
    first = (SentOnce.objects.filter(document=document, key=key)
             .select_related("email", "transmission").first())
    if first is None:
        return None
    return Delivery(document=document, channel=first.channel, email=first.email, transmission=first.transmission,
                    repeat=True)
