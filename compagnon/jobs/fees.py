"""The finder's fee: when the taker's invoice of a handed-over job is paid in full, the fee agreed
in advance moves from the taker's activity to the finder's, as ONE balanced ledger entry in the
misc journal (debit internal transfers on the payer's axis, credit on the payee's: the same
posting as a budget movement, ``budget/services.py``), through ``ledger.services.post_entry``.

It follows ``payments.signals.paid_amounts_changed``, inside the payment's transaction: one query
for the fees concerned, none when no job invoice is in the batch."""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.sales.models import Kind, PaymentState

from .models import FeeKind, FeeState, FinderFee, JobDocument

log = logging.getLogger(__name__)
JOURNAL = "misc"
ENTRY_KIND = "finder_fee"
CENT = Decimal("0.01")


def fee_amount(fee: FinderFee, invoice) -> Decimal:
    if fee.kind == FeeKind.PERCENT:
        return (invoice.tax_exclusive * fee.value / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return fee.value.quantize(CENT, rounding=ROUND_HALF_UP)


def post_fee(fee: FinderFee, invoice, *, actor=None) -> FinderFee:
    from compagnon.ledger import services as ledger

    fee = FinderFee.objects.select_for_update(of=("self",)).select_related("payer__entity", "payee", "job").get(
        pk=fee.pk)
    if fee.state != FeeState.PENDING:
        return fee
    amount = fee_amount(fee, invoice)
    reason = (_("Finder's fee for the job %(job)s") % {"job": fee.job.description})[:200]
    if amount > 0:
        fee.entry = ledger.post_entry(
            actor=actor, entity=fee.payer.entity, journal_code=JOURNAL, date=timezone.localdate(),
            label=(_("Finder's fee %(payer)s → %(payee)s") % {"payer": fee.payer.name, "payee": fee.payee.name})[:200],
            source=fee, kind=ENTRY_KIND,
            lines=[ledger.LineSpec(role="internal_transfer", debit=amount, activity=fee.payer, label=reason),
                   ledger.LineSpec(role="internal_transfer", credit=amount, activity=fee.payee, label=reason)],
        )
    fee.state, fee.amount, fee.invoice, fee.posted_at = FeeState.POSTED, amount, invoice, timezone.now()
    fee.save(update_fields=["state", "amount", "invoice", "entry", "posted_at"])
    record(actor=actor, action="jobs.fee_posted", obj=fee,
           message=gettext_noop("Finder's fee of %(amount)s for job %(job)s transferred"),
           params={"amount": f"{amount:.2f}", "job": fee.job.description}, entity=fee.payer.entity,
           activity=fee.payer)
    return fee


def follow_payments(sender, *, document_ids, actor=None, **kwargs):
    links = list(
        JobDocument.objects.filter(document_id__in=document_ids, document__kind=Kind.INVOICE,
                                   document__payment_state=PaymentState.PAID,
                                   job__fees__state=FeeState.PENDING)
        .select_related("document").values_list("job_id", "document_id")
    )
    if not links:
        return
    from compagnon.sales.models import Document

    docs = {d.pk: d for d in Document.objects.filter(pk__in=[d for _j, d in links])}
    for fee in FinderFee.objects.filter(job_id__in=[j for j, _d in links], state=FeeState.PENDING):
        invoice = next((docs[d] for j, d in links if j == fee.job_id and docs[d].activity_id == fee.payer_id), None)
        if invoice is None:
            continue
        try:
            with transaction.atomic():
                post_fee(fee, invoice, actor=actor)
        except ValidationError:  # a locked period…: the fee stays pending, staff see it on the job
            log.warning("finder's fee %s left pending", fee.pk, exc_info=True)


def connect():
    from compagnon.payments.signals import paid_amounts_changed

    paid_amounts_changed.connect(follow_payments, dispatch_uid="jobs.finder_fees")
