"""The supplier invoice of a group purchase, and its cost split to the participating activities.

Linking: whoever opened the group purchase (or staff) links the supplier's invoice, one they see,
once the order went out (ordered → invoiced). An invoice booked with the group purchase's reference
(``GA-00042``) in its order or buyer reference is linked by itself when it is booked.

Splitting — when the linked invoice is booked (``purchases.signals.invoice_booked``, inside the
posting's transaction) or, if it was booked already, when it is linked: purchases booked the whole
cost on the invoice's activity, on the category's account (``workflow.entry_lines``: the amount
excl. VAT when the VAT is deductible, incl. VAT when not). That cost is split by quantities, in
cents, by the largest remainder (each part rounded down, the cents left go to the largest
fractions, ties to the first activity by name), so the parts sum to the cost exactly. ONE balanced
entry in the misc journal recharges it, on the same account: a debit on each other participating
activity with its part, a credit on the invoice's activity with their sum. The entity's total
is unchanged; each activity's budget reads its part as a cost. A ``CostSplit`` row (one per
invoice) makes it idempotent: booking twice never splits twice. The group purchase is then closed.
Cancelling the invoice reverses the split's entry and sends the group purchase back to "ordered".
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger import services as ledger
from compagnon.ledger.models import EntryLine
from compagnon.purchases.models import POSTED_STATES, SupplierInvoice

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import CostSplit, GroupPurchase, GroupState

JOURNAL = "misc"
CENT = Decimal("0.01")
ZERO = Decimal("0")


def largest_remainder(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` (cents) split by ``weights``: parts rounded down to the cent, the cents left to
    the largest remainders (the first on ties), so they sum to ``amount`` exactly. Signs follow
    ``amount``."""
    total = sum(weights, ZERO)
    if total <= 0:
        raise ValueError("weights must sum to more than zero")
    sign = -1 if amount < 0 else 1
    cents = int((abs(amount) / CENT).to_integral_value())
    exact = [Decimal(cents) * w / total for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * Decimal(f) * CENT for f in floors]


def cost_of(invoice: SupplierInvoice) -> tuple[str, Decimal]:
    """(account code, amount) of the cost the invoice's entry booked on its activity."""
    from compagnon.purchases.workflow import entry_lines

    first = entry_lines(invoice)[0]  # the cost line: the category's expense (or fixed-asset) account
    code = str(first.account)
    booked = EntryLine.objects.filter(entry_id=invoice.entry_id, account__code=code,
                                      activity_id=invoice.activity_id).aggregate(d=Sum("debit"), c=Sum("credit"))
    amount = (booked["d"] or ZERO) - (booked["c"] or ZERO)
    return code, amount if booked["d"] is not None else first.debit - first.credit


@transaction.atomic
def link_invoice(*, actor, group: GroupPurchase, invoice: SupplierInvoice) -> GroupPurchase:
    g = GroupPurchase.objects.select_for_update(of=("self",)).select_related("entity", "supplier").get(pk=group.pk)
    require(actor, "buying.manage_group", g)
    if g.state not in (GroupState.ORDERED, GroupState.INVOICED):
        raise ValidationError({"invoice": _("Link the invoice once the order has gone out.")})
    if g.invoice_id == invoice.pk:
        return g
    if g.invoice_id is not None and CostSplit.objects.filter(invoice_id=g.invoice_id, reversal__isnull=True).exists():
        raise ValidationError({"invoice": _("The cost of this group purchase is already split.")})
    if (invoice.supplier_id != g.supplier_id or invoice.entity_id != g.entity_id or invoice.is_credit_note
            or invoice.state in ("cancelled", "rejected")):
        raise ValidationError({"invoice": _("Choose an invoice of %(supplier)s that is not cancelled.")
                               % {"supplier": g.supplier.name}})
    if GroupPurchase.objects.filter(invoice=invoice).exclude(pk=g.pk).exists() or CostSplit.objects.filter(
            invoice=invoice).exists():
        raise ValidationError({"invoice": _("This invoice is already linked to a group purchase.")})
    g.invoice, g.state = invoice, GroupState.INVOICED
    g.save(update_fields=["invoice", "state"])
    record(actor=actor, action="buying.invoice_linked", obj=g, entity=g.entity,
           params={"title": g.title, "number": invoice.number or "—"},
           message=gettext_noop("Invoice %(number)s linked to the group purchase %(title)s"))
    if invoice.state in POSTED_STATES and invoice.entry_id:
        split_cost(group=g, invoice=invoice, actor=actor)
        g.refresh_from_db()
    return g


