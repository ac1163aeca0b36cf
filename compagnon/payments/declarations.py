"""Payments a member declares received directly: declaring, confirming cash at the office,
rejecting, matching the bank line, flagging old ones to the advisor.

A declaration is not money in the bank: it changes no paid amount and posts nothing. The invoice
is paid only when

* the bank line of the deposit (cheque, cash paid in, the member's transfer) is imported and names
  the invoice with the declared amount: the automatic matching allocates it to the declaration
  first (``match_declared``, called by :mod:`.matching`), or
* an accountant confirms cash received at the office (``confirm_cash``): an allocation with no
  bank transaction, booked cash (debit) / client receivable (credit).

While a declaration is open the invoice's automated reminders wait (``holds_collections``,
connected to ``core.signals.collections_hold``). Every function is keyword-only and one
transaction; the member's side checks ``permissions.works_in_activity_of`` (a member declares on
their activities' invoices only), the staff side ``payments.match_payment`` on the entity.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core.formatting import money
from compagnon.core.services import require
from compagnon.members.models import Member
from compagnon.notifications.services import Message, notify_many
from compagnon.sales.models import Document, Kind, PaymentState, State

from .booking import DOCUMENT_FIELDS, Plan, outstanding
from .models import AllocationKind, Declaration, DeclarationState, Means, Method, PaymentSettings

PERM = "payments.match_payment"
OPEN_PAYMENT = (PaymentState.AWAITING, PaymentState.PARTIAL)
PAYABLE_KINDS = (Kind.INVOICE, Kind.DEPOSIT)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_SIGNATURES = (
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"RIFF",
)  # JPEG, PNG, PDF, WebP (RIFF…WEBP)

# the msgids of ``Means`` (context "payment means"), for explanations rendered in the reader's language
MEANS_MSGIDS = {
    Means.CHEQUE: "cheque",
    Means.CASH: "cash",
    Means.TRANSFER: "transfer made to the member by mistake",
}
MATCHED_DECLARATION = gettext_noop(
    "Matched to the %(means)s declared received on %(date)s, by %(reference)s"
)
CASH_AT_OFFICE = gettext_noop(
    "Cash declared received on %(date)s, confirmed received at the office"
)


def _money(value) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError(
            {"amount": _("Type the amount received, for example 150,00.")}
        ) from None


def _check_photo(photo, errors: dict) -> None:
    if not photo:
        return
    if photo.size > MAX_PHOTO_BYTES:
        errors["photo"] = [_("The photo is too large: at most 10 MB.")]
        return
    head = photo.read(12)
    photo.seek(0)
    if not head.startswith(PHOTO_SIGNATURES) or (
        head.startswith(b"RIFF") and head[8:12] != b"WEBP"
    ):
        errors["photo"] = [_("Send a photo (JPEG, PNG or WebP) or a PDF of the cheque.")]


def may_declare(user, document: Document) -> bool:
    """The member works in the document's activity and the invoice is issued and still unpaid."""
    return (
        document.kind in PAYABLE_KINDS
        and document.state == State.ISSUED
        and document.payment_state in OPEN_PAYMENT
        and permissions.works_in_activity_of(user, document)
    )


@db_transaction.atomic
def declare(
    *, actor, document, amount, received_on: datetime.date, means: str, note: str = "", photo=None
) -> Declaration:
    """A member declares the client paid them ``amount`` directly on ``received_on``."""
    doc = (
        Document.objects.select_for_update(of=("self",))
        .select_related("entity", "activity")
        .get(pk=getattr(document, "pk", document))
    )
    if not permissions.works_in_activity_of(actor, doc):
        raise PermissionDenied(
            _("Only the members of the activity declare a payment of its invoices.")
        )
    errors: dict[str, list] = {}
    if doc.kind not in PAYABLE_KINDS or doc.state != State.ISSUED:
        errors["document"] = [_("A payment is declared on an issued invoice only.")]
    elif doc.payment_state not in OPEN_PAYMENT or outstanding(doc) <= 0:
        errors["document"] = [_("This invoice is already paid.")]
    elif Declaration.objects.filter(document=doc, state=DeclarationState.OPEN).exists():
        errors["document"] = [
            _("A payment of this invoice is already declared and waits for the bank.")
        ]
    value = _money(amount) if amount not in (None, "") else None
    if value is None or value <= 0:
        errors["amount"] = [_("Type the amount received, for example 150,00.")]
    elif "document" not in errors and value > outstanding(doc):
        errors["amount"] = [
            _("At most %(amount)s is still due on this invoice.")
            % {"amount": money(outstanding(doc))}
        ]
    if not received_on:
        errors["received_on"] = [_("Give the day you received the payment.")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("The day you received the payment cannot be in the future.")]
    if means not in Means.values:
        errors["means"] = [_("Choose how the client paid: cheque, cash or a transfer to you.")]
    _check_photo(photo, errors)
    if errors:
        raise ValidationError(errors)
    member = Member.objects.filter(user=actor, office__entity_id=doc.entity_id).first()
    declaration = Declaration(
        entity_id=doc.entity_id,
        document=doc,
        activity_id=doc.activity_id,
        member=member,
        declared_by=actor,
        amount=value,
        received_on=received_on,
        means=means,
        note=(note or "").strip()[:200],
    )
    if photo:
        declaration.photo = photo
    try:
        with db_transaction.atomic():
            declaration.save()
    except IntegrityError:  # another declaration won the race
        raise ValidationError(
            {
                "document": [
                    _("A payment of this invoice is already declared and waits for the bank.")
                ]
            }
        ) from None
    record(
        actor=actor,
        action="payment.declared",
        obj=doc,
        entity=doc.entity,
        activity=doc.activity,
        message=gettext_noop(
            "%(means)s of %(amount)s EUR received on %(date)s declared by the member: "
            "waiting for the bank"
        ),
        params={"means": Means(means).label, "amount": f"{value:.2f}", "date": received_on},
    )
    return declaration


