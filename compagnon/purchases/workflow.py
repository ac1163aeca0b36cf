"""The way of a supplier invoice from the file to the payment. Keyword-only; one transaction each;
the invoice row locked; the permission checked again here (``require``); audited in words on the
activity's history.

* ``enter_paper_invoice`` keeps a PDF or photo as a draft and has it read in the background
  (``tasks.read_paper_invoice``); ``save_details`` takes what the member typed beside the file
  (supplier, number, dates, amounts per VAT rate, category); an e-invoice's amounts come from its
  file and only its supplier, category and due date are chosen.
* ``approve``: the member's approval posts the invoice, unless its total is above the entity's
  threshold: then it waits for an advisor or an accountant (never the same person), whose approval
  posts it. ``refuse`` sends it back with a reason; ``cancel`` drops it (reversing its entry when it
  was posted and not paid).
* Posting (purchases journal, dated the day of approval so the journal's numbers follow its
  dates): the category's expense account, or its fixed-asset account from the entity's threshold;
  the deductible VAT; the supplier payable for the total; every line on the activity's axis. A
  credit note posts the mirror.
* ``add_to_batch`` pays approved invoices by SEPA transfer (``payouts``), one transfer per invoice
  with the supplier's payment reference; ``mark_paid`` answers the bank's settlement of the line.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core import formatting
from compagnon.core.services import require
from compagnon.jurisdictions import charts
from compagnon.jurisdictions import get as jurisdiction
from compagnon.ledger.models import Account, AccountKind
from compagnon.ledger.services import LineSpec, ensure_chart, post_entry, reverse_entry
from compagnon.members.models import Activity

from . import categories, suppliers
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from . import vat as vat_rules
from .models import (
    EDITABLE_STATES,
    PurchaseSettings,
    Source,
    Supplier,
    SupplierCreditUse,
    SupplierInvoice,
    SupplierInvoiceKind,
    SupplierInvoiceState,
    SupplierInvoiceVat,
)
from .payment import add_to_batch, mark_paid, reopen, supplier_payable, to_pay, transfer_reference  # noqa: F401
from .signals import invoice_booked, invoice_cancelled

ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")
MAX_BYTES = 20 * 1024 * 1024
S = SupplierInvoiceState
PAPER_TYPES = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png",
               b"RIFF": "image/webp"}


def settings_for(entity) -> PurchaseSettings:
    return PurchaseSettings.objects.filter(entity=entity).first() or PurchaseSettings(entity=entity)


def _audit(*, actor, invoice: SupplierInvoice, action: str, message: str, params=None, before=None, after=None):
    record(actor=actor, action=f"supplier_invoice.{action}", obj=invoice, message=message,
           params={"number": invoice.number or invoice.original_name, "supplier": invoice.supplier_name or "—",
                   "amount": str(invoice.tax_inclusive if invoice.tax_inclusive is not None else "0.00"),
                   **(params or {})},
           entity=invoice.entity, activity=invoice.activity, before=before, after=after)


def _lock(invoice: SupplierInvoice) -> SupplierInvoice:
    return (SupplierInvoice.objects.select_for_update(of=("self",))
            .select_related("entity", "activity", "supplier", "payout_line").get(pk=invoice.pk))


def _state_error(invoice, what: str) -> ValidationError:
    return ValidationError({"state": _("This invoice is %(state)s: %(what)s")
                            % {"state": invoice.get_status_display(), "what": what}}, code="state")


# --- a paper invoice ----------------------------------------------------------------------------


def sniff(data: bytes) -> str:
    for magic, kind in PAPER_TYPES.items():
        if data.startswith(magic) and (kind != "image/webp" or data[8:12] == b"WEBP"):
            return kind
    return ""


def enter_paper_invoice(*, actor, activity: Activity, uploaded_file) -> SupplierInvoice:
    """Keep the PDF or photo of a paper invoice as a draft of ``activity``. A PDF that carries an
    e-invoice (Factur-X) is received as one instead: everything is read from it."""
    require(actor, "purchases.enter_invoice", activity)
    if uploaded_file is None or not getattr(uploaded_file, "size", 0):
        raise ValidationError({"file": _("Take a photo of the invoice or choose its PDF.")}, code="required")
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(max)s MB.") % {"max": MAX_BYTES // 1048576}})
    name = (uploaded_file.name or "invoice").replace("\\", "/").rsplit("/", 1)[-1][:200]
    kind = sniff(data)
    if not kind:
        raise ValidationError({"file": _("This file is neither a PDF nor a photo (JPEG, PNG, WebP).")},
                              code="file_type")
    if kind == "application/pdf" and _is_einvoice(data, name):
        from .services import receive_supplier_invoice

        return receive_supplier_invoice(actor=actor, activity=activity, data=data, filename=name)
    from .services import _refuse_duplicate

    digest = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(activity, digest)
    invoice = SupplierInvoice(activity=activity, entity_id=activity.entity_id, source=Source.PAPER,
                              kind=SupplierInvoiceKind.INVOICE, original_name=name, file_size=len(data),
                              sha256=digest, file_type=kind, currency="EUR", reading_state="pending",
                              created_by=actor if getattr(actor, "is_authenticated", False) else None)
    invoice.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            invoice.save()
            _audit(actor=actor, invoice=invoice, action="entered", params={"file": name},
                   message=gettext_noop("Paper invoice %(file)s added, to be completed."))
            from .tasks import read_paper_invoice

            transaction.on_commit(lambda: read_paper_invoice.enqueue(invoice_id=invoice.pk))
    except IntegrityError:
        invoice.file.storage.delete(invoice.file.name)
        _refuse_duplicate(activity, digest)
        raise
    return invoice


def _is_einvoice(data: bytes, name: str) -> bool:
    from compagnon.einvoice import parse

    try:
        parse.parse(data, name)
    except parse.ParseError:
        return False
    return True


def _decimal(value, field: str, errors: dict, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("Type the amount.")]
        return None
    text = str(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in text and "." in text:  # 1,234.50 or 1.234,50: the first sign groups thousands
        text = text.replace("," if text.index(",") < text.index(".") else ".", "")
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        errors[field] = [_("Type a number, e.g. 12.50.")]
        return None
    if not number.is_finite() or number < 0 or number > MAX_AMOUNT:
        errors[field] = [_("Type a number from 0 to %(max)s.") % {"max": formatting.number(MAX_AMOUNT)}]
        return None
    if number != number.quantize(CENT):
        errors[field] = [_("At most 2 decimals.")]
        return None
    return number


def _vat_rows(entity, rows, errors: dict) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, amount excl. VAT, VAT) per rate, checked: a rate of the country (or 0), each rate
    once, the VAT matching the rate within a few cents (receipts round per line)."""
    rates = {r.rate for r in jurisdiction(entity.jurisdiction).vat_rates} | {ZERO}
    out, seen = [], set()
    for i, (rate, net, vat) in enumerate(rows or []):
        if all(x in (None, "") for x in (rate, net, vat)):
            continue
        r = _decimal(rate, f"vat_rate_{i}", errors)
        n = _decimal(net, f"net_{i}", errors)
        v = _decimal(vat if vat not in (None, "") else "0", f"vat_{i}", errors)
        if r is None or n is None or v is None:
            continue
        if r not in rates:
            errors[f"vat_rate_{i}"] = [_("%(rate)s is not a VAT rate of this country (%(rates)s).")
                                       % {"rate": formatting.percent(r),
                                          "rates": ", ".join(formatting.percent(x) for x in sorted(rates))}]
            continue
        if r in seen:
            errors[f"vat_rate_{i}"] = [_("The rate %(rate)s is given twice: add the amounts up.")
                                       % {"rate": formatting.percent(r)}]
            continue
        seen.add(r)
        expected = (n * r / 100).quantize(CENT)
        if abs(expected - v) > Decimal("0.05"):
            errors[f"vat_{i}"] = [_("At %(rate)s, the VAT on %(net)s is about %(expected)s, not %(vat)s.")
                                  % {"rate": formatting.percent(r), "net": formatting.money(n),
                                     "expected": formatting.money(expected), "vat": formatting.money(v)}]
            continue
        out.append((r, n, v))
    if not out and not any(k.startswith(("vat_rate_", "net_", "vat_")) for k in errors):
        errors["net_0"] = [_("Type the amount excl. VAT and the VAT of at least one rate.")]
    return out


