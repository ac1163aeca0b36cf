"""Every state change of quotes, invoices and credit notes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import jurisdictions
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.jurisdictions.base import BUYER_VAT_REQUIRED, NOT_SUBJECT_MIXED, ZERO_RATE_CATEGORIES

from . import accounting, payment, steps
from .calculation import money
from .catalogue import CATALOGUE_FIELDS, save_catalogue_item, set_catalogue_item_active  # noqa: F401
from .credit_rules import credit_ceiling_problems
from .freeze import snapshot
from .models import (
    CHARGE_REASON_REQUIRED,
    QUOTE_TRANSITIONS,
    SERIES,
    Document,
    DocumentCounter,
    DocumentLine,
    Kind,
    LineKind,
    PaymentState,
    State,
    VatBreakdown,
)

DRAFT_FIELDS = [
    "title",
    "intro",
    "closing",
    "terms",
    "buyer_reference",
    "order_reference",
    "language",
    "valid_until",
    "discount_percent",
    "discount_amount",
    "charge_amount",
    "charge_reason",
    "exemption_code",
]
LINE_FIELDS = [
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_category",
    "vat_rate",
]
QUOTE_VALIDITY_DAYS = 30


def _audit(actor, document, action, message, **params):
    record(
        actor=actor,
        action=f"document.{action}",
        obj=document,
        activity=document.activity,
        entity=document.entity,
        message=message,
        params={"document": str(document), **params},
    )


def _lock(document) -> Document:
    """Lock the document's own row, nothing else.

    ``of=("self",)``: without it PostgreSQL also locks every joined row — the activity, the client
    and the entity, which every member of the cooperative shares — so every autosave and issue of
    the whole cooperative would queue behind each other, and two could deadlock. Lock order in
    every service: the document first, then the counters (see ``_next_number``).
    """
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("activity", "entity", "client")
        .get(pk=document.pk)
    )


def _locked(document) -> Document:
    """``document`` as the caller read it with :func:`_lock`, inside the transaction it still holds."""
    from django.db import connection

    if not connection.in_atomic_block:
        raise RuntimeError("locked=True outside the transaction that locked the document")
    return document


def _require_draft(document):
    if not document.is_draft:
        raise ValidationError(
            _("%(document)s is issued: it can no longer be changed. Correct it with a credit note.")
            % {"document": document}
        )


# --- drafts ---------------------------------------------------------------------------------


@transaction.atomic
def create_document_once(*, actor, activity, client, kind: str, client_key) -> tuple[Document, bool]:
    """A new draft asked for by a phone that may send the same request again (offline queue).

    ``client_key`` is chosen by the phone: the first request creates the draft, any later one (or
    one racing it) answers that same draft. Returns the draft and whether it already existed."""
    earlier = Document.objects.filter(created_by=actor, client_key=client_key).first()
    if earlier is not None:
        return earlier, True
    try:
        with transaction.atomic():
            return create_document(
                actor=actor, activity=activity, client=client, kind=kind, client_key=client_key
            ), False
    except IntegrityError:  # the same request at the same moment: the other one made it
        return Document.objects.get(created_by=actor, client_key=client_key), True


def create_document(
    *, actor, activity, client, kind: str, lines: list[dict] | None = None, **fields
) -> Document:
    """A new draft for ``client`` of ``activity``. Lines may be given now or saved later."""
    require(actor, "members.work_in_activity", activity)
    if client.activity_id != activity.pk:
        raise ValidationError({"client": _("This client belongs to another activity.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    entity = activity.entity
    rules = jurisdictions.get(entity.jurisdiction)
    document = Document(
        entity=entity,
        activity=activity,
        client=client,
        kind=kind,
        series=SERIES[Kind(kind)],
        language=fields.pop("language", None) or client.language or activity.document_language,
        created_by=actor,
    )
    if kind == Kind.QUOTE:
        document.valid_until = timezone.localdate() + datetime.timedelta(days=QUOTE_VALIDITY_DAYS)
    for k, v in fields.items():
        if k not in DRAFT_FIELDS + ["quote", "credited", "deposit_percent", "prepaid", "client_key"]:
            raise ValueError(f"not a draft field: {k}")
        setattr(document, k, v)
    if not document.exemption_code:
        document.exemption_code = ""
    document.full_clean(exclude=["series"])
    document.save()
    _save_lines(document, lines or [], rules)
    _audit(
        actor,
        document,
        "created",
        gettext_noop("Draft %(document)s created for %(client)s"),
        client=client.name,
    )
    return document


def _clean_lines(lines: list[dict], rules) -> list[DocumentLine]:
    """Validate line dicts; errors name the line number and the field."""
    out, errors = [], []
    for i, data in enumerate(lines, start=1):
        line = DocumentLine(position=i, **{k: v for k, v in data.items() if k in LINE_FIELDS})
        if line.kind != LineKind.ITEM:
            line.quantity, line.unit_price, line.vat_rate, line.discount_percent = (
                Decimal("0"),
                Decimal("0"),
                Decimal("0"),
                Decimal("0"),
            )
        elif line.vat_category in ZERO_RATE_CATEGORIES and line.vat_rate != 0:
            errors.append(
                _("Line %(n)s: the VAT rate must be 0 for category %(cat)s.")
                % {"n": i, "cat": line.vat_category}
            )
        elif line.vat_category == "S" and line.vat_rate <= 0:
            errors.append(
                _("Line %(n)s: a standard-rated line needs a VAT rate above 0.") % {"n": i}
            )
        if not (line.description or "").strip():
            errors.append(_("Line %(n)s: the description is empty.") % {"n": i})
        if line.kind == LineKind.ITEM and line.quantity == 0:
            errors.append(_("Line %(n)s: the quantity cannot be 0.") % {"n": i})
        try:
            line.full_clean(exclude=["document", "description"])
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors += [
                    _("Line %(n)s, %(field)s: %(message)s") % {"n": i, "field": field, "message": m}
                    for m in msgs
                ]
        out.append(line)
    if errors:
        raise ValidationError({"lines": errors})
    return out


def _write_lines(document, lines: list[dict], rules=None):
    """Replace the document's lines; returns their totals (not stored yet)."""
    rules = rules or jurisdictions.get(document.entity.jurisdiction)
    objects = _clean_lines(lines, rules)
    document.lines.all().delete()
    totals = document.compute_totals(objects)
    nets = iter(totals.line_nets)
    for line in objects:
        line.document = document
        if line.kind == LineKind.ITEM:
            line.net_amount = next(nets)
    DocumentLine.objects.bulk_create(objects)
    return totals