def _lock_open(declaration) -> Declaration:
    d = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("entity", "document", "activity")
        .get(pk=getattr(declaration, "pk", declaration))
    )
    if d.state != DeclarationState.OPEN:
        raise ValidationError(
            {
                "state": _("This declaration is %(state)s: it cannot be changed any more.")
                % {"state": d.get_state_display()}
            }
        )
    return d


def _tell_member(declaration: Declaration, title, body) -> None:
    if declaration.declared_by_id is None:
        return
    user = declaration.declared_by
    url = reverse("document-detail", args=[declaration.document_id])
    db_transaction.on_commit(
        lambda: notify_many(
            [
                Message(
                    user=user,
                    title=title,
                    body=body,
                    url=url,
                    key=f"payments.declaration.{declaration.pk}.{declaration.state}",
                )
            ]
        )
    )


@db_transaction.atomic
def confirm_cash(*, actor, declaration) -> Declaration:
    """An accountant confirms the cash was received at the office: the invoice is paid (cash /
    client receivable)."""
    d = _lock_open(declaration)
    require(actor, PERM, d.entity)
    if d.means != Means.CASH:
        raise ValidationError(
            {
                "means": _(
                    "Only cash is confirmed at the office: a cheque or a transfer is "
                    "paid when the bank line arrives."
                )
            }
        )
    doc = (
        Document.objects.select_for_update(of=("self",))
        .select_related("client")
        .only(*DOCUMENT_FIELDS, "client__name")
        .get(pk=d.document_id)
    )
    if d.amount > outstanding(doc):
        raise ValidationError(
            {
                "amount": _("Only %(amount)s is still due on this invoice: reject the declaration.")
                % {"amount": money(outstanding(doc))}
            }
        )
    plan = Plan(entity=d.entity, actor=actor)
    allocation = plan.add(
        kind=AllocationKind.INVOICE,
        method=Method.CASH,
        amount=d.amount,
        explanation=CASH_AT_OFFICE,
        params={"date": {"date": d.received_on.isoformat()}},
        document=doc,
        client_name=doc.client.name,
        on=d.received_on,
    )
    plan.commit()
    d.state, d.allocation, d.resolved_at = DeclarationState.CONFIRMED, allocation, timezone.now()
    d.resolved_by = actor
    d.save(update_fields=["state", "allocation", "resolved_at", "resolved_by"])
    _tell_member(
        d,
        gettext_lazy("Cash received at the office"),
        lambda: (
            _("The cash you declared for %(number)s was received: the invoice is paid.")
            % {"number": doc.number}
        ),
    )
    return d