def _due(invoice: SupplierInvoice) -> datetime.date | None:
    if invoice.due_date or not invoice.issue_date:
        return invoice.due_date
    days = invoice.supplier.payment_days if invoice.supplier and invoice.supplier.payment_days is not None \
        else settings_for(invoice.entity).payment_days
    return invoice.issue_date + datetime.timedelta(days=days)


@transaction.atomic
def save_details(*, actor, invoice: SupplierInvoice, supplier: Supplier | None = None, category: str = "",
                 kind: str = "", number: str = "", issue_date=None, due_date=None, vat_rows=(),
                 payment_reference: str = "", notes: str = "") -> SupplierInvoice:
    """What the member confirms beside the file. For an e-invoice only ``supplier``, ``category``
    and a missing ``due_date`` are taken (the rest is the supplier's file)."""
    invoice = _lock(invoice)
    require(actor, "purchases.change_invoice", invoice)
    if invoice.state not in EDITABLE_STATES and not (invoice.is_rejected and invoice.is_paper):
        raise _state_error(invoice, _("it can no longer be changed."))
    entity = invoice.entity
    errors: dict = {}
    if supplier is not None and supplier.entity_id != entity.pk:
        errors["supplier"] = [_("Choose a supplier of %(entity)s.") % {"entity": entity.name}]
    if category and category not in {c.key for c in categories.for_country(entity.jurisdiction)}:
        errors["category"] = [_("Choose a category from the list.")]
    before = {"supplier": invoice.supplier_name, "category": invoice.category, "total": str(invoice.tax_inclusive)}
    if invoice.is_paper:
        if kind and kind not in SupplierInvoiceKind.values:
            errors["kind"] = [_("Choose invoice or credit note.")]
        number = " ".join((number or "").split())[:200]
        if not number:
            errors["number"] = [_("Type the invoice number as the supplier wrote it.")]
        today = timezone.localdate()
        if not isinstance(issue_date, datetime.date):
            errors["issue_date"] = [_("Give the date of the invoice.")]
        elif issue_date > today:
            errors["issue_date"] = [_("The date %(date)s is in the future: give the date printed on the invoice.")
                                    % {"date": issue_date.isoformat()}]
        if isinstance(due_date, datetime.date) and isinstance(issue_date, datetime.date) and due_date < issue_date:
            errors["due_date"] = [_("The due date comes on or after the invoice date.")]
        rows = _vat_rows(entity, vat_rows, errors)
        if errors:
            raise ValidationError(errors)
        invoice.kind = kind or SupplierInvoiceKind.INVOICE
        invoice.number, invoice.issue_date, invoice.due_date = number, issue_date, due_date or None
        invoice.payment_reference = (payment_reference or "").strip()[:200]
        invoice.notes = (notes or "").strip()[:2000]
        invoice.tax_exclusive = sum((n for _r, n, _v in rows), ZERO)
        invoice.tax_total = sum((v for _r, _n, v in rows), ZERO)
        invoice.line_total = invoice.tax_exclusive
        invoice.tax_inclusive = invoice.payable = invoice.tax_exclusive + invoice.tax_total
        invoice.vat_lines.all().delete()
        SupplierInvoiceVat.objects.bulk_create([
            SupplierInvoiceVat(invoice=invoice, position=i, category="S" if r else "Z", rate=r, taxable_amount=n,
                               tax_amount=v) for i, (r, n, v) in enumerate(rows, start=1)])
        if invoice.is_rejected:
            invoice.state = S.DRAFT
    elif errors:
        raise ValidationError(errors)
    elif isinstance(due_date, datetime.date) and not invoice.due_date:
        invoice.due_date = due_date
    if supplier is not None:
        invoice.supplier = supplier
        _copy_supplier(invoice, supplier)
    invoice.category = category or invoice.category or (invoice.supplier.category if invoice.supplier else "")
    vat_rules.refresh_suggestion(invoice)
    invoice.save()
    after = {"supplier": invoice.supplier_name, "category": invoice.category, "total": str(invoice.tax_inclusive)}
    if before != after:
        _audit(actor=actor, invoice=invoice, action="completed", before=before, after=after,
               message=gettext_noop("Invoice %(number)s of %(supplier)s completed: %(amount)s € incl. VAT."))
    return invoice


