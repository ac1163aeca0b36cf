"""Every state change of internal subcontracting: keyword-only, one transaction each, audited.

Asking, answering and withdrawing a subcontract; issuing the internal invoice (by the client
invoice's issue, by the provider's acceptance when the client invoice was already issued, or by
hand when no client document is tied); settling it (client invoice fully paid, prefinanced, or
issued by hand); cancelling it with an internal credit note; the entity's internal rate.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import ActivityStatus
from compagnon.sales.models import Kind, PaymentState, State

from . import accounts, books
from .models import Counter, InternalInvoice, InvoiceKind, Policy, Status, Subcontract

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
PREFINANCED = ("approved", "settled", "covered", "recovered")  # prefinancing.models.BOOKED


def _fmt(amount: Decimal) -> str:
    return f"{amount:.2f}"


# --- the entity's setting -------------------------------------------------------------------------


def policy_for(entity) -> Policy:
    """The entity's setting (unsaved, at 0 %, when never set)."""
    return Policy.objects.filter(entity=entity).first() or Policy(entity=entity, internal_rate=Decimal("0"))


def _rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        rate = Decimal("-1")
    if not rate.is_finite() or rate < 0 or rate > HUNDRED or rate != rate.quantize(CENT):
        raise ValidationError(
            {"internal_rate": _("Enter a rate between 0 and 100, with two decimals at most.")}
        )
    return rate


@transaction.atomic
def save_policy(*, actor, entity, internal_rate) -> Policy:
    require(actor, "subcontracting.manage_policy", entity)
    rate = _rate(internal_rate)
    policy = Policy.objects.select_for_update().filter(entity=entity).first()
    before = policy.internal_rate if policy else Decimal("0")
    if policy is None:
        policy = Policy(entity=entity)
    policy.internal_rate, policy.updated_by = rate, actor
    policy.save()
    if before != rate:
        record(
            actor=actor, action="subcontracting.rate_set", obj=policy, entity=entity,
            message=gettext_noop("Contribution rate on internal invoices set to %(rate)s %%"),
            params={"rate": f"{rate.normalize():f}"},
            before={"internal_rate": _fmt(before)}, after={"internal_rate": _fmt(rate)},
        )
    return policy


# --- asking and answering -------------------------------------------------------------------------


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount, for example 1250.00.")}) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("10000000000"):
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": _("An amount takes at most two decimals.")})
    return amount


def document_fits(document, ordering) -> bool:
    """A client document a subcontract may be tied to: the ordering activity's quote (not refused
    or expired) or invoice still in draft."""
    if document.activity_id != ordering.pk:
        return False
    if document.kind == Kind.QUOTE:
        return document.state not in (State.REFUSED, State.EXPIRED)
    return document.kind == Kind.INVOICE and document.state == State.DRAFT


@transaction.atomic
def ask(*, actor, ordering, provider, description: str, amount, client_document=None) -> Subcontract:
    """A holder of ``ordering`` asks ``provider`` (another open activity of the same entity)."""
    require(actor, "subcontracting.ask", ordering)
    errors = {}
    if provider is None or provider.entity_id != ordering.entity_id or provider.status == ActivityStatus.CLOSED:
        errors["provider"] = _("Choose an open activity of your cooperative.")
    elif provider.pk == ordering.pk:
        errors["provider"] = _("An activity cannot subcontract to itself: choose another activity.")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the work you ask for.")
    if client_document is not None and not document_fits(client_document, ordering):
        errors["client_document"] = _(
            "Tie the work to a quote or to an invoice still in draft of the ordering activity."
        )
    try:
        value = _amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    s = Subcontract.objects.create(
        entity_id=ordering.entity_id, ordering=ordering, provider=provider, description=description[:2000],
        amount=value, client_document=client_document, requested_by=actor,
    )
    record(
        actor=actor, action="subcontracting.asked", obj=s, entity=ordering.entity, activity=ordering,
        message=gettext_noop("%(ordering)s asked %(provider)s for work of %(amount)s excl. VAT"),
        params={"ordering": ordering.name, "provider": provider.name, "amount": _fmt(value)},
    )
    return s


def _locked(subcontract) -> Subcontract:
    return (
        Subcontract.objects.select_for_update(of=("self",))
        .select_related("entity", "ordering", "provider", "client_document")
        .get(pk=subcontract.pk)
    )


def _must_be(s: Subcontract, *states) -> None:
    if s.status not in states:
        raise ValidationError(
            {"status": _("This subcontract is %(status)s: it cannot be changed that way.")
             % {"status": s.get_status_display()}}
        )


def _decide(*, actor, subcontract, to: str, answer: str = "") -> Subcontract:
    s = _locked(subcontract)
    require(actor, "subcontracting.decide", s)
    _must_be(s, Status.PENDING)
    s.status, s.decided_by, s.decided_at, s.answer = to, actor, timezone.now(), (answer or "").strip()[:300]
    s.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    record(
        actor=actor, action=f"subcontracting.{to}", obj=s, entity=s.entity, activity=s.provider,
        message=gettext_noop("%(provider)s accepted the work asked by %(ordering)s")
        if to == Status.ACCEPTED
        else gettext_noop("%(provider)s declined the work asked by %(ordering)s"),
        params={"provider": s.provider.name, "ordering": s.ordering.name},
    )
    return s


