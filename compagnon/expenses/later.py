"""Photo now, details later: a claim sent from the phone's offline queue with its receipt but
without the details the form asks (amount, supplier, …) is not refused, it is kept.

Offline the phone cannot read the receipt (reading happens on the server), so a member who snaps
a receipt in a basement car park often sends only the photo. The server then:

1. keeps the claim as a **draft** with its receipt (``keep_for_later``), ``reading_state`` =
   pending, the date the member gave (else today);
2. reads the receipt in the task worker (``tasks.read_claim_receipt`` → ``apply_reading``) and fills
   in **only what is still empty** on the draft — amount, supplier, VAT per rate, and the date when
   the member gave none — never what the member typed or changed meanwhile;
3. tells the member (in-app notification with a link): "check and send it". Nothing is submitted
   for them: they confirm the amounts and choose the category.

A reading that finds nothing, or no OCR engine on the server, still leaves the draft and its photo,
and the notification says to type the amount.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon.core.services import require
from compagnon.jurisdictions import get as jurisdiction

from . import receipts
from .models import ClaimKind, ClaimState, ExpenseClaim, ExpenseVat, ReadingState

# what the worker fills in, and how the claim names it
FILLED = ("amount", "supplier", "date", "vat")


def keep_for_later(*, actor, activity, receipt, date=None, description: str = "", client=None,
                   client_key=None) -> ExpenseClaim:
    """A draft with only the receipt; its reading is queued after commit. ``client_key`` makes the
    phone's replay of the same queued claim return the first draft (``replayed`` set)."""
    from . import services, tasks

    require(actor, "expenses.claim", activity)
    member = services._member_of(actor)
    if client_key is not None:
        earlier = ExpenseClaim.objects.filter(member=member, client_key=client_key).first()
        if earlier is not None:
            earlier.replayed = True
            return earlier
    if client is not None and client.activity_id != activity.pk:
        client = None
    today = timezone.localdate()
    given = isinstance(date, datetime.date) and today - datetime.timedelta(days=3 * 365) <= date <= today
    claim = ExpenseClaim(entity_id=activity.entity_id, activity=activity, member=member, created_by=actor,
                         client_key=client_key, kind=ClaimKind.RECEIPT, state=ClaimState.DRAFT,
                         date=date if given else today, category="", supplier="", amount=Decimal("0"),
                         description=(description or "").strip()[:200], client=client,
                         reading_state=ReadingState.PENDING, reading={"date_given": given})
    errors: dict = {}
    stored: list = []
    services._receipt(claim, receipt, errors, stored)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            claim.save()
            services._audit(actor=actor, claim=claim, action="kept",
                            message=gettext_noop("Receipt of expense claim %(claim)s kept: the details will "
                                                 "be read from the photo."))
            transaction.on_commit(lambda: tasks.read_claim_receipt.enqueue(claim_id=claim.pk))
    except BaseException as exc:
        for f in stored:
            f.storage.delete(f.name)
        if isinstance(exc, IntegrityError) and client_key is not None:
            earlier = ExpenseClaim.objects.get(member=member, client_key=client_key)
            earlier.replayed = True
            return earlier
        raise
    return claim


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number.quantize(Decimal("0.01")) if number.is_finite() and number > 0 else None


def apply_reading(claim_id: int, found: dict, state: str) -> list[str]:
    """Fill in what is still empty on the draft from ``found`` (``Reading.as_dict()``); returns the
    names of what was filled (``FILLED``). Does nothing once the claim left the draft state or was
    already read (idempotent)."""
    from . import services

    with transaction.atomic():
        claim = (ExpenseClaim.objects.select_for_update(of=("self",)).select_related("entity")
                 .filter(pk=claim_id).first())
        if claim is None or claim.reading_state != ReadingState.PENDING:
            return []
        filled: list[str] = []
        if claim.state == ClaimState.DRAFT and found:
            total = _decimal(found.get("total_incl_vat"))
            if total is not None and not claim.amount:
                claim.amount = total
                filled.append("amount")
            supplier = (found.get("supplier_name") or "").strip()
            if supplier and not claim.supplier:
                claim.supplier = supplier[:120]
                filled.append("supplier")
            if found.get("issue_date") and not claim.reading.get("date_given"):
                try:
                    read_date = datetime.date.fromisoformat(found["issue_date"])
                except ValueError:
                    read_date = None
                today = timezone.localdate()
                if read_date and today - datetime.timedelta(days=3 * 365) <= read_date <= today:
                    claim.date = read_date
                    filled.append("date")
            rates = {r.rate for r in jurisdiction(claim.entity.jurisdiction).vat_rates}
            lines = []
            for line in found.get("vat_lines") or []:
                rate, tax = _decimal(line.get("rate")), _decimal(line.get("vat"))
                if rate in rates and tax is not None and rate not in {r for r, _t in lines}:
                    lines.append((rate, tax))
            total = claim.amount or Decimal("0")
            if lines and not claim.vat_lines.exists() and sum(t for _r, t in lines) < total:
                ExpenseVat.objects.bulk_create([ExpenseVat(claim=claim, rate=r, tax_amount=t) for r, t in lines])
                filled.append("vat")
        claim.reading_state = state
        claim.reading = {**claim.reading, "found": {k: found.get(k) for k in
                                                    ("total_incl_vat", "issue_date", "supplier_name", "vat_lines")}
                         if found else {}, "filled": filled}
        claim.save(update_fields=["amount", "supplier", "date", "reading_state", "reading", "updated_at"])
        services._audit(actor=None, claim=claim, action="read",
                        message=gettext_noop("Receipt of expense claim %(claim)s read: %(supplier)s, "
                                             "%(amount)s EUR, to check and send.") if filled else
                        gettext_noop("Receipt of expense claim %(claim)s could not be read: the details "
                                     "are to be typed."))
        _tell(claim, filled)
    return filled


def _tell(claim: ExpenseClaim, filled: list[str]) -> None:
    from compagnon.notifications.services import notify

    user = claim.member.user if claim.member.user_id else None
    if user is None:
        return
    if filled:
        title = gettext_lazy("Your receipt was read: check the amounts and send the claim")
    else:
        title = gettext_lazy("Your receipt could not be read: type the amount and send the claim")
    transaction.on_commit(lambda: notify(user, title=title, url=reverse("expense-edit", args=[claim.pk]),
                                         key=f"expense-read-{claim.pk}"))


def reading_on() -> bool:
    return receipts.reading_on()
