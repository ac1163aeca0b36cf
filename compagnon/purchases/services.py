"""Every state change of supplier invoices. Keyword-only; permission checked again here
(``require``); written in one transaction and audited.

Receiving a file: it is read and checked against the official rule sets first (outside the
transaction: the first run of a rule set compiles it), then the activity row is locked, the
duplicate check made and everything written at once. A file that cannot be read is kept all the
same, in a "rejected" supplier invoice saying why; a file already received by the activity is
refused and nothing is written.
"""

from __future__ import annotations

import hashlib
import mimetypes
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.einvoice import parse, validation
from compagnon.members.models import Activity

from .models import (
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceState,
    SupplierInvoiceVat,
    Syntax,
)

MAX_UPLOAD_BYTES = parse.MAX_BYTES
CHANGE_PERM = "members.change_activity"


def may_receive(user, activity: Activity) -> bool:
    """Who may add supplier invoices to an activity: its holders and the entity's administrators
    (the ``members.change_activity`` rule)."""
    return bool(user and user.is_authenticated and user.has_perm(CHANGE_PERM, activity))


def upload_supplier_invoice(*, actor, activity: Activity, uploaded_file) -> SupplierInvoice:
    """Receive a file uploaded through a page or the API (an ``UploadedFile``)."""
    require(actor, CHANGE_PERM, activity)
    if uploaded_file is None or not getattr(uploaded_file, "size", 0):
        raise ValidationError(
            {"file": _("Choose a file: a UBL or CII XML invoice, or a Factur-X PDF.")},
            code="required",
        )
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(max)s MB.")
                % {
                    "size": f"{uploaded_file.size / 1048576:.1f}",
                    "max": MAX_UPLOAD_BYTES // 1048576,
                }
            },
            code="too_big",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    return receive_supplier_invoice(
        actor=actor, activity=activity, data=data, filename=uploaded_file.name or ""
    )


def receive_supplier_invoice(
    *, actor, activity: Activity, data: bytes, filename: str
) -> SupplierInvoice:
    """Receive an e-invoice file (UBL, CII or Factur-X PDF) for ``activity``.

    Returns the new supplier invoice: a draft with what was read and the validation report, or a
    rejected one (file kept, ``error`` and ``error_line`` naming the problem). Raises
    ``ValidationError`` on ``file`` when the activity already received this very file.
    """
    require(actor, CHANGE_PERM, activity)
    if not data:
        raise ValidationError({"file": _("The file is empty.")}, code="required")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the limit is %(max)s MB.")
                % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_UPLOAD_BYTES // 1048576}
            },
            code="too_big",
        )
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "invoice"
    digest = hashlib.sha256(data).hexdigest()
    _refuse_duplicate(activity, digest)  # early, before the costly checks; again under lock
    invoice = SupplierInvoice(
        activity=activity,
        entity_id=activity.entity_id,
        original_name=name,
        file_size=len(data),
        sha256=digest,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    parsed = None
    try:
        parsed = parse.parse(data, name)
    except parse.ParseError as exc:
        invoice.state = SupplierInvoiceState.REJECTED
        invoice.error = exc.message
        invoice.error_line = exc.line
    else:
        invoice.validation_report, invoice.validation_passed = _validate(parsed)
    if parsed is not None:
        _fill(invoice, parsed)
    stored: list = []  # files written to storage, removed again if the transaction fails
    try:
        return _store(actor, invoice, data, parsed, stored)
    except IntegrityError:
        _remove(stored)
        # Two uploads of the same file at the same moment: the other one won.
        _refuse_duplicate(activity, digest)
        raise
    except Exception:
        _remove(stored)
        raise


def _remove(files) -> None:
    for f in files:
        f.storage.delete(f.name)


@transaction.atomic
def _store(actor, invoice: SupplierInvoice, data: bytes, parsed, stored: list) -> SupplierInvoice:
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("entity")
        .get(pk=invoice.activity_id)
    )
    require(actor, CHANGE_PERM, activity)
    _refuse_duplicate(activity, invoice.sha256)
    invoice.activity = activity
    invoice.file.save(invoice.original_name, ContentFile(data), save=False)
    stored.append(invoice.file)
    invoice.save()
    if parsed is not None:
        _save_children(invoice, parsed, stored)
        from .workflow import link_supplier

        link_supplier(invoice, actor=actor)
    if invoice.is_rejected:
        record(
            actor=actor,
            action="supplier_invoice.rejected",
            obj=invoice,
            # The reason stays on the invoice: it is written in the uploader's language.
            message=gettext_noop("File %(file)s received but not readable as an e-invoice"),
            params={"file": invoice.original_name},
            activity=activity,
            entity=activity.entity,
        )
    else:
        record(
            actor=actor,
            action="supplier_invoice.received",
            obj=invoice,
            message=gettext_noop(
                "Supplier invoice %(number)s from %(supplier)s received (%(file)s)"
            ),
            params={
                "number": invoice.number,
                "supplier": invoice.supplier_name,
                "file": invoice.original_name,
            },
            activity=activity,
            entity=activity.entity,
        )
    return invoice


def _validate(parsed: parse.ParsedInvoice) -> tuple[dict, bool]:
    """The report of the official rule sets. When they cannot run (not installed, or the
    processor failed) the invoice is still kept, with the reason in place of the report."""
    from saxonche import PySaxonApiError

    try:
        report = validation.validate(parsed.xml, parse.rule_sets_for(parsed))
    except (validation.RulesUnavailable, PySaxonApiError) as exc:
        return {"error": str(exc)[:500], "passed": False, "fired": []}, False
    return report.as_dict(), report.passed


