"""Peppol access points behind one small interface.

Compagnon is not a Peppol access point itself: a certified provider carries the messages. The
provider is configured by ``EINVOICE_ACCESS_POINT`` (a dotted path to a class). The outbox
implementation writes each message with a JSON envelope and reads the provider's answer from a
status file next to it; it is what tests and a file-based integration (a provider's SFTP drop
folder, for instance) use.

The outbox is a storage, not a path: the worker that submits a message and the one that polls its
answer may run on different machines. With ``STORAGE_URL=s3://…`` it is the bucket's
``peppol-outbox/`` folder (``STORAGES["einvoice_outbox"]``, shared by every machine); otherwise the
local folder ``EINVOICE_OUTBOX_DIR``, which then must be shared (one machine, or a shared mount).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
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
    """Messages as files in the outbox: ``<id>.xml`` + ``<id>.json`` (envelope).

    The provider (or a test) answers by writing ``<id>.status``: a first line ``delivered`` or
    ``failed``, then an optional detail.
    """

    def __init__(self, directory: str | None = None):
        self.storage = FileSystemStorage(location=directory) if directory else outbox_storage()

    def submit(self, *, sender: str, recipient: str, document_type: str, xml: bytes) -> str:
        message_id = uuid.uuid4().hex
        envelope = {"sender": sender, "recipient": recipient, "document_type": document_type, "message_id": message_id}
        self.storage.save(f"{message_id}.xml", ContentFile(xml))
        self.storage.save(f"{message_id}.json", ContentFile(json.dumps(envelope).encode()))
        return message_id

    def status(self, message_id: str) -> Receipt:
        name = f"{message_id}.status"
        if not self.storage.exists(name):
            return Receipt("sent")
        with self.storage.open(name, "rb") as f:
            text = f.read().decode("utf-8")
        first, _, rest = text.partition("\n")
        state = first.strip().lower()
        return Receipt(state if state in ("delivered", "failed") else "sent", rest.strip())


def outbox_storage() -> Storage:
    """The bucket's outbox when files are in a bucket, else the folder ``EINVOICE_OUTBOX_DIR``."""
    if "einvoice_outbox" in settings.STORAGES:
        return storages["einvoice_outbox"]
    return FileSystemStorage(location=settings.EINVOICE_OUTBOX_DIR)


def access_point() -> AccessPoint:
    return import_string(settings.EINVOICE_ACCESS_POINT)()