@transaction.atomic
def accept(*, actor, subcontract) -> Subcontract:
    """B accepts. When A's client invoice for the job is already issued, B's internal invoice is
    issued at once."""
    s = _decide(actor=actor, subcontract=subcontract, to=Status.ACCEPTED)
    invoice = issued_client_invoice(s)
    if invoice is not None:
        _issue(s, client_invoice=invoice, actor=actor)
        s.refresh_from_db(fields=["status"])
    return s


@transaction.atomic
def decline(*, actor, subcontract, answer: str = "") -> Subcontract:
    return _decide(actor=actor, subcontract=subcontract, to=Status.DECLINED, answer=answer)


@transaction.atomic
def withdraw(*, actor, subcontract) -> Subcontract:
    s = _locked(subcontract)
    require(actor, "subcontracting.withdraw", s)
    _must_be(s, Status.PENDING, Status.ACCEPTED)
    s.status = Status.WITHDRAWN
    s.save(update_fields=["status"])
    record(
        actor=actor, action="subcontracting.withdrawn", obj=s, entity=s.entity, activity=s.ordering,
        message=gettext_noop("%(ordering)s withdrew the work asked from %(provider)s"),
        params={"provider": s.provider.name, "ordering": s.ordering.name},
    )
    return s


# --- the internal invoice -------------------------------------------------------------------------


def issued_client_invoice(s: Subcontract):
    """A's issued client invoice for the job: the tied invoice, or the first final invoice issued
    from the tied quote; None otherwise."""
    doc = s.client_document
    if doc is None:
        return None
    if doc.kind == Kind.INVOICE:
        return doc if doc.state == State.ISSUED else None
    return doc.invoices.filter(kind=Kind.INVOICE, state=State.ISSUED).order_by("issue_date", "id").first()


def _next_number(entity, day: datetime.date) -> tuple[int, str]:
    """The next number of the entity's internal series for the year, from its counter row locked
    until the transaction ends (gap-free, in issue order; the unique constraint is the backstop)."""
    counter, _created = Counter.objects.get_or_create(entity=entity, year=day.year)
    counter = Counter.objects.select_for_update(of=("self",)).get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"INT-{day.year}-{counter.last:05d}"


def _prefinanced(document) -> bool:
    return document.advances.filter(state__in=PREFINANCED).exists()