def _by_reference(invoice: SupplierInvoice) -> GroupPurchase | None:
    refs = {r.strip().upper() for r in (invoice.order_reference, invoice.buyer_reference) if r and r.strip()}
    for ref in refs:
        if ref.startswith("GA-") and ref[3:].isdigit():
            return GroupPurchase.objects.filter(pk=int(ref[3:]), supplier_id=invoice.supplier_id,
                                                entity_id=invoice.entity_id, state=GroupState.ORDERED,
                                                invoice__isnull=True).first()
    return None


def on_invoice_booked(*, invoice: SupplierInvoice, actor=None) -> CostSplit | None:
    """``invoice_booked``'s receiver: split the cost of the group purchase the invoice belongs to."""
    if invoice.is_credit_note:
        return None
    g = GroupPurchase.objects.filter(invoice_id=invoice.pk).first()
    if g is None:
        g = _by_reference(invoice)
        if g is None:
            return None
        GroupPurchase.objects.filter(pk=g.pk).update(invoice=invoice, state=GroupState.INVOICED)
        record(actor=actor, action="buying.invoice_linked", obj=g, entity=invoice.entity,
               params={"title": g.title, "number": invoice.number or "—"},
               message=gettext_noop("Invoice %(number)s linked to the group purchase %(title)s"))
    return split_cost(group=g, invoice=invoice, actor=actor)


@transaction.atomic
def split_cost(*, group: GroupPurchase, invoice: SupplierInvoice, actor=None) -> CostSplit | None:
    """Split the booked ``invoice`` to the group's participating activities, once per invoice."""
    g = GroupPurchase.objects.select_for_update(of=("self",)).select_related("entity").get(pk=group.pk)
    existing = CostSplit.objects.filter(invoice_id=invoice.pk).first()
    if existing is not None:
        return existing
    if g.invoice_id != invoice.pk or invoice.entry_id is None:
        return None
    rows = list(g.participations.select_related("activity").order_by("activity__name", "id"))
    code, amount = cost_of(invoice)
    split = CostSplit.objects.create(group=g, invoice=invoice, amount=amount, account_code=code)
    if rows and amount:
        parts = largest_remainder(amount, [p.quantity for p in rows])
        split.split = {str(p.activity_id): f"{a:.2f}" for p, a in zip(rows, parts, strict=True)}
        label = (_("Group purchase %(reference)s %(title)s, split of invoice %(number)s")
                 % {"reference": g.reference, "title": g.title, "number": invoice.number or "—"})[:200]
        lines, moved = [], ZERO
        for p, part in zip(rows, parts, strict=True):
            if p.activity_id == invoice.activity_id or not part:
                continue
            side = "debit" if part > 0 else "credit"
            lines.append(ledger.LineSpec(code=code, activity=p.activity, label=label, **{side: abs(part)}))
            moved += part
        if lines:
            side = "credit" if moved > 0 else "debit"
            lines.append(ledger.LineSpec(code=code, activity=invoice.activity, label=label, **{side: abs(moved)}))
            split.entry = ledger.post_entry(actor=actor, entity=g.entity, journal_code=JOURNAL,
                                            date=timezone.localdate(), label=label, lines=lines, source=split)
        split.save(update_fields=["split", "entry"])
    GroupPurchase.objects.filter(pk=g.pk).update(state=GroupState.CLOSED)
    record(actor=actor, action="buying.cost_split", obj=g, entity=g.entity,
           params={"title": g.title, "amount": f"{amount:.2f}", "count": len(rows)},
           message=gettext_noop("Cost of the group purchase %(title)s (%(amount)s) split to %(count)s activities"))
    return split


@transaction.atomic
def on_invoice_cancelled(*, invoice: SupplierInvoice, actor=None) -> None:
    """The invoice's entry was reversed: reverse the split's too; the group purchase waits for the
    right invoice again (ordered)."""
    split = CostSplit.objects.select_for_update().filter(invoice_id=invoice.pk, reversal__isnull=True).first()
    if split is not None and split.entry_id is not None:
        entry = split.entry
        split.reversal = ledger.reverse_entry(
            actor=actor, entry=entry, date=max(timezone.localdate(), entry.date),
            label=(_("Cancelled: %(label)s") % {"label": entry.label})[:200])
        split.save(update_fields=["reversal"])
    for g in GroupPurchase.objects.select_for_update(of=("self",)).select_related("entity").filter(
            invoice_id=invoice.pk):
        g.invoice, g.state = None, GroupState.ORDERED
        g.save(update_fields=["invoice", "state"])
        record(actor=actor, action="buying.invoice_unlinked", obj=g, entity=g.entity,
               params={"title": g.title, "number": invoice.number or "—"},
               message=gettext_noop("Invoice %(number)s cancelled: the group purchase %(title)s waits for "
                                    "its invoice again"))
