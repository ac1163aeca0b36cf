"""The immediate advance of the tax credit: registering a client with URSSAF, one payment request
per issued invoice of a contract that uses it, the daily status poll, and the invoice's mention of
the client's share (50 % of the eligible amount is paid by URSSAF).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.clients.models import ClientKind
from compagnon.core.formatting import money as fmt_money
from compagnon.core.services import require
from compagnon.sales.calculation import money
from compagnon.sales.models import Kind, State

from . import urssaf
from .invoicing import hours_of
from .models import FieldInvoice, UrssafClient, UrssafRequest, UrssafStatus

ADVANCE_RATE = Decimal("0.5")


def shares(field_invoice: FieldInvoice, total_incl: Decimal) -> tuple[Decimal, Decimal]:
    """(the client's share, what URSSAF pays): URSSAF advances half of the eligible amount."""
    advance = money(min(field_invoice.eligible_amount, total_incl) * ADVANCE_RATE)
    return total_incl - advance, advance


def _advance_invoice(document) -> FieldInvoice | None:
    fi = FieldInvoice.objects.filter(document=document).select_related("contract").first()
    if fi is None or not fi.contract.immediate_advance or fi.eligible_amount <= 0:
        return None
    return fi


def mention_step(document, *, actor, lines, totals) -> None:
    """Issue step: the frozen invoice says the split (the PDF prints ``frozen["mentions"]``)."""
    fi = _advance_invoice(document)
    if fi is None:
        return
    client_share, advance = shares(fi, totals.tax_inclusive)
    with translation.override(document.language or "fr"):
        text = _(
            "Immediate advance of the tax credit for home services: your share %(client)s; "
            "URSSAF pays %(urssaf)s directly."
        ) % {"client": fmt_money(client_share), "urssaf": fmt_money(advance)}
    document.frozen.setdefault("mentions", []).append(text)
    document.frozen["immediate_advance"] = {
        "client_share": str(client_share),
        "urssaf_share": str(advance),
    }
    document.save(update_fields=["frozen"])


def register_client(*, actor, client, person: urssaf.Person) -> UrssafClient:
    require(actor, "clients.change_client", client)
    if client.kind != ClientKind.INDIVIDUAL:
        raise ValidationError(
            {"client": _("Only an individual can use the immediate advance of the tax credit.")}
        )
    existing = UrssafClient.objects.filter(client=client).first()
    if existing is not None:
        return existing
    try:
        urssaf_id = urssaf.api().register(person)
    except urssaf.UrssafError as exc:
        raise ValidationError({"urssaf": str(exc)}) from exc
    with transaction.atomic():
        registered, _created = UrssafClient.objects.get_or_create(
            client=client, defaults={"urssaf_id": urssaf_id, "activity_id": client.activity_id}
        )
        record(
            actor=actor,
            action="homeservices.urssaf_registered",
            obj=registered,
            activity=client.activity,
            entity=client.activity.entity,
            message=gettext_noop("%(client)s registered with URSSAF for the immediate advance"),
            params={"client": client.name},
        )
    return registered


def request_payment(*, actor, document) -> UrssafRequest:
    """Send URSSAF the payment request of an issued invoice (once)."""
    require(actor, "sales.change_document", document)
    existing = UrssafRequest.objects.filter(document=document).first()
    if existing is not None:
        return existing
    if document.kind != Kind.INVOICE or document.state != State.ISSUED:
        raise ValidationError({"document": _("Only an issued invoice can be sent to URSSAF.")})
    fi = _advance_invoice(document)
    if fi is None:
        raise ValidationError(
            {"document": _("This invoice is not from a contract with the immediate advance.")}
        )
    registered = UrssafClient.objects.filter(client_id=document.client_id).first()
    if registered is None:
        raise ValidationError({"client": _("Register the client with URSSAF first.")})
    client_share, advance = shares(fi, document.tax_inclusive)
    hours = hours_of(fi.minutes) or Decimal("1")
    try:
        urssaf_id = urssaf.api().request_payment(
            urssaf.PaymentRequest(
                client_id=registered.urssaf_id,
                invoice_number=document.number,
                invoice_date=document.issue_date,
                period_start=fi.period_start,
                period_end=fi.period_end,
                total_incl=document.tax_inclusive,
                total_excl=document.tax_exclusive,
                hours=hours,
                unit_price_incl=money(document.tax_inclusive / hours),
                nature_code=_nature_code(),
            )
        )
    except urssaf.UrssafError as exc:
        raise ValidationError({"urssaf": str(exc)}) from exc
    with transaction.atomic():
        request, _created = UrssafRequest.objects.get_or_create(
            document=document,
            defaults={
                "activity_id": document.activity_id,
                "urssaf_id": urssaf_id,
                "total": document.tax_inclusive,
                "client_share": client_share,
                "urssaf_share": advance,
                "status_changed_at": timezone.now(),
            },
        )
        record(
            actor=actor,
            action="homeservices.urssaf_requested",
            obj=request,
            activity=document.activity,
            entity=document.entity,
            message=gettext_noop("%(document)s sent to URSSAF for the immediate advance"),
            params={"document": str(document)},
        )
    return request


def _nature_code() -> str:
    from django.conf import settings

    return getattr(settings, "URSSAF_NATURE_CODE", "ENT")


def poll(*, limit: int = 5000) -> dict:
    """Read the statuses of the requests still moving; store the changes. Idempotent."""
    open_requests = list(
        UrssafRequest.objects.exclude(status__in=urssaf.FINAL).order_by("polled_at", "id")[:limit]
    )
    if not open_requests:
        return {"read": 0, "changed": 0}
    statuses = urssaf.api().statuses([r.urssaf_id for r in open_requests])
    now, changed = timezone.now(), 0
    for request in open_requests:
        code, _label = statuses.get(request.urssaf_id, (request.status_code, ""))
        status = urssaf.STATUS_CODES.get(code, request.status)
        with transaction.atomic():
            locked = UrssafRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
            locked.polled_at = now
            if status != locked.status or code != locked.status_code:
                locked.status, locked.status_code, locked.status_changed_at = status, code, now
                changed += 1
            locked.save(update_fields=["polled_at", "status", "status_code", "status_changed_at"])
    return {"read": len(open_requests), "changed": changed}


def status_label(request: UrssafRequest) -> str:
    return str(UrssafStatus(request.status).label)