def _copy_supplier(invoice: SupplierInvoice, supplier: Supplier) -> None:
    """A paper invoice says what its supplier record says; an e-invoice keeps what its file says."""
    if not invoice.is_paper:
        return
    invoice.supplier_name = supplier.name
    invoice.supplier_vat_id, invoice.supplier_company_id = supplier.vat_number, supplier.company_number
    invoice.supplier_country, invoice.supplier_street = supplier.country, supplier.street
    invoice.supplier_postcode, invoice.supplier_city = supplier.postcode, supplier.city
    invoice.supplier_iban, invoice.supplier_bic = supplier.iban, supplier.bic


# --- approval and posting -----------------------------------------------------------------------


def _missing(invoice: SupplierInvoice) -> dict:
    errors: dict = {}
    if invoice.is_rejected:
        errors["file"] = [_("This file could not be read: enter the invoice by hand or ask the supplier again.")]
        return errors
    if invoice.supplier_id is None:
        errors["supplier"] = [_("Choose the supplier (or add it) before approving.")]
    if not invoice.category:
        errors["category"] = [_("Choose what this purchase is for: it decides the account.")]
    if not invoice.number or not invoice.issue_date:
        errors["number"] = [_("The invoice number and date are missing.")]
    if not invoice.tax_inclusive or invoice.tax_inclusive <= 0:
        errors["amount"] = [_("The amounts are missing.")]
    if invoice.currency and invoice.currency != "EUR":
        errors["currency"] = [_("Only invoices in euros are booked here; ask the accountant for %(currency)s.")
                              % {"currency": invoice.currency}]
    return errors


