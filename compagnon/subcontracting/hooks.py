"""What subcontracting hears from the contexts it follows (connected in ``apps.py``).

* ``sales.steps.on_issued`` — A's client invoice is issued: B's internal invoice is issued, in the
  same transaction (a failure rolls the client invoice back with it).
* ``payments.signals.paid_amounts_changed`` — a client invoice is now fully paid: its open internal
  invoices are settled, in the payment's transaction. Partly paid: nothing yet (settled in full
  when fully paid; see docs/subcontracting.md).
* ``ledger.signals.entry_posted`` — the entry approving a prefinancing advance (source
  ``prefinancing.advance``, kind ``issue``) is posted: the internal invoices of its client invoice
  are settled at once. Costs no query for any other entry.
"""

from __future__ import annotations

ADVANCE_SOURCE = "prefinancing.advance"


def client_invoice_issued(document, *, actor):
    from . import services

    services.client_invoice_issued(document, actor=actor)


def client_payments(sender=None, *, document_ids, actor=None, **kwargs):
    from . import services

    services.settle_paid(document_ids, actor=actor)


def advance_booked(sender=None, *, entry, lines=None, **kwargs):
    if entry.source_type != ADVANCE_SOURCE or entry.kind != "issue":
        return
    from compagnon.prefinancing.models import Advance

    from . import services

    document_id = Advance.objects.filter(pk=entry.source_id).values_list("document_id", flat=True).first()
    if document_id is not None:
        services.settle_prefinanced(document_id, actor=entry.created_by)
