"""Paying supplier invoices by SEPA transfer (``payouts``), supplier credit notes deducted.

* ``add_to_batch``: one transfer per approved invoice to its supplier's IBAN, with the supplier's
  payment reference — unless the supplier has approved credit notes not used up *for the same
  activity*: then the invoices of that supplier and activity chosen together are paid by one
  transfer of their total minus the credit (oldest credit note first), its message naming the
  invoices and the credit notes. Each deduction is a ``SupplierCreditUse`` row (credit note,
  invoice, amount, transfer); what is left of a credit note waits for the next payment. A transfer
  is never negative: when the credit covers the invoices, they are settled without a transfer.
* In the books the payable (401 / 440) nets to zero on the activity: each invoice credits it,
  the credit note debited it when it was booked, the transfer debits the rest when it is sent.
* ``mark_paid`` answers the bank's settlement of a transfer, ``reopen`` its return: the invoices
  are to pay again and the credit deducted by that transfer is available again (a use counts
  while its transfer is active, see ``SupplierCreditUse.counting``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require
from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account
from compagnon.ledger.services import ensure_chart
from compagnon.payouts import services as payouts
from compagnon.payouts.models import PayoutBatch, Purpose

from .models import SupplierCreditUse, SupplierInvoice, SupplierInvoiceKind, SupplierInvoiceState

ZERO = Decimal("0")
S = SupplierInvoiceState


def to_pay(entity_ids):
    """Approved invoices (not credit notes) that no active transfer pays yet."""
    return SupplierInvoice.objects.filter(
        entity_id__in=entity_ids, kind=SupplierInvoiceKind.INVOICE
    ).filter(Q(state=S.APPROVED) | Q(state=S.IN_BATCH, payout_line__active=False))


def amount_due(invoice: SupplierInvoice) -> Decimal:
    return (
        invoice.payable
        if invoice.payable and invoice.payable > 0
        else (invoice.tax_inclusive or ZERO)
    )


def credit_used(credit_note: SupplierInvoice) -> Decimal:
    return (
        SupplierCreditUse.counting().filter(credit_note=credit_note).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )


def credits_left(
    *, supplier_id, activity_id, lock: bool = False
) -> list[tuple[SupplierInvoice, Decimal]]:
    """The approved credit notes of a supplier for an activity with something left, oldest first,
    with what is left of each."""
    notes = SupplierInvoice.objects.filter(
        supplier_id=supplier_id,
        activity_id=activity_id,
        state=S.APPROVED,
        kind=SupplierInvoiceKind.CREDIT_NOTE,
    ).order_by("issue_date", "id")
    if lock:
        notes = notes.select_for_update(of=("self",))
    notes = list(notes)
    used = dict(
        SupplierCreditUse.counting()
        .filter(credit_note__in=notes)
        .values("credit_note")
        .annotate(s=Sum("amount"))
        .values_list("credit_note", "s")
    )
    out = []
    for note in notes:
        left = amount_due(note) - (used.get(note.pk) or ZERO)
        if left > 0:
            out.append((note, left))
    return out


def allocate(dues: list[Decimal], credits: list[Decimal]) -> list[tuple[int, int, Decimal]]:
    """(invoice index, credit index, amount) deducting the credits, in order, from the dues, in
    order, never more than either: the arithmetic of netting, kept pure for the tests."""
    out, i, j = [], 0, 0
    dues, credits = list(dues), list(credits)
    while i < len(dues) and j < len(credits):
        take = min(dues[i], credits[j])
        if take > 0:
            out.append((i, j, take))
        dues[i] -= take
        credits[j] -= take
        if dues[i] <= 0:
            i += 1
        if credits[j] <= 0:
            j += 1
    return out


def transfer_reference(invoice: SupplierInvoice) -> str:
    """What the supplier's bank matches on: its payment reference (structured when it is one),
    else the invoice number."""
    if invoice.payment_reference:
        return invoice.payment_reference[:140]
    with translation.override(invoice.entity.default_language or "en"):  # the cooperative's words
        return (_("Invoice %(number)s") % {"number": invoice.number})[:140]


def netted_reference(invoices, notes) -> str:
    """One message for a netted transfer: the invoices paid and the credit notes deducted."""
    entity = invoices[0].entity
    with translation.override(entity.default_language or "en"):
        text = _("Invoices %(invoices)s less credit notes %(notes)s") % {
            "invoices": ", ".join(i.number for i in invoices),
            "notes": ", ".join(n.number for n in notes),
        }
    return text[:140]


def supplier_payable(entity) -> Account:
    ensure_chart(entity)
    return Account.objects.get(
        entity=entity, code=charts.role_account_code(entity.jurisdiction, "supplier")
    )


def _audit(**kwargs):
    from .workflow import _audit as audit

    audit(**kwargs)


def _label(invoice) -> str:
    return _("Invoice %(number)s of %(supplier)s") % {
        "number": invoice.number,
        "supplier": invoice.supplier_name,
    }


def _bank(invoice) -> tuple[str, str]:
    if invoice.supplier and invoice.supplier.iban:
        return invoice.supplier.iban, invoice.supplier.bic
    return invoice.supplier_iban, invoice.supplier_bic


@transaction.atomic
def add_to_batch(*, actor, batch: PayoutBatch, invoices) -> list[SupplierInvoice]:
    """Pay approved invoices from a draft batch of their entity (see the module's text); the
    payable is debited when the batch is posted (``debit_account``), on the invoice's activity.
    Returns the invoices, in a batch or settled by a credit note."""
    from .workflow import _lock

    require(actor, "purchases.pay_invoice", batch.entity)
    payable = supplier_payable(batch.entity)
    locked = []
    for invoice in invoices:
        invoice = _lock(invoice)
        label = _label(invoice)
        if invoice.entity_id != batch.entity_id:
            raise ValidationError(
                {
                    "invoices": _("%(invoice)s belongs to another entity than the batch.")
                    % {"invoice": label}
                }
            )
        if invoice.is_credit_note or invoice.status != S.APPROVED:
            raise ValidationError(
                {
                    "invoices": _("%(invoice)s is %(state)s: only approved invoices are paid.")
                    % {"invoice": label, "state": invoice.get_status_display()}
                }
            )
        if not _bank(invoice)[0]:
            raise ValidationError(
                {
                    "invoices": _(
                        "%(invoice)s: the supplier's IBAN is not known; add it to the "
                        "supplier first."
                    )
                    % {"invoice": label}
                }
            )
        locked.append(invoice)
    groups: dict = defaultdict(list)
    for invoice in locked:
        groups[(invoice.supplier_id, invoice.activity_id)].append(invoice)
    done = []
    for (supplier_id, activity_id), group in groups.items():
        credits = (
            credits_left(supplier_id=supplier_id, activity_id=activity_id, lock=True)
            if supplier_id
            else []
        )
        if not credits:
            for invoice in group:
                _pay(
                    actor,
                    batch,
                    payable,
                    [invoice],
                    transfer_reference(invoice),
                    amount_due(invoice),
                    [],
                )
            done += group
            continue
        group.sort(key=lambda i: (i.due_date or i.issue_date, i.pk))
        split = allocate([amount_due(i) for i in group], [left for _n, left in credits])
        uses = [(group[i], credits[j][0], amount) for i, j, amount in split]
        rest = sum((amount_due(i) for i in group), ZERO) - sum((a for *_x, a in uses), ZERO)
        notes = list(dict.fromkeys(note for _i, note, _a in uses))
        _pay(actor, batch, payable, group, netted_reference(group, notes), rest, uses)
        done += group
    return done


def _pay(actor, batch, payable, invoices, remittance: str, amount: Decimal, uses) -> None:
    """One transfer of ``amount`` for ``invoices`` (none when the credit covers them all)."""
    first = invoices[0]
    line = None
    if amount > 0:
        iban, bic = _bank(first)
        try:
            line = payouts.add_line(
                actor=actor,
                batch=batch,
                creditor_name=(first.supplier_name or "")[:70],
                iban=iban,
                bic=bic,
                amount=amount,
                purpose=Purpose.SUPPLIER,
                remittance=remittance,
                debit_account=payable,
                activity=first.activity,
            )
        except ValidationError as exc:
            raise ValidationError(
                {"invoices": [f"{_label(first)}: {m}" for m in exc.messages]}
            ) from None
    SupplierCreditUse.objects.bulk_create(
        [
            SupplierCreditUse(
                credit_note=note,
                invoice=invoice,
                payout_line=line,
                amount=used,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for invoice, note, used in uses
        ]
    )
    deducted = defaultdict(lambda: ZERO)
    for invoice, _note, used in uses:
        deducted[invoice.pk] += used
    for invoice in invoices:
        if line is None:
            invoice.payout_line, invoice.state, invoice.paid_at = None, S.PAID, timezone.now()
            invoice.save(update_fields=["payout_line", "state", "paid_at", "updated_at"])
        else:
            invoice.payout_line, invoice.state = line, S.IN_BATCH
            invoice.save(update_fields=["payout_line", "state", "updated_at"])
        notes = ", ".join(dict.fromkeys(n.number for i, n, _u in uses if i.pk == invoice.pk))
        if line is None:
            _audit(
                actor=actor,
                invoice=invoice,
                action="settled_by_credit",
                params={"notes": notes},
                message=gettext_noop(
                    "Invoice %(number)s of %(supplier)s settled by credit note %(notes)s: "
                    "nothing to transfer."
                ),
            )
        elif notes:
            _audit(
                actor=actor,
                invoice=invoice,
                action="in_batch",
                params={"batch": batch.pk, "notes": notes, "total": str(deducted[invoice.pk])},
                message=gettext_noop(
                    "Invoice %(number)s of %(supplier)s added to payment batch %(batch)s, "
                    "less %(total)s € of credit note %(notes)s."
                ),
            )
        else:
            _audit(
                actor=actor,
                invoice=invoice,
                action="in_batch",
                params={"batch": batch.pk},
                message=gettext_noop(
                    "Invoice %(number)s of %(supplier)s added to payment batch %(batch)s."
                ),
            )
    for note in dict.fromkeys(n for _i, n, _u in uses):
        used = sum((u for _i, n, u in uses if n.pk == note.pk), ZERO)
        _audit(
            actor=actor,
            invoice=note,
            action="credit_used",
            params={"total": str(used)},
            message=gettext_noop(
                "Credit note %(number)s of %(supplier)s: %(total)s € deducted from a payment "
                "to the supplier."
            ),
        )


def mark_paid(*, line, transaction=None, **kwargs) -> int:
    """The bank settled ``line``: the invoices it pays are paid (idempotent)."""
    from django.db import transaction as db

    count = 0
    with db.atomic():
        for invoice in (
            SupplierInvoice.objects.select_for_update(of=("self",))
            .select_related("entity", "activity")
            .filter(payout_line_id=line.pk, state=S.IN_BATCH)
        ):
            invoice.state, invoice.paid_at = S.PAID, timezone.now()
            invoice.save(update_fields=["state", "paid_at", "updated_at"])
            _audit(
                actor=None,
                invoice=invoice,
                action="paid",
                params={"batch": line.batch_id},
                message=gettext_noop(
                    "Invoice %(number)s of %(supplier)s paid (transfer of batch %(batch)s)."
                ),
            )
            count += 1
    return count


def reopen(*, line, reason: str = "") -> int:
    """The bank returned ``line``: the invoices it paid are to pay again (approved); the credit it
    deducted counts no more (the line is inactive)."""
    count = 0
    for invoice in (
        SupplierInvoice.objects.select_for_update(of=("self",))
        .select_related("entity", "activity")
        .filter(payout_line_id=line.pk, state__in=(S.IN_BATCH, S.PAID))
    ):
        invoice.state, invoice.paid_at, invoice.payout_line = S.APPROVED, None, None
        invoice.save(update_fields=["state", "paid_at", "payout_line", "updated_at"])
        _audit(
            actor=None,
            invoice=invoice,
            action="returned",
            params={"reason": reason or "—"},
            message=gettext_noop(
                "The transfer paying invoice %(number)s of %(supplier)s came back (%(reason)s): "
                "it is to pay again."
            ),
        )
        count += 1
    return count