def _issue(s: Subcontract, *, client_invoice, actor) -> InternalInvoice:
    """Issue B's internal invoice for the accepted subcontract ``s`` (locked by the caller), book
    it, and settle it when its money is already there."""
    today = timezone.localdate()
    acc = accounts.ensure_accounts(s.entity)
    sequence, number = _next_number(s.entity, today)
    invoice = InternalInvoice(
        entity=s.entity, subcontract=s, kind=InvoiceKind.INVOICE, year=today.year, sequence=sequence,
        number=number, issue_date=today, provider_name=s.provider.name[:120], ordering_name=s.ordering.name[:120],
        description=s.description, amount=s.amount, contribution_rate=policy_for(s.entity).internal_rate,
        client_invoice=client_invoice, issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    invoice.entry = books.post(invoice, books.issue_lines(invoice, acc), kind=books.ISSUE_KIND, date=today, actor=actor)
    invoice.save()
    s.status = Status.INVOICED
    s.save(update_fields=["status"])
    record(
        actor=actor, action="subcontracting.invoice_issued", obj=invoice, entity=s.entity, activity=s.provider,
        message=gettext_noop("Internal invoice %(number)s of %(amount)s issued by %(provider)s to %(ordering)s"),
        params={"number": number, "amount": _fmt(s.amount), "provider": s.provider.name, "ordering": s.ordering.name},
    )
    if client_invoice is None or client_invoice.payment_state == PaymentState.PAID or _prefinanced(client_invoice):
        invoice = _settle(invoice, actor=actor)
    return invoice


@transaction.atomic
def issue_by_hand(*, actor, subcontract) -> InternalInvoice:
    """B issues the internal invoice of an accepted subcontract tied to no client document: there
    is no client payment to wait for, so it is settled at once."""
    s = _locked(subcontract)
    require(actor, "subcontracting.issue", s)
    _must_be(s, Status.ACCEPTED)
    if s.client_document_id is not None:
        raise ValidationError(
            {"status": _("This work is tied to a client document: its internal invoice is issued with the client invoice.")}
        )
    return _issue(s, client_invoice=None, actor=actor)


def client_invoice_issued(document, *, actor) -> list[InternalInvoice]:
    """Sales' ``on_issued`` step: A's client invoice is issued — issue B's internal invoice of each
    accepted subcontract tied to it (or to its quote)."""
    if document.kind != Kind.INVOICE:
        return []
    tied = [document.pk] + ([document.quote_id] if document.quote_id else [])
    out = []
    for s in Subcontract.objects.filter(client_document_id__in=tied, status=Status.ACCEPTED).order_by("id"):
        s = _locked(s)
        if s.status == Status.ACCEPTED:
            out.append(_issue(s, client_invoice=document, actor=actor))
    return out


def _settle(invoice: InternalInvoice, *, actor, day: datetime.date | None = None) -> InternalInvoice:
    invoice = (
        InternalInvoice.objects.select_for_update(of=("self",))
        .select_related("entity", "subcontract__ordering", "subcontract__provider")
        .get(pk=invoice.pk)
    )
    if invoice.settled or invoice.kind != InvoiceKind.INVOICE or hasattr_credit_note(invoice):
        return invoice
    day = day or timezone.localdate()
    acc = accounts.ensure_accounts(invoice.entity)
    contribution = books.contribution_of(invoice.amount, invoice.contribution_rate)
    invoice.settlement_entry = books.post(
        invoice, books.settlement_lines(invoice, acc, contribution), kind=books.SETTLE_KIND, date=day, actor=actor,
        label=_("%(number)s settled") % {"number": invoice.number},
    )
    invoice.settled_on, invoice.contribution = day, contribution
    invoice.save(update_fields=["settlement_entry", "settled_on", "contribution"])
    record(
        actor=actor, action="subcontracting.invoice_settled", obj=invoice, entity=invoice.entity,
        activity=invoice.subcontract.provider,
        message=gettext_noop("Internal invoice %(number)s settled: %(amount)s available to %(provider)s, contribution %(contribution)s"),
        params={"number": invoice.number, "amount": _fmt(invoice.amount), "provider": invoice.provider_name,
                "contribution": _fmt(contribution)},
    )
    return invoice


def hasattr_credit_note(invoice) -> bool:
    return InternalInvoice.objects.filter(corrects=invoice).exists()


def settle_paid(document_ids, *, actor=None) -> int:
    """Settle the open internal invoices whose client invoice is now fully paid by the client (not
    by a credit note: an invoice with an issued credit note waits for a person to decide)."""
    open_ = (
        InternalInvoice.objects.filter(
            kind=InvoiceKind.INVOICE, settled_on__isnull=True, credit_note__isnull=True,
            client_invoice_id__in=list(document_ids), client_invoice__payment_state=PaymentState.PAID,
        )
        .exclude(client_invoice__credit_notes__state=State.ISSUED)
        .order_by("id")
    )
    done = 0
    for invoice in open_:
        done += bool(_settle(invoice, actor=actor).settled)
    return done


def settle_prefinanced(document_id, *, actor=None) -> int:
    done = 0
    for invoice in InternalInvoice.objects.filter(
        kind=InvoiceKind.INVOICE, settled_on__isnull=True, credit_note__isnull=True, client_invoice_id=document_id
    ).order_by("id"):
        done += bool(_settle(invoice, actor=actor).settled)
    return done


@transaction.atomic
def cancel(*, actor, invoice: InternalInvoice) -> InternalInvoice:
    """The internal credit note cancelling ``invoice`` (and its settlement, when settled): numbered
    in the same series, booked as the mirror of what the invoice booked."""
    original = (
        InternalInvoice.objects.select_for_update(of=("self",))
        .select_related("entity", "subcontract__ordering", "subcontract__provider")
        .get(pk=invoice.pk)
    )
    require(actor, "subcontracting.cancel", original)
    if original.kind != InvoiceKind.INVOICE or hasattr_credit_note(original):
        raise ValidationError({"invoice": _("This internal invoice is already cancelled.")})
    s = _locked(original.subcontract)
    today = timezone.localdate()
    acc = accounts.ensure_accounts(original.entity)
    sequence, number = _next_number(original.entity, today)
    note = InternalInvoice(
        entity=original.entity, subcontract=s, kind=InvoiceKind.CREDIT_NOTE, year=today.year, sequence=sequence,
        number=number, issue_date=today, provider_name=original.provider_name, ordering_name=original.ordering_name,
        description=original.description, amount=original.amount, contribution_rate=original.contribution_rate,
        client_invoice=original.client_invoice, corrects=original, issued_by=actor,
        settled_on=today, contribution=original.contribution if original.settled else None,
    )
    note.entry = books.post(note, books.cancel_lines(original, note, acc), kind=books.CANCEL_KIND, date=today, actor=actor)
    note.settlement_entry = note.entry if original.settled else None
    note.save()
    s.status = Status.CANCELLED
    s.save(update_fields=["status"])
    record(
        actor=actor, action="subcontracting.invoice_cancelled", obj=note, entity=s.entity, activity=s.provider,
        message=gettext_noop("Internal credit note %(number)s cancels internal invoice %(original)s"),
        params={"number": number, "original": original.number},
    )
    return note
