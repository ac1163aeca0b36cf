"""What higher floors do when what was paid on documents changes, without payments importing them.

Payments writes every allocation (``booking.Plan.commit``) and undoes them
(``services.reverse_allocation``). A context that must follow what clients paid — prefinancing
settles its advances as the invoice is paid — registers a *listener* from its
``AppConfig.ready()``::

    from compagnon.payments import hooks
    hooks.register_paid_listener(lambda document_ids, *, actor=None: ...)

A listener is called inside the payment's transaction, after the documents' ``paid_amount`` were
written, with the ids of the documents whose paid amount changed (in either direction). It reads
the documents again itself and must be cheap per call (one query per chunk of ids): a matching
run hands it thousands of ids at once.
"""

from __future__ import annotations

LISTENERS: list = []


def register_paid_listener(listener):
    """Add ``listener(document_ids, *, actor=None)``; registering it twice is a no-op."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)
    return listener


def paid_amounts_changed(document_ids, *, actor=None) -> None:
    ids = sorted({pk for pk in document_ids if pk})
    if not ids:
        return
    for listener in LISTENERS:
        listener(ids, actor=actor)