def _ensure_account(entity, code: str, name: str, kind: str) -> None:
    if not Account.objects.filter(entity=entity, code=code).exists():
        Account.objects.bulk_create([Account(entity=entity, code=code, name=name, kind=kind)],
                                    ignore_conflicts=True)


def entry_lines(invoice: SupplierInvoice) -> list[LineSpec]:
    """What approving books (balanced; the ledger's posting service checks it again). A reverse
    charge adds the VAT due (its own account per case and rate, ``vat.due_account``) and, when
    the category's VAT is deductible, the same amount as deductible VAT."""
    entity = invoice.entity
    country = entity.jurisdiction
    category = categories.get(invoice.category)
    vat_rows = list(invoice.vat_lines.all())
    net = sum((r.taxable_amount or ZERO for r in vat_rows), ZERO) if vat_rows else (invoice.tax_exclusive or ZERO)
    vat = sum((r.tax_amount or ZERO for r in vat_rows), ZERO) if vat_rows else (invoice.tax_total or ZERO)
    code, name, asset = categories.account_of(country, category.key, amount_excl_vat=net,
                                              fixed_asset_from=settings_for(entity).fixed_asset_from)
    _ensure_account(entity, code, name, AccountKind.ASSET if asset else AccountKind.EXPENSE)
    total = net + vat
    if abs(total - (invoice.tax_inclusive or ZERO)) > CENT:
        raise ValidationError({"amount": _("The VAT breakdown (%(sum)s) does not add up to the total incl. VAT "
                                           "(%(total)s): the accountant must look at this invoice.")
                               % {"sum": formatting.money(total),
                                  "total": formatting.money(invoice.tax_inclusive)}})
    self_assessed = vat_rules.reverse_charge_vat(invoice, net) if invoice.is_reverse_charge else ZERO
    recoverable = vat + self_assessed
    cost, deductible = (net, recoverable) if category.vat_deductible else (net + recoverable, ZERO)
    label = f"{invoice.supplier_name} {invoice.number}"[:200]
    side = "credit" if invoice.is_credit_note else "debit"
    other = "debit" if side == "credit" else "credit"
    activity = invoice.activity
    lines = [LineSpec(code=code, activity=activity, label=label, **{side: cost})]
    if deductible:
        account = vat_rules.fixed_asset_vat_account(entity) if asset else None
        lines.append(LineSpec(account=account, activity=activity, label=label, **{side: deductible}) if account
                     else LineSpec(role="vat_deductible", activity=activity, label=label, **{side: deductible}))
    if self_assessed:
        due = vat_rules.due_account(entity, invoice.vat_treatment, invoice.reverse_charge_rate)
        lines.append(LineSpec(account=due, activity=activity, label=label, **{other: self_assessed}))
    lines.append(LineSpec(role="supplier", activity=activity, label=label, **{other: total}))
    return lines


