"""What clients do that members hear about: a client opened a document, accepted or refused a
quote, paid an invoice.

The contexts where clients act (the portal, payments) sit above this app and call ``announce``
inside their transaction; once it commits, ``client_event`` is sent with the event and the
documents' ids. The top floor (``home``) connects the receiver that writes the in-app
notifications and the emails with a direct link, so no lower app imports the code that knows who
the members are and how to word it. Nothing is sent for a rolled-back change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

OPENED = "opened"
ACCEPTED = "accepted"
REFUSED = "refused"
PAID = "paid"
EVENTS = (OPENED, ACCEPTED, REFUSED, PAID)

# sent after commit with ``event`` (one of EVENTS) and ``document_ids`` (a sorted list of ints)
client_event = Signal()


def announce(event: str, document_ids: Iterable[int]) -> None:
    """Tell, after commit, whoever listens that clients did ``event`` on these documents."""
    if event not in EVENTS:
        raise ValueError(f"unknown client event {event!r}")
    ids = sorted({int(pk) for pk in document_ids})
    if ids:
        transaction.on_commit(lambda: client_event.send(sender=announce, event=event, document_ids=ids))
