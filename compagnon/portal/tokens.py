"""Signed, expiring links to one document.

A token is ``<document id>.<nonce>:<timestamp>:<signature>`` made by a ``TimestampSigner`` with
its own salt. The nonce is random (256 bits) and stored on a ``PortalAccess``: revoking the access
kills the link even though its signature is still good. The timestamp is the access's creation
time, so the same access always gives the same link (the member can copy it again later).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare

SALT = "compagnon.portal.access"
VALIDITY = datetime.timedelta(days=60)


class _AccessSigner(signing.TimestampSigner):
    def __init__(self, *, at: datetime.datetime | None = None):
        super().__init__(salt=SALT)
        self._at = at

    def timestamp(self):
        if self._at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._at.timestamp()))


def make_token(access) -> str:
    return _AccessSigner(at=access.created_at).sign(f"{access.document_id}.{access.nonce}")


class LinkError(Exception):
    """``reason`` is ``invalid`` (tampered, unknown), ``expired`` or ``revoked``; ``access`` is
    known for the last two, so the page can say whom to ask for a new link."""

    def __init__(self, reason: str, access=None):
        super().__init__(reason)
        self.reason, self.access = reason, access


@dataclass(frozen=True)
class _Payload:
    document_id: int
    nonce: str


def _payload(value: str) -> _Payload:
    doc, _, nonce = value.partition(".")
    if not doc.isdigit() or not nonce:
        raise LinkError("invalid")
    return _Payload(int(doc), nonce)


def _find_access(payload: _Payload):
    from .models import PortalAccess

    # The signature already proves the nonce was issued by us; the comparison is constant-time all
    # the same, over the (few) accesses of that document.
    for access in PortalAccess.objects.select_related("document__activity", "document__entity", "document__client").filter(document_id=payload.document_id):
        if constant_time_compare(access.nonce, payload.nonce):
            return access
    return None


def read_token(token: str):
    """The ``PortalAccess`` behind a link, or ``LinkError``."""
    signer = _AccessSigner()
    try:
        payload = _payload(signer.unsign(token, max_age=VALIDITY))
    except signing.SignatureExpired:
        try:
            payload = _payload(signer.unsign(token))  # authentic but too old: say so
        except signing.BadSignature:
            raise LinkError("invalid") from None
        raise LinkError("expired", _find_access(payload)) from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    access = _find_access(payload)
    if access is None:
        raise LinkError("invalid")
    if access.is_revoked:
        raise LinkError("revoked", access)
    if access.is_expired:
        raise LinkError("expired", access)
    return access