@db_transaction.atomic
def reject(*, actor, declaration, reason: str) -> Declaration:
    """An accountant rejects a declaration, with a reason the member reads."""
    d = _lock_open(declaration)
    require(actor, PERM, d.entity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, the member reads it.")})
    d.state, d.rejection_reason, d.resolved_at, d.resolved_by = (
        DeclarationState.REJECTED,
        reason[:300],
        timezone.now(),
        actor,
    )
    d.save(update_fields=["state", "rejection_reason", "resolved_at", "resolved_by"])
    record(
        actor=actor,
        action="payment.declaration_rejected",
        obj=d.document,
        entity=d.entity,
        activity=d.activity,
        message=gettext_noop("Declared payment of %(amount)s EUR rejected: %(reason)s"),
        params={"amount": f"{d.amount:.2f}", "reason": d.rejection_reason},
    )
    number = d.document.number
    _tell_member(
        d,
        gettext_lazy("A declared payment was rejected"),
        lambda: (
            _("The payment you declared for %(number)s was rejected: %(reason)s")
            % {"number": number, "reason": d.rejection_reason}
        ),
    )
    return d


# --- the bank line of a declared payment (called by the automatic matching) ----------------------


def open_declarations(document_ids) -> dict[int, Declaration]:
    """The open declaration of each of these documents (at most one each), locked."""
    ids = list(document_ids)
    out: dict[int, Declaration] = {}
    for start in range(0, len(ids), 2000):
        for d in Declaration.objects.select_for_update(of=("self",)).filter(
            document_id__in=ids[start : start + 2000], state=DeclarationState.OPEN
        ):
            out[d.document_id] = d
    return out


def match_declared(
    plan: Plan, t, named, declarations: dict[int, Declaration], matched: list
) -> bool:
    """Allocate the bank line ``t`` to a declared payment it names (by reference or number) for
    exactly the declared amount; ``matched`` collects ``(declaration, allocation)`` for
    ``mark_matched``. True when the line was taken."""
    for doc, _method, ref in named:
        d = declarations.get(doc.pk)
        if (
            d is None
            or d.state != DeclarationState.OPEN
            or doc.kind not in PAYABLE_KINDS
            or doc.payment_state not in OPEN_PAYMENT
        ):
            continue
        if d.amount != t.open_amount or d.amount > outstanding(doc):
            continue
        allocation = plan.add(
            kind=AllocationKind.INVOICE,
            method=Method.DECLARATION,
            amount=d.amount,
            explanation=MATCHED_DECLARATION,
            params={
                "means": {"msgid": MEANS_MSGIDS[d.means], "context": "payment means"},
                "date": {"date": d.received_on.isoformat()},
                "reference": ref,
            },
            transaction=t,
            document=doc,
            client_name=doc.client.name,
        )
        d.state = DeclarationState.MATCHED  # in memory: the same declaration is not taken twice
        matched.append((d, allocation))
        return True
    return False


def mark_matched(matched: list) -> None:
    """After ``Plan.commit``: the declarations point to the allocation that paid them."""
    if not matched:
        return
    now = timezone.now()
    for d, allocation in matched:
        d.allocation_id, d.resolved_at = allocation.pk, now
    Declaration.objects.bulk_update(
        [d for d, _a in matched], ["state", "allocation", "resolved_at"]
    )


# --- collections wait; old declarations are flagged ------------------------------------------------


def holds_collections(sender, *, field: str, **kwargs) -> Q:
    """``core.signals.collections_hold``: the reminders of an invoice with an open declaration wait."""
    return Q(
        **{
            f"{field}__in": Declaration.objects.filter(state=DeclarationState.OPEN).values(
                "document_id"
            )
        }
    )


def alert_days(entity_ids) -> dict[int, int]:
    days = dict(
        PaymentSettings.objects.filter(entity_id__in=list(entity_ids)).values_list(
            "entity_id", "declaration_alert_days"
        )
    )
    return {pk: days.get(pk, PaymentSettings.DEFAULT_ALERT_DAYS) for pk in entity_ids}


def is_late(declaration: Declaration, days: int, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return declaration.is_open and timezone.localdate(
        declaration.created_at
    ) <= today - datetime.timedelta(days=days)


@db_transaction.atomic
def flag_old(*, today: datetime.date | None = None) -> int:
    """Tell the member's advisor about each open declaration older than the entity's setting (once
    each: ``flagged_at``). Idempotent. Returns how many were flagged."""
    today = today or timezone.localdate()
    rows = list(
        Declaration.objects.select_for_update(of=("self",))
        .filter(state=DeclarationState.OPEN, flagged_at__isnull=True)
        .select_related("entity", "activity", "document", "member__advisor", "member__user")
    )
    days = alert_days({d.entity_id for d in rows})
    late = [d for d in rows if is_late(d, days[d.entity_id], today)]
    if not late:
        return 0
    now = timezone.now()
    messages = []
    for d in late:
        d.flagged_at = now
        advisor = d.member.advisor if d.member_id else None
        if advisor is None:
            continue
        number, who, amount = d.document.number, str(d.member), money(d.amount)
        messages.append(
            Message(
                user=advisor,
                title=gettext_lazy("A declared payment still waits for the bank"),
                body=lambda number=number, who=who, amount=amount, since=d.received_on: (
                    _(
                        "%(member)s declared %(amount)s received for %(number)s on %(date)s; the bank has not shown it yet."
                    )
                    % {
                        "member": who,
                        "amount": amount,
                        "number": number,
                        "date": date_format(since, "SHORT_DATE_FORMAT"),
                    }
                ),
                url=reverse("document-detail", args=[d.document_id]),
                key=f"payments.declaration.{d.pk}.late",
            )
        )
    Declaration.objects.bulk_update(late, ["flagged_at"])
    for d in late:
        record(
            actor=None,
            action="payment.declaration_flagged",
            obj=d.document,
            entity=d.entity,
            activity=d.activity,
            message=gettext_noop(
                "Declared payment of %(amount)s EUR still not in the bank: flagged to the advisor"
            ),
            params={"amount": f"{d.amount:.2f}"},
        )
    notify_many(messages)
    return len(late)