def _save_lines(document, lines: list[dict], rules=None) -> None:
    totals = _write_lines(document, lines, rules)
    _refuse_negative(document, totals)
    _store_totals(document, totals)


def _amount(value) -> str:
    return f"{value:.2f}"


def _refuse_negative(document, totals) -> None:
    """An invoice, deposit invoice or credit note never totals below zero.

    Money owed back to a client is a credit note on the invoice it corrects, never a negative
    invoice (which would be booked as a credit to the client, shown as paid and never refunded).
    A total of exactly zero is legal (a free service, a full discount). Lines may be negative (a
    discount line), as long as the document's totals are not. Quotes are left free: they are never
    booked, and invoicing one runs this check.
    """
    if not document.is_legal:
        return
    credit_note = document.kind == Kind.CREDIT_NOTE
    if totals.line_total < 0 or (totals.tax_exclusive >= 0 and totals.tax_inclusive < 0):
        total = totals.line_total if totals.line_total < 0 else totals.tax_inclusive
        if credit_note:
            message = _(
                "The lines add up to %(total)s €, below zero: a credit note cannot be negative. "
                "To charge the client more, make an invoice."
            )
        else:
            message = _(
                "The lines add up to %(total)s €, below zero: an invoice cannot be negative. "
                "To give money back to a client, make a credit note on the invoice it corrects."
            )
        raise ValidationError({"lines": message % {"total": _amount(total)}})
    if totals.tax_exclusive < 0:
        raise ValidationError({"discount_amount": _(
            "The discount (%(discount)s €) is larger than the lines (%(lines)s €): the total cannot be below "
            "zero. Lower the discount; a total of 0 (everything offered) is fine."
        ) % {"discount": _amount(totals.allowance_total), "lines": _amount(totals.line_total + totals.charge_total)}})
    if totals.payable < 0:
        raise ValidationError({"prepaid": _(
            "The deposits already invoiced (%(prepaid)s €) are more than this invoice's total (%(total)s €): "
            "it cannot leave a negative amount due. Credit the deposit with a credit note instead."
        ) % {"prepaid": _amount(totals.prepaid), "total": _amount(totals.tax_inclusive)}})


