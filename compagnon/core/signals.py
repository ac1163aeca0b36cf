"""Signals the kernel sends and the contexts above it listen to (the kernel imports no context).

``language_chosen``: a logged-in user picked a UI language (``core.views.set_language``); keyword
arguments ``user`` and ``language``. ``compagnon.accounts`` keeps it in the user's profile.

``collections_hold``: asked by the automated collections (dunning) when it picks the actions due
today, with keyword argument ``field`` (the path of a ``sales.Document`` foreign key); a receiver
answers a ``Q`` matching the rows whose document's collections must wait (or None). The actions
of those documents are left as they are and picked again on a later run, once nothing holds them.
``compagnon.payments`` holds the invoices with a payment the member declared received that still
waits for the bank. Ask through ``collections_held(field)``: one condition, no query of its own.
"""

from django.db.models import Q
from django.dispatch import Signal

language_chosen = Signal()
collections_hold = Signal()


def collections_held(field: str = "document") -> Q:
    """A condition matching the rows whose ``field`` is a document whose automated collections some
    context asks to wait (``Q()``, matching nothing to exclude, when none does)."""
    held = Q()
    for _receiver, answer in collections_hold.send(sender=None, field=field):
        if answer is not None:
            held |= answer
    return held
