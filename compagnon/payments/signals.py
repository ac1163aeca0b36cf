"""What payments tells other contexts, without importing them.

``paid_amounts_changed`` (``sender=sales.Document``, ``document_ids=``, ``actor=``): the paid amount
of these documents changed, in either direction. Payments writes every allocation
(``booking.Plan.commit``) and undoes them (``services.reverse_allocation``); a context that must
follow what clients paid — prefinancing settles its advances as the invoice is paid — connects a
receiver in its ``AppConfig.ready()``::

    from compagnon.payments.signals import paid_amounts_changed

    def follow(sender, *, document_ids, actor=None, **kwargs):
        ...  # read the documents again, one query per chunk of ids

    paid_amounts_changed.connect(follow, dispatch_uid="prefinancing.follow_payments")

``document_ids`` is a sorted list of distinct ids, never empty (nothing is sent otherwise). The
signal is sent inside the payment's database transaction, after the documents' ``paid_amount``
were written: a receiver's write commits or rolls back with the payment, and an exception in a
receiver undoes it. Receivers must be cheap per call (a matching run hands thousands of ids at
once) and do no network input/output (use ``transaction.on_commit``).
"""

from __future__ import annotations

from django.dispatch import Signal

paid_amounts_changed = Signal()  # sender=Document, document_ids=, actor=


def send_paid_amounts_changed(document_ids, *, actor=None) -> None:
    """Send ``paid_amounts_changed`` for these documents (duplicates and empty ids dropped)."""
    from compagnon.sales.models import Document

    ids = sorted({pk for pk in document_ids if pk})
    if ids:
        paid_amounts_changed.send(sender=Document, document_ids=ids, actor=actor)