TOTAL_FIELDS = ["line_total", "allowance_total", "charge_total", "tax_exclusive", "tax_total", "tax_inclusive",
                "prepaid", "payable"]


def _set_totals(document, totals) -> None:
    for name in TOTAL_FIELDS:
        setattr(document, name, getattr(totals, name))


def _store_totals(document, totals) -> None:
    _set_totals(document, totals)
    document.save(update_fields=[*TOTAL_FIELDS, "updated_at"])
    _store_vat(document, totals)


def _store_vat(document, totals) -> None:
    document.vat_breakdown.all().delete()
    VatBreakdown.objects.bulk_create(
        [
            VatBreakdown(
                document=document,
                category=c.category,
                rate=c.rate,
                taxable_amount=c.taxable,
                tax_amount=c.tax,
                allowance_amount=c.allowances,
                charge_amount=c.charges,
            )
            for c in totals.categories
        ]
    )


_NOT_DRAFT_FIELDS = [f.name for f in Document._meta.concrete_fields if f.name not in DRAFT_FIELDS]


def save_draft(*, actor, document: Document, lines: list[dict] | None = None, **fields) -> Document:
    """Save what the member typed. Called on every autosave: idempotent, keeps the document a draft."""
    return retry_on_conflict(_save_draft, actor=actor, document=document, lines=lines, **fields)


@transaction.atomic
def _save_draft(*, actor, document: Document, lines: list[dict] | None = None, **fields) -> Document:
    document = _lock(document)
    require(actor, "sales.change_document", document)
    _require_draft(document)
    for k, v in fields.items():
        if k not in DRAFT_FIELDS:
            raise ValueError(f"not a draft field: {k}")
        setattr(document, k, v)
    # Validate what the member can change here. The rest (entity, activity, client, creator, number,
    # references) was just read under the lock and is not changed: checking that the rows behind those
    # keys exist and re-running the unique and check constraints through the database was 8 of the
    # autosave's queries. The discount range is also the field's validators; the database enforces all.
    document.full_clean(exclude=_NOT_DRAFT_FIELDS, validate_constraints=False)
    # the fields typed and the totals they make in one UPDATE (was two on every autosave)
    totals = _write_lines(document, lines) if lines is not None else document.compute_totals()
    _refuse_negative(document, totals)
    _set_totals(document, totals)
    document.save()
    _store_vat(document, totals)
    return document


@transaction.atomic
def duplicate_document(*, actor, document: Document, kind: str | None = None) -> Document:
    """A new draft with the same client, texts and lines (e.g. last month's invoice)."""
    require(actor, "members.work_in_activity", document.activity)
    lines = [{f: getattr(line, f) for f in LINE_FIELDS} for line in document.lines.all()]
    copy = create_document(
        actor=actor,
        activity=document.activity,
        client=document.client,
        kind=kind
        or (Kind.INVOICE if document.kind in (Kind.DEPOSIT, Kind.CREDIT_NOTE) else document.kind),
        lines=lines,
        **{f: getattr(document, f) for f in DRAFT_FIELDS if f != "valid_until"},
    )
    _audit(
        actor,
        copy,
        "duplicated",
        gettext_noop("%(document)s duplicated from %(source)s"),
        source=str(document),
    )
    return copy


