"""Peppol access points behind one small interface.

Compagnon is not a Peppol access point itself: a certified provider carries the messages. The
provider is configured by ``EINVOICE_ACCESS_POINT`` (a dotted path to a class). The outbox
implementation writes each message to a directory with a JSON envelope and reads the provider's
answer from a status file next to it; it is what tests and a file-based integration (a provider's
SFTP drop folder, for instance) use.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Receipt:
    status: str  # "sent", "delivered" or "failed"
    detail: str = ""


class AccessPoint:
    """What a Peppol access point adapter provides."""

    def submit(self, *, sender: str, recipient: str, document_type: str, xml: bytes) -> str:
        """Hand a UBL message over; return the provider's message id."""
        raise NotImplementedError

    def status(self, message_id: str) -> Receipt:
        """The provider's current answer for a message."""
        raise NotImplementedError


class OutboxAccessPoint(AccessPoint):
    """Messages as files in ``EINVOICE_OUTBOX_DIR``: ``<id>.xml`` + ``<id>.json`` (envelope).

    The provider (or a test) answers by writing ``<id>.status``: a first line ``delivered`` or
    ``failed``, then an optional detail.
    """

    def __init__(self, directory: str | None = None):
        self.directory = Path(directory or settings.EINVOICE_OUTBOX_DIR)

    def submit(self, *, sender: str, recipient: str, document_type: str, xml: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        (self.directory / f"{message_id}.xml").write_bytes(xml)
        envelope = {"sender": sender, "recipient": recipient, "document_type": document_type, "message_id": message_id}
        (self.directory / f"{message_id}.json").write_text(json.dumps(envelope), encoding="utf-8")
        return message_id

    def status(self, message_id: str) -> Receipt:
        path = self.directory / f"{message_id}.status"
        if not path.exists():
            return Receipt("sent")
        first, _, rest = path.read_text(encoding="utf-8").partition("\n")
        state = first.strip().lower()
        return Receipt(state if state in ("delivered", "failed") else "sent", rest.strip())


def access_point() -> AccessPoint:
    return import_string(settings.EINVOICE_ACCESS_POINT)()