def _refuse_duplicate(activity: Activity, digest: str) -> None:
    first = (
        SupplierInvoice.objects.filter(activity_id=activity.pk, sha256=digest)
        .select_related("created_by")
        .first()
    )
    if first is None:
        return
    when = formats.date_format(first.created_at, "SHORT_DATE_FORMAT")
    if not first.number and not first.is_rejected:
        message = _(
            "This file was already added to this activity on %(date)s (%(file)s). It is not added twice."
        ) % {"date": when, "file": first.original_name}
    elif first.is_rejected:
        message = _(
            "This file was already uploaded to this activity on %(date)s (%(file)s) and could "
            "not be read then either."
        ) % {"date": when, "file": first.original_name}
    else:
        message = _(
            "This file was already received on %(date)s: invoice %(number)s from %(supplier)s "
            "(%(file)s). It is not added twice."
        ) % {
            "date": when,
            "number": first.number,
            "supplier": first.supplier_name,
            "file": first.original_name,
        }
    raise ValidationError({"file": message}, code="duplicate")


# --- copying what was read ----------------------------------------------------------------------


def _fit(model, field: str, value):
    """``value`` shaped for the column: text cut to its length, decimals rounded to its places
    (the rule sets report anything an invoice should not carry; the column must still take it)."""
    f = model._meta.get_field(field)
    if value is None:
        return "" if isinstance(f, models.CharField | models.TextField) else None
    if isinstance(f, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places), rounding=ROUND_HALF_UP)
    if isinstance(f, models.CharField):
        return str(value)[: f.max_length]
    return value


def _set(obj, **values) -> None:
    for name, value in values.items():
        setattr(obj, name, _fit(type(obj), name, value))


def _fill(invoice: SupplierInvoice, p: parse.ParsedInvoice) -> None:
    s, b, t = p.supplier, p.buyer, p.totals
    _set(
        invoice,
        kind=p.document_type,
        syntax=Syntax.FACTUR_X if p.is_factur_x else p.syntax,
        type_code=p.type_code,
        customization_id=p.customization_id,
        number=p.number,
        issue_date=p.issue_date,
        due_date=p.due_date,
        currency=p.currency,
        supplier_name=s.name,
        supplier_trading_name=s.trading_name,
        supplier_vat_id=s.vat_id,
        supplier_company_id=s.company_id,
        supplier_company_id_scheme=s.company_id_scheme,
        supplier_endpoint=s.endpoint,
        supplier_endpoint_scheme=s.endpoint_scheme,
        supplier_street=s.street,
        supplier_additional_street=s.additional_street,
        supplier_postcode=s.postcode,
        supplier_city=s.city,
        supplier_country=s.country,
        supplier_iban=s.iban,
        supplier_bic=s.bic,
        buyer_name=b.name,
        buyer_vat_id=b.vat_id,
        buyer_company_id=b.company_id,
        buyer_reference=p.buyer_reference,
        order_reference=p.order_reference,
        preceding_invoice=p.preceding_invoice,
        payment_reference=p.payment_reference,
        payment_means_code=p.payment_means_code,
        payment_terms=p.payment_terms,
        notes="\n".join(p.notes),
        line_total=t.line_total,
        allowance_total=t.allowance_total,
        charge_total=t.charge_total,
        tax_exclusive=t.tax_exclusive,
        tax_total=t.tax_total,
        tax_inclusive=t.tax_inclusive,
        prepaid=t.prepaid,
        rounding=t.rounding,
        payable=t.payable,
    )


def _save_children(invoice: SupplierInvoice, p: parse.ParsedInvoice, stored: list) -> None:
    lines = []
    for position, line in enumerate(p.lines, start=1):
        obj = SupplierInvoiceLine(invoice=invoice, position=position)
        _set(
            obj,
            line_id=line.line_id,
            description=line.description,
            detail=line.detail,
            quantity=line.quantity,
            unit_code=line.unit_code,
            unit_price=line.unit_price,
            base_quantity=line.base_quantity,
            net_amount=line.net_amount,
            vat_category=line.vat_category,
            vat_rate=line.vat_rate,
        )
        lines.append(obj)
    SupplierInvoiceLine.objects.bulk_create(lines)
    vat = []
    for position, row in enumerate(p.vat, start=1):
        obj = SupplierInvoiceVat(invoice=invoice, position=position)
        _set(
            obj,
            category=row.category,
            rate=row.rate,
            taxable_amount=row.taxable_amount,
            tax_amount=row.tax_amount,
            exemption_reason=row.exemption_reason,
            exemption_code=row.exemption_code,
        )
        vat.append(obj)
    SupplierInvoiceVat.objects.bulk_create(vat)
    for position, att in enumerate(p.attachments, start=1):
        obj = SupplierInvoiceAttachment(invoice=invoice, position=position)
        filename = att.filename or _default_name(att, position)
        _set(
            obj,
            document_id=att.document_id,
            description=att.description,
            filename=filename,
            mime_type=att.mime_type,
            uri=att.uri,
        )
        if att.content is not None:
            obj.size = len(att.content)
            obj.file.save(filename, ContentFile(att.content), save=False)
            stored.append(obj.file)
        obj.save()


def _default_name(att: parse.Attachment, position: int) -> str:
    if att.content is None:
        return ""
    extension = mimetypes.guess_extension(att.mime_type or "") or ".bin"
    return f"{att.document_id or f'attachment-{position}'}{extension}"