@transaction.atomic
def delete_draft(*, actor, document: Document) -> None:
    document = _lock(document)
    require(actor, "sales.change_document", document)
    _require_draft(document)
    _audit(actor, document, "deleted", gettext_noop("Draft %(document)s deleted"))
    document.delete()


# --- numbering and issuing --------------------------------------------------------------------


def _next_number(document: Document, today: datetime.date) -> None:
    """Take the next number of the series from the locked counter row (gap-free, in issue order).

    The counter row is locked until the transaction commits, so concurrent issues queue up; the
    unique constraint on (entity, series, year, sequence) is the backstop.
    """
    counter, _created = DocumentCounter.objects.get_or_create(
        entity_id=document.entity_id, series=document.series, year=today.year
    )
    counter = DocumentCounter.objects.select_for_update(of=("self",)).get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    document.year, document.sequence = today.year, counter.last
    document.number = document.entity.number_pattern(document.series).format(
        year=today.year, seq=counter.last
    )


def payment_reference_prefix(entity) -> int:
    """The entity's prefix in its payment references (see sales/payment.py): its rank among the
    entities of its jurisdiction, by creation (1 for the first). An entity with documents is never
    deleted (PROTECT), so ranks of entities that issued stay put; the unique constraint on
    ``Document.payment_reference`` is the backstop."""
    from compagnon.organisation.models import Entity

    prefix = Entity.objects.filter(jurisdiction=entity.jurisdiction, pk__lt=entity.pk).count() + 1
    if entity.jurisdiction == "BE" and prefix > payment.MAX_STRUCTURED_PREFIX:
        raise ValidationError(_(
            "Structured communications can tell apart ten Belgian entities at most, and this entity would "
            "be number %(n)s: ask the platform's administrators to set up its payment references."
        ) % {"n": prefix})
    return prefix


def _check_issuable(document: Document, lines: list[DocumentLine]) -> None:
    errors = {}
    client = document.client
    if not [line for line in lines if line.kind == LineKind.ITEM]:
        errors["lines"] = _("Add at least one line with a quantity and a price before issuing.")
    if not (client.street and client.postcode and client.city):
        errors["client"] = _(
            "The client's address is incomplete (street, postcode and city are required on an invoice)."
        )
    if document.charge_amount and not document.charge_reason.strip():
        errors["charge_reason"] = CHARGE_REASON_REQUIRED
    categories = {line.vat_category for line in lines if line.kind == LineKind.ITEM}
    if categories & BUYER_VAT_REQUIRED:
        vat = (client.vat_number or "").replace(" ", "")
        from stdnum.eu import vat as eu_vat

        if not vat or not eu_vat.is_valid(vat):
            errors["client"] = _(
                "Reverse charge and intra-EU supplies need the client's valid VAT number (e.g. BE0403019261)."
            )
    line_errors = []
    if "O" in categories and len(categories) > 1:
        line_errors.append(str(NOT_SUBJECT_MIXED))
    totals = document.compute_totals(lines)
    try:
        _refuse_negative(document, totals)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field == "lines":
                line_errors += messages
            else:
                errors[field] = messages
    if document.kind == Kind.CREDIT_NOTE:
        credited = document.credited
        if (
            credited is None
            or credited.state != State.ISSUED
            or credited.kind not in (Kind.INVOICE, Kind.DEPOSIT)
        ):
            errors["credited"] = _("A credit note must refer to an issued invoice.")
        else:
            line_errors += credit_ceiling_problems(document, lines, totals)
    if line_errors:
        errors["lines"] = line_errors + ([errors["lines"]] if "lines" in errors else [])
    if errors:
        raise ValidationError(errors)


