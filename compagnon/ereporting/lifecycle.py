"""Status messages of the invoices' life cycle (the reform's CDAR messages) received from the
platform: what happened to an invoice the entity sent (made available, approved, refused, paid…).

A CDAR message (UN/CEFACT Cross Domain Acknowledgement And Response) is read without depending on
its exact namespace version: each ``AcknowledgementDocument`` names the invoice
(``ReferenceReferencedDocument/IssuerAssignedID``), its status (``ProcessConditionCode``), the
date (``IssueDateTime``) and an optional reason (``StatusReasonCode``/``Reason``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree

from compagnon.einvoice.channels import Receipt

# the reform's status codes, in the member's words
STATUS = {
    "200": _("submitted to the platform"),
    "201": _("issued by the platform"),
    "202": _("received by the client's platform"),
    "203": _("made available to the client"),
    "204": _("taken in hand by the client"),
    "205": _("approved by the client"),
    "206": _("partly approved by the client"),
    "207": _("disputed by the client"),
    "208": _("suspended by the client"),
    "209": _("completed"),
    "210": _("refused by the client"),
    "211": _("payment sent by the client"),
    "212": _("paid"),
    "213": _("rejected by the platform"),
}
DELIVERED = {"203", "204", "205", "206", "207", "208", "209", "210", "211", "212"}
FAILED = {"213"}
# what a member is told about (the others only show on the document's history)
TOLD = {"205", "206", "207", "210", "211", "212", "213"}


class CdarError(ValueError):
    pass


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _first(el, *path):
    """The first descendant following local names in order (any namespace)."""
    current = [el]
    for name in path:
        found = []
        for node in current:
            found += [d for d in node.iter() if _local(d) == name and d is not node]
        if not found:
            return None
        current = found[:1]
    return current[0]


def _text(el, *path) -> str:
    node = _first(el, *path)
    return "".join(node.itertext()).strip() if node is not None else ""


def _when(text: str) -> datetime.datetime:
    text = text.strip()
    for fmt in ("%Y%m%d%H%M%S", "%Y%m%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            value = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return value if value.tzinfo else timezone.make_aware(value, datetime.UTC)
    return timezone.now()


def parse(data: bytes) -> list[dict]:
    """[{"invoice", "code", "reason", "at"}] of a CDAR message; ``CdarError`` when it is not one."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise CdarError(f"not XML: {exc}") from exc
    if "Acknowledgement" not in _local(root):
        raise CdarError(f"not a status message: {_local(root)}")
    default_when = _text(root, "ExchangedDocument", "IssueDateTime") or _text(root, "IssueDateTime")
    statuses = []
    for ack in [d for d in root.iter() if _local(d) == "AcknowledgementDocument"]:
        invoice = _text(ack, "ReferenceReferencedDocument", "IssuerAssignedID")
        code = _text(ack, "ProcessConditionCode") or _text(ack, "StatusCode")
        if not invoice or code not in STATUS:
            continue
        reason = _text(ack, "StatusReasonCode") or _text(ack, "Reason")
        statuses.append({"invoice": invoice, "code": code, "reason": reason[:300],
                         "at": _when(_text(ack, "IssueDateTime") or default_when)})
    if not statuses:
        raise CdarError("no invoice status in the message")
    return statuses


def delivery_state(message_id: str) -> Receipt | None:
    """What the life cycle says of the invoice sent as ``message_id``, if it said anything."""
    from compagnon.einvoice.models import Transmission

    from .models import LifecycleStatus

    transmission = Transmission.objects.filter(message_id=message_id).only("document_id").first()
    if transmission is None:
        return None
    codes = list(LifecycleStatus.objects.filter(document_id=transmission.document_id)
                 .order_by("-at", "-id").values_list("code", "reason")[:1])
    if not codes:
        return None
    code, reason = codes[0]
    if code in FAILED:  # a refusal (210) was delivered: the client said no, the document shows it
        return Receipt("failed", f"{STATUS[code]}{': ' + reason if reason else ''}")
    if code in DELIVERED:
        return Receipt("delivered", str(STATUS[code]))
    return None
