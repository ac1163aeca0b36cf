"""Advances follow what the client paid on their invoice (payments' hook) and what the bank did
with the transfer that paid the member (payouts' signals).

Settling is pro rata and cumulative: after every change of the invoice's paid amount, the part of
the advance settled is ``advance × paid ÷ amount due`` (rounded half-up to the cent, the whole
advance once the invoice is paid), and the difference with what was settled before is booked::

    prefinancing charged to the activity (activity)   debit
    prefinancing outstanding (activity)                credit

(the other way round when a payment is undone). After a loss was taken, a late payment pays back
whoever bore it: the guarantee fund (fund credited, the activity charged) or nobody (the activity
bore it already and now cashes the payment).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.ledger.money import money
from compagnon.ledger.services import LineSpec, post_entry
from compagnon.sales.models import Document

from . import accounts
from .models import ZERO, Advance, AdvanceState, Settlement

SETTLE_KIND = "prefinancing_settle"
CHUNK = 2000
FOLLOWED = (AdvanceState.APPROVED, AdvanceState.SETTLED, AdvanceState.COVERED)


def target(advance: Advance, document: Document) -> Decimal:
    if document.payable <= 0:
        return advance.amount
    paid = min(max(document.paid_amount, ZERO), document.payable)
    if paid >= document.payable:
        return advance.amount
    return money(advance.amount * paid / document.payable)


def _lines(advance: Advance, delta: Decimal, label: str) -> list[LineSpec]:
    amount = abs(delta)
    if advance.state == AdvanceState.COVERED:
        # the fund is paid back from the activity's cashed payment
        charge = LineSpec(role=accounts.CHARGE, debit=amount, activity=advance.activity, label=label)
        other = LineSpec(role=accounts.FUND, credit=amount, label=label)
    else:
        charge = LineSpec(role=accounts.CHARGE, debit=amount, activity=advance.activity, label=label)
        other = LineSpec(role=accounts.OUTSTANDING, credit=amount, activity=advance.activity, label=label)
    if delta > 0:
        return [charge, other]
    return [LineSpec(account=charge.account, credit=amount, activity=charge.activity, label=label),
            LineSpec(account=other.account, debit=amount, activity=other.activity, label=label)]


def sync(advance: Advance, document: Document, *, actor=None) -> Settlement | None:
    """Book what the invoice's paid amount settles now (the caller locked the advance)."""
    if advance.state not in FOLLOWED:
        return None
    goal = target(advance, document)
    if advance.state == AdvanceState.COVERED:
        goal = min(goal, advance.amount)
    delta = goal - advance.settled_amount
    if advance.state == AdvanceState.COVERED and delta < 0:
        # an undone late payment: take back only what was paid back to the fund after the loss
        repaid = sum((s.amount for s in advance.settlements.filter(after_loss=True)), ZERO)
        delta = max(delta, -repaid)
    if not delta:
        return None
    step = Settlement.objects.create(advance=advance, amount=delta, paid_on_invoice=document.paid_amount,
                                     after_loss=advance.state == AdvanceState.COVERED)
    label = (_("Advance %(advance)s: invoice %(invoice)s paid %(paid)s EUR") % {
        "advance": advance, "invoice": document.number, "paid": document.paid_amount})[:200]
    accounts.ensure_accounts(advance.entity)
    step.entry = post_entry(actor=actor, entity=advance.entity, journal_code=accounts.JOURNAL,
                            date=timezone.localdate(), label=label, lines=_lines(advance, delta, label),
                            source=step, kind=SETTLE_KIND)
    step.save(update_fields=["entry"])
    advance.settled_amount += delta
    fields = ["settled_amount"]
    if advance.state in (AdvanceState.APPROVED, AdvanceState.SETTLED):
        advance.state = AdvanceState.SETTLED if advance.settled_amount >= advance.amount else AdvanceState.APPROVED
        advance.closed_at = timezone.now() if advance.state == AdvanceState.SETTLED else None
        fields += ["state", "closed_at"]
    advance.save(update_fields=fields)
    from compagnon.audit.services import record

    record(actor=actor, action="prefinancing.settled", obj=advance, entity=advance.entity, member=advance.member,
           activity=advance.activity,
           message=gettext_noop("Advance %(advance)s: %(amount)s EUR settled by the payment of invoice %(invoice)s.")
           if delta > 0 else gettext_noop("Advance %(advance)s: %(amount)s EUR open again (a payment of invoice "
                                          "%(invoice)s was undone)."),
           params={"advance": str(advance), "amount": str(abs(delta)), "invoice": document.number})
    return step


def follow_payments(document_ids, *, actor=None) -> int:
    """Payments' hook: the paid amounts of these documents changed (inside the payment's
    transaction). One query per chunk when none of them has an advance."""
    done = 0
    ids = list(document_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        advances = list(Advance.objects.select_for_update(of=("self",)).filter(document_id__in=chunk,
                                                                                state__in=FOLLOWED)
                        .select_related("entity", "activity", "member").order_by("pk"))
        if not advances:
            continue
        documents = Document.objects.in_bulk([a.document_id for a in advances])
        for advance in advances:
            if sync(advance, documents[advance.document_id], actor=actor) is not None:
                done += 1
    return done


# --- the transfer to the member -----------------------------------------------------------------


def _line_settled(sender, *, line, transaction=None, **kwargs):
    day = transaction.booking_date if transaction is not None else timezone.localdate()
    Advance.objects.filter(payout_line=line).update(paid_out_on=day)


def _line_returned(sender, *, line, **kwargs):
    Advance.objects.filter(payout_line=line).update(paid_out_on=None)


def connect_payouts() -> None:
    try:
        from compagnon.payouts.signals import line_returned, line_settled
    except ImportError:  # payouts without signals: the transfer's state is read from its batch
        return
    line_settled.connect(_line_settled, dispatch_uid="prefinancing.line_settled")
    line_returned.connect(_line_returned, dispatch_uid="prefinancing.line_returned")