def issue_document(*, actor, document: Document, locked: bool = False) -> Document:
    """Issue an invoice, deposit invoice or credit note: number, freeze, book. One transaction.

    What later contexts add (the e-invoice check, applying a credit note…) runs through
    :mod:`compagnon.sales.steps`; their preparations (compiling rule sets) run first, before any
    lock is taken, so that no other issue of the entity waits for them. ``locked``: the caller
    read ``document`` with :func:`_lock` in the transaction it is in (the send page's one step),
    so the row is not read a second time.
    """
    steps.prepare_issue(document)
    return retry_on_conflict(_issue, actor=actor, document=document, locked=locked)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back as a
# whole, so running it again is safe. The lock order above makes them not happen by design; the
# retry is a guard, bounded, and only when this call owns the transaction.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
RETRY_ATTEMPTS = 3


def retry_on_conflict(fn, **kwargs):
    from django.db import OperationalError, connection

    attempts = 1 if connection.in_atomic_block else RETRY_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return fn(**kwargs)
        except OperationalError as exc:
            code = getattr(exc.__cause__, "sqlstate", None) or getattr(exc.__cause__, "pgcode", None)
            if code not in RETRYABLE_SQLSTATES or attempt == attempts:
                raise


@transaction.atomic
def _issue(*, actor, document: Document, locked: bool = False) -> Document:
    document = _locked(document) if locked else _lock(document)
    require(actor, "sales.change_document", document)
    _require_draft(document)
    if not document.is_legal:
        raise ValidationError(_("A quote is sent, not issued."))
    lines = list(document.lines.all())
    _check_issuable(document, lines)
    today = timezone.localdate()
    _next_number(document, today)
    document.issue_date = today
    if document.kind in (Kind.INVOICE, Kind.DEPOSIT):
        document.payment_reference = payment.reference_for(
            document.entity.jurisdiction, document.year, document.sequence,
            prefix=payment_reference_prefix(document.entity))[1]
    if document.kind != Kind.CREDIT_NOTE:
        terms = document.client.payment_terms_days
        terms = document.activity.payment_terms_days if terms is None else terms
        document.due_date = today + datetime.timedelta(days=terms)
    totals = document.compute_totals(lines)
    document.state = State.ISSUED
    document.issued_at = timezone.now()
    document.frozen = snapshot(document, lines=lines, totals=totals)
    document.pdf_requested_at = timezone.now()
    document.save()
    # registered steps (the e-invoice must pass the official rules, or nothing is issued: the
    # transaction rolls back, the number included; its validation report is kept with the document)
    steps.run_issue_steps(document, actor=actor, lines=lines, totals=totals)
    _store_totals(document, totals)
    if document.kind in (Kind.INVOICE, Kind.DEPOSIT):
        document.payment_state = PaymentState.AWAITING if document.payable > 0 else PaymentState.PAID
        document.save(update_fields=["payment_state"])
    accounting.post_document(actor=actor, document=document)
    # registered steps after booking (payments: a credit note settles what is unpaid on its invoice)
    steps.run_on_issued(document, actor=actor)
    if document.quote_id:
        _refresh_quote_invoicing(document.quote)
    _audit(
        actor,
        document,
        "issued",
        gettext_noop("%(document)s issued, total %(total)s EUR"),
        total=str(document.tax_inclusive),
    )
    from .tasks import render_document_pdf

    transaction.on_commit(lambda: render_document_pdf.enqueue(document_id=document.pk))
    return document


# --- quotes -----------------------------------------------------------------------------------