def _post(actor, invoice: SupplierInvoice) -> None:
    if invoice.vat_treatment_pending:
        raise ValidationError({"vat_treatment": _("This invoice looks like a reverse charge (%(why)s): an "
                                                  "accountant confirms how its VAT is booked first.")
                               % {"why": vat_rules.hints_text(invoice) or "—"}})
    ensure_chart(invoice.entity)
    invoice.due_date = _due(invoice)
    title = (_("Supplier credit note %(number)s — %(supplier)s") if invoice.is_credit_note
             else _("Supplier invoice %(number)s — %(supplier)s"))
    invoice.entry = post_entry(
        actor=actor, entity=invoice.entity,
        journal_code=charts.journal_code(invoice.entity.jurisdiction, "purchases"),
        date=timezone.localdate(), label=(title % {"number": invoice.number, "supplier": invoice.supplier_name})[:200],
        lines=entry_lines(invoice), source=invoice)
    invoice.state = S.APPROVED
    invoice.approved_at, invoice.approved_by = timezone.now(), actor
    invoice_booked.send(sender=SupplierInvoice, invoice=invoice, actor=actor)


def needs_second_approval(invoice: SupplierInvoice) -> bool:
    return (invoice.tax_inclusive or ZERO) > settings_for(invoice.entity).second_approval_above


@transaction.atomic
def approve(*, actor, invoice: SupplierInvoice) -> SupplierInvoice:
    """The member's approval (a draft or refused invoice), or the second one (awaiting approval)."""
    invoice = _lock(invoice)
    if invoice.state == S.TO_APPROVE:
        require(actor, "purchases.review_invoice", invoice)
        _post(actor, invoice)
        invoice.save()
        _audit(actor=actor, invoice=invoice, action="approved",
               message=gettext_noop("Invoice %(number)s of %(supplier)s approved by the second person and "
                                    "booked: %(amount)s €."))
        return invoice
    require(actor, "purchases.approve_as_member", invoice)
    if invoice.state not in EDITABLE_STATES and not invoice.is_rejected:
        raise _state_error(invoice, _("there is nothing to approve."))
    errors = _missing(invoice)
    if errors:
        raise ValidationError(errors)
    invoice.member_approved_by, invoice.member_approved_at = actor, timezone.now()
    invoice.refusal_reason = ""
    vat_rules.refresh_suggestion(invoice)
    if invoice.vat_treatment_pending and not actor.has_perm("purchases.set_vat_treatment", invoice):
        invoice.state = S.TO_APPROVE
        invoice.due_date = _due(invoice)
        invoice.save()
        _audit(actor=actor, invoice=invoice, action="member_approved", params={"why": vat_rules.hints_text(invoice)},
               message=gettext_noop("Invoice %(number)s of %(supplier)s (%(amount)s €) approved by the member; "
                                    "it looks like a reverse charge (%(why)s): an accountant confirms its VAT."))
        return invoice
    if needs_second_approval(invoice):
        invoice.state = S.TO_APPROVE
        invoice.due_date = _due(invoice)
        invoice.save()
        _audit(actor=actor, invoice=invoice, action="member_approved",
               # "total" (the threshold) is shown through the reader's locale, as "amount" is
               params={"total": str(settings_for(invoice.entity).second_approval_above)},
               message=gettext_noop("Invoice %(number)s of %(supplier)s (%(amount)s €) approved by the member; "
                                    "above %(total)s €, an advisor or accountant approves it too."))
        return invoice
    _post(actor, invoice)
    invoice.save()
    _audit(actor=actor, invoice=invoice, action="approved",
           message=gettext_noop("Invoice %(number)s of %(supplier)s approved and booked: %(amount)s €."))
    return invoice


