"""The client's link to their case: ``<case id>.<nonce>:<timestamp>:<signature>``, signed with its own
salt like the portal's document links. The nonce is random and kept on the case; the link is valid
for ``VALIDITY`` after the case was reported (a case lives long after the job)."""

from __future__ import annotations

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare

from .models import Case

SALT = "compagnon.aftersales.case"
VALIDITY = datetime.timedelta(days=730)


class _Signer(signing.TimestampSigner):
    def __init__(self, *, at: datetime.datetime | None = None):
        super().__init__(salt=SALT)
        self._at = at

    def timestamp(self):
        if self._at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._at.timestamp()))


def make_token(case: Case) -> str:
    return _Signer(at=case.created_at).sign(f"{case.pk}.{case.nonce}")


def read_token(token: str) -> Case:
    """The case behind a link; ``Case.DoesNotExist`` for a tampered, unknown or too old link."""
    try:
        value = _Signer().unsign(token or "", max_age=VALIDITY)
    except signing.BadSignature:
        raise Case.DoesNotExist from None
    pk, _dot, nonce = value.partition(".")
    if not pk.isdigit() or not nonce or len(pk) > 18:
        raise Case.DoesNotExist
    case = Case.objects.select_related("entity", "activity", "client", "document", "visit", "trade",
                                       "assigned_member__user").get(pk=int(pk))
    if not constant_time_compare(case.nonce, nonce):
        raise Case.DoesNotExist
    return case