@transaction.atomic
def change_quote_state(*, actor, document: Document, to_state: str, note: str = "") -> Document:
    document = _lock(document)
    require(actor, "sales.change_document", document)
    if not document.is_quote:
        raise ValidationError(_("Only quotes move through these steps."))
    if to_state not in QUOTE_TRANSITIONS[State(document.state)]:
        raise ValidationError(
            {
                "state": _("A quote that is %(current)s cannot become %(target)s.")
                % {
                    "current": document.get_state_display(),
                    "target": State(to_state).label if to_state in State.values else to_state,
                }
            }
        )
    if to_state == State.SENT:
        lines = list(document.lines.all())
        if not [line for line in lines if line.kind == LineKind.ITEM]:
            raise ValidationError(
                {"lines": _("Add at least one line with a quantity and a price before sending.")}
            )
        if not document.number:
            _next_number(document, timezone.localdate())
            document.issue_date = timezone.localdate()
        document.frozen = snapshot(document, lines=lines)
        document.sent_at = timezone.now()
        document.pdf_requested_at = timezone.now()
        if document.pdf:  # sent again after expiry: the archived PDF must match the new content
            document.pdf.delete(save=False)
            document.pdf, document.pdf_sha256 = "", ""
    if to_state in (State.ACCEPTED, State.REFUSED):
        document.decided_at = timezone.now()
    previous = document.state
    document.state = to_state
    document.save()
    _audit(
        actor,
        document,
        "state_changed",
        gettext_noop("%(document)s: %(from)s → %(to)s"),
        **{"from": State(previous).label, "to": State(to_state).label},
    )
    if to_state == State.SENT:
        from .tasks import render_document_pdf

        transaction.on_commit(lambda: render_document_pdf.enqueue(document_id=document.pk))
    return document


def _refresh_quote_invoicing(quote: Document) -> None:
    quote = Document.objects.select_for_update(of=("self",)).get(pk=quote.pk)
    invoiced = sum(
        (d.tax_exclusive for d in quote.invoices.filter(state=State.ISSUED, kind=Kind.INVOICE)),
        Decimal("0"),
    )
    deposits = sum(
        (d.tax_exclusive for d in quote.invoices.filter(state=State.ISSUED, kind=Kind.DEPOSIT)),
        Decimal("0"),
    )
    finals = quote.invoices.filter(state=State.ISSUED, kind=Kind.INVOICE, prepaid__gt=0).exists()
    if finals or invoiced >= quote.tax_exclusive:
        quote.state = State.INVOICED
    elif invoiced or deposits:
        quote.state = State.PARTIALLY_INVOICED
    quote.save(update_fields=["state", "updated_at"])


def _quote_for_invoicing(quote: Document) -> None:
    if not quote.is_quote or quote.state not in (
        State.ACCEPTED,
        State.IN_PRODUCTION,
        State.PARTIALLY_INVOICED,
    ):
        raise ValidationError(_("Only an accepted quote can be invoiced."))


