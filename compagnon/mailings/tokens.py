"""The signed token of an unsubscribe link: which member, which kind of communication, which mailing
it came from. Signed with the site's secret (``django.core.signing``, its own salt) and dated:
links work for ``MAX_AGE`` (longer than any mailbox keeps an email in view); a changed or made-up
token is refused."""

from __future__ import annotations

import datetime

from django.core import signing

SALT = "compagnon.mailings.unsubscribe"
MAX_AGE = datetime.timedelta(days=400)


def make(member_id: int, kind: str, mailing_id: int | None = None) -> str:
    return signing.dumps({"m": member_id, "k": kind, "g": mailing_id}, salt=SALT, compress=True)


def read(token: str) -> dict | None:
    """{"m": member id, "k": kind, "g": mailing id or None}, or None for a bad or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not isinstance(data.get("k"), str):
        return None
    return data