@transaction.atomic
def refuse(*, actor, invoice: SupplierInvoice, reason: str) -> SupplierInvoice:
    invoice = _lock(invoice)
    require(actor, "purchases.review_invoice", invoice)
    if invoice.state not in (S.TO_APPROVE, S.DRAFT):
        raise _state_error(invoice, _("only an invoice waiting for approval can be refused."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tell the member why, in a sentence they can act on.")})
    invoice.state, invoice.refusal_reason = S.REFUSED, reason[:2000]
    invoice.refused_at, invoice.refused_by = timezone.now(), actor
    invoice.member_approved_at = invoice.member_approved_by = None
    invoice.save()
    _audit(actor=actor, invoice=invoice, action="refused", params={"reason": reason[:300]},
           message=gettext_noop("Invoice %(number)s of %(supplier)s refused: %(reason)s"))
    return invoice


@transaction.atomic
def cancel(*, actor, invoice: SupplierInvoice, reason: str = "") -> SupplierInvoice:
    """Drop an invoice not paid yet. Before posting: the member (or staff); once posted: the
    bookkeeping staff, and its entry is reversed. The file and the history stay."""
    invoice = _lock(invoice)
    posted = invoice.entry_id is not None and invoice.state in (S.APPROVED, S.IN_BATCH)
    if posted:
        require(actor, "purchases.pay_invoice", invoice.entity)
        if invoice.status == S.IN_BATCH:
            raise _state_error(invoice, _("remove it from its payment batch first."))
    elif invoice.state in (S.DRAFT, S.TO_APPROVE, S.REFUSED, S.REJECTED):
        require(actor, "purchases.cancel_invoice", invoice)
    else:
        raise _state_error(invoice, _("it can no longer be cancelled."))
    reason = (reason or "").strip()
    if posted:
        if len(reason) < 5:
            raise ValidationError({"reason": _("Say why this booked invoice is cancelled.")})
        if invoice.is_credit_note and SupplierCreditUse.counting().filter(credit_note=invoice).exists():
            raise _state_error(invoice, _("it was deducted from a payment to the supplier."))
        reverse_entry(actor=actor, entry=invoice.entry, date=timezone.localdate(),
                      label=(_("Cancelled: %(label)s") % {"label": invoice.entry.label})[:200])
        invoice_cancelled.send(sender=SupplierInvoice, invoice=invoice, actor=actor)
    invoice.state, invoice.cancel_reason = S.CANCELLED, reason[:2000]
    invoice.save()
    _audit(actor=actor, invoice=invoice, action="cancelled", params={"reason": reason[:300] or "—"},
           message=gettext_noop("Invoice %(number)s of %(supplier)s cancelled and its booking reversed: %(reason)s")
           if posted else gettext_noop("Invoice %(number)s of %(supplier)s cancelled: %(reason)s"))
    return invoice


def link_supplier(invoice: SupplierInvoice, *, actor=None) -> None:
    """On receiving an e-invoice: its supplier found again (or added) and its usual category."""
    supplier = suppliers.from_invoice(invoice, actor=actor)
    if supplier is not None:
        invoice.supplier = supplier
        invoice.category = invoice.category or supplier.category
    vat_rules.refresh_suggestion(invoice)
    invoice.save(update_fields=["supplier", "category", "vat_treatment_suggested", "vat_treatment_hints",
                                "updated_at"])