@transaction.atomic
def invoice_from_quote(
    *,
    actor,
    quote: Document,
    mode: str = "final",
    percent: Decimal | None = None,
    amount: Decimal | None = None,
) -> Document:
    """Turn a quote into an invoice draft.

    ``mode``: ``final`` (every line, deducting the deposits already invoiced), ``deposit`` (a
    percentage or an amount excl. VAT, split over the quote's VAT rates) or ``partial`` (a
    percentage of every line).
    """
    quote = _lock(quote)
    require(actor, "sales.change_document", quote)
    _quote_for_invoicing(quote)
    common = {
        "title": quote.title,
        "buyer_reference": quote.buyer_reference,
        "order_reference": quote.order_reference,
        "language": quote.language,
        "exemption_code": quote.exemption_code,
        "terms": quote.terms,
    }
    quote_lines = list(quote.lines.all())
    if mode == "final":
        deposits = quote.invoices.filter(kind=Kind.DEPOSIT, state=State.ISSUED)
        prepaid = sum((d.tax_inclusive for d in deposits), Decimal("0"))
        lines = [{f: getattr(line, f) for f in LINE_FIELDS} for line in quote_lines]
        doc = create_document(
            actor=actor,
            activity=quote.activity,
            client=quote.client,
            kind=Kind.INVOICE,
            lines=lines,
            quote=quote,
            prepaid=prepaid,
            discount_percent=quote.discount_percent,
            discount_amount=quote.discount_amount,
            charge_amount=quote.charge_amount,
            charge_reason=quote.charge_reason,
            **common,
        )
        _store_totals(doc, doc.compute_totals())
        return doc
    totals = quote.compute_totals(quote_lines)
    if mode == "deposit":
        if percent is None and amount is None:
            raise ValidationError({"percent": _("Give a percentage or an amount for the deposit.")})
        base = totals.tax_exclusive
        target = money(base * percent / Decimal(100)) if percent is not None else money(amount)
        if target <= 0 or target > base:
            raise ValidationError(
                {
                    "amount": _(
                        "The deposit must be more than 0 and at most the quote total (%(total)s)."
                    )
                    % {"total": base}
                }
            )
        from .calculation import split_allowance

        shares = split_allowance(
            target, {(c.category, c.rate): c.taxable for c in totals.categories}
        )
        with translation.override(quote.language):  # printed on the client's document
            label = _("Deposit on quote %(number)s") % {"number": quote.number}
            if percent is not None:
                label = _("Deposit of %(percent)s%% on quote %(number)s") % {
                    "percent": format(percent.normalize(), "f"),  # 30, never 3E+1
                    "number": quote.number,
                }
        lines = [
            {
                "kind": LineKind.ITEM,
                "description": label,
                "quantity": Decimal("1"),
                "unit": "LS",
                "unit_price": share,
                "vat_category": cat,
                "vat_rate": rate,
            }
            for (cat, rate), share in sorted(shares.items())
        ]
        return create_document(
            actor=actor,
            activity=quote.activity,
            client=quote.client,
            kind=Kind.DEPOSIT,
            lines=lines,
            quote=quote,
            deposit_percent=percent,
            **common,
        )
    if mode == "partial":
        if percent is None or not (0 < percent < 100):
            raise ValidationError(
                {
                    "percent": _(
                        "A partial invoice covers more than 0%% and less than 100%% of the quote."
                    )
                }
            )
        lines = []
        for line in quote_lines:
            row = {f: getattr(line, f) for f in LINE_FIELDS}
            if line.kind == LineKind.ITEM:
                row["quantity"] = (line.quantity * percent / Decimal(100)).quantize(
                    Decimal("0.001")
                )
            lines.append(row)
        return create_document(
            actor=actor,
            activity=quote.activity,
            client=quote.client,
            kind=Kind.INVOICE,
            lines=lines,
            quote=quote,
            **common,
        )
    raise ValueError(mode)


@transaction.atomic
def credit_note_for(*, actor, invoice: Document, lines: list[dict] | None = None) -> Document:
    """A credit-note draft correcting ``invoice``: all its lines, or the given ones (partial)."""
    invoice = _lock(invoice)
    require(actor, "sales.change_document", invoice)
    if invoice.kind not in (Kind.INVOICE, Kind.DEPOSIT) or invoice.state != State.ISSUED:
        raise ValidationError(_("Only an issued invoice can be credited."))
    full = lines is None
    if full:
        lines = [{f: getattr(line, f) for f in LINE_FIELDS} for line in invoice.lines.all()]
    note = create_document(
        discount_amount=invoice.discount_amount if full else Decimal("0"),
        charge_amount=invoice.charge_amount if full else Decimal("0"),
        charge_reason=invoice.charge_reason if full else "",
        actor=actor,
        activity=invoice.activity,
        client=invoice.client,
        kind=Kind.CREDIT_NOTE,
        lines=lines,
        credited=invoice,
        language=invoice.language,
        exemption_code=invoice.exemption_code,
        discount_percent=invoice.discount_percent,
        buyer_reference=invoice.buyer_reference,
        title=_in(invoice.language, gettext_noop("Credit note for invoice %(number)s")) % {"number": invoice.number},
    )
    # what the invoice's earlier credit notes left (the same check runs again at issue)
    problems = credit_ceiling_problems(note, list(note.lines.all()), note.compute_totals())
    if problems:
        raise ValidationError({"lines": problems})
    return note


def _in(language: str, message: str) -> str:
    """``message`` translated into a document's language (not the member's)."""
    with translation.override(language):
        return _(message)
