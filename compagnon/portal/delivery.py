"""Send means send: one step that issues a document when it needs it, then gets it to the client.

``deliver`` is what the confirm page ("Issue and send", "Send") and ``POST /api/v1/documents/<id>/send/``
call. It lives in the portal, above sales and e-invoicing, because it combines them: sales issues
(numbering, the e-invoice check), the portal emails the PDF with the client's link, e-invoicing
hands the invoice to the Peppol network.

Channels: ``email`` (the PDF and the portal link), ``peppol`` (invoices and credit notes, when the
client can receive them there) and ``none`` (the member hands it over themselves: the document is
marked as sent, nothing is emailed).

Issuing is kept even when sending then fails (a wrong address, a Peppol refusal): the result says
so (``Delivery.error``) and the member sends again. A double tap sends once: the page carries the
document's sending state it was shown (``seen``); the API, without it, does not send the same
thing to the same recipients twice within ``REPEAT_WINDOW``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require
from compagnon.einvoice import services as einvoice
from compagnon.einvoice.models import Channel as EChannel
from compagnon.einvoice.models import TransmissionStatus
from compagnon.sales import services as sales_services
from compagnon.sales import steps
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import Document, DocumentEmail, State

from . import services

EMAIL, PEPPOL, NONE = "email", "peppol", "none"
CHANNELS = (EMAIL, PEPPOL, NONE)
# Without the page's marker (the API), the same sending within this window is a repeat, not a new one.
REPEAT_WINDOW = datetime.timedelta(minutes=2)


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


def marker(document) -> str:
    """What the page was shown: changes whenever the document is issued or sent."""
    return f"{document.state}:{document.sent_at.isoformat() if document.sent_at else ''}"


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


def _repeat(document, channel, to) -> bool:
    since = timezone.now() - REPEAT_WINDOW
    if channel == PEPPOL:
        return document.transmissions.filter(channel=EChannel.PEPPOL).exclude(status=TransmissionStatus.FAILED).exists()
    if channel == NONE:
        return bool(document.sent_at and document.sent_at > since and not document.is_draft)
    try:
        recipients = ", ".join(services.clean_recipients(to))
    except ValidationError:
        return False
    return DocumentEmail.objects.filter(document=document, to=recipients, created_at__gt=since).exists()


def _mark_sent(actor, document) -> Document:
    """Handed over by the member (on paper, by their own email…): sent, nothing emailed."""
    if document.is_quote and document.state in (State.DRAFT, State.EXPIRED):
        return sales_services.change_quote_state(actor=actor, document=document, to_state=State.SENT)
    document = services._lock(document)
    document.sent_at = timezone.now()
    document.save(update_fields=["sent_at", "updated_at"])
    services._audit(actor, document, "marked_sent", gettext_noop("%(document)s marked as sent, not emailed"))
    return document


def _send(actor, document, channel, *, to, subject, message, base_url) -> Delivery:
    result = Delivery(document=document, channel=channel)
    if channel == EMAIL:
        result.email = services.send_document(actor=actor, document=document, to=to, subject=subject,
                                              message=message, base_url=base_url)
        result.document = result.email.document
    elif channel == PEPPOL:
        result.transmission = einvoice.send_via_peppol(actor=actor, document=document)
        result.document = _mark_sent(actor, document)
    else:
        result.document = _mark_sent(actor, document)
    return result


def deliver(*, actor, document: Document, channel: str = EMAIL, to="", subject: str = "", message: str = "",
            base_url: str | None = None, seen: str | None = None) -> Delivery:
    """Issue ``document`` if it is a draft invoice, deposit or credit note, then send it through ``channel``.

    Raises ValidationError when nothing was done (it cannot be issued, or sending a document that
    needed no issuing failed). When issuing succeeded and sending failed, the issue is kept and the
    failure is in ``Delivery.error``.
    """
    require(actor, "sales.change_document", document)
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("Choose how to send it: email, Peppol or without emailing.")})
    if channel == PEPPOL and not document.is_legal:
        raise ValidationError({"channel": _("Only invoices and credit notes go through the Peppol network.")})
    if document.is_legal and document.is_draft:
        steps.prepare_issue(document)  # compile the e-invoice rules before any lock is taken
    with transaction.atomic():
        document = services._lock(document)
        if (seen is not None and seen != marker(document)) or (seen is None and _repeat(document, channel, to)):
            return Delivery(document=document, channel=channel, repeat=True)
        issued = False
        if document.is_legal and document.is_draft:
            document = sales_services.issue_document(actor=actor, document=document)
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
        return result
