"""Validated sheets become invoice lines; each contract's period has one draft invoice kept up to
date; at the period end it is ready, and the member issues and sends it (or it goes by itself when
the member chose so, unless held).

Lock order (as sales): the sheet, then the document (through sales' services), then the prepared
invoice row. Issuing goes through sales (numbering by the existing counters, immutable once
issued); sending through the portal's delivery, as for any invoice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.fieldwork.models import Contract, Deposit, DepositState, InvoicingPeriod, Pricing
from compagnon.interventions.models import Sheet, SheetState
from compagnon.notifications.services import notify
from compagnon.portal import delivery as portal_delivery
from compagnon.sales import services as sales
from compagnon.sales.calculation import money
from compagnon.sales.models import Document, DocumentLine, Kind, State

from .models import DepositUse, FieldInvoice, FieldInvoiceState, InvoicingPreference

OPEN_STATES = (FieldInvoiceState.COLLECTING, FieldInvoiceState.READY, FieldInvoiceState.HELD)
SENDABLE_STATES = (FieldInvoiceState.READY, FieldInvoiceState.HELD, FieldInvoiceState.COLLECTING)
SALES_UNITS = {"HUR", "C62", "DAY", "LS", "MTK", "MTR", "KMT", "KGM", "MON"}
HOUR = Decimal("0.001")


def period_for(contract: Contract, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The invoicing period of ``contract`` that contains ``day``: the day, its ISO week or month."""
    if contract.invoicing == InvoicingPeriod.WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if contract.invoicing == InvoicingPeriod.MONTH:
        start = day.replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return start, following - datetime.timedelta(days=1)
    return day, day


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOUR, rounding=ROUND_HALF_UP)


def acting_user(activity, *candidates):
    """The first of ``candidates`` (members) whose user works in ``activity``: drafts made for a
    sheet are made in that person's name, so sales' own rules apply."""
    for member in candidates:
        user = getattr(member, "user", None)
        if user is not None and user.has_perm("members.work_in_activity", activity):
            return user
    raise PermissionDenied(_("Nobody working in this activity can prepare its invoice."))


def _vat_category(rate: Decimal) -> str:
    return "S" if rate > 0 else "E"


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def build_lines(
    contract: Contract, sheets: list[Sheet], deposits: list[Deposit]
) -> tuple[list[dict], Decimal]:
    """The lines of the period's invoice (in the active language: the document's) and the part
    eligible for the home-services tax credit (incl. VAT). One line per visit with its date and
    tasks, then the priced supplies; a paid deposit is said in a text line."""
    lines, eligible = [], Decimal("0")
    for sheet in sheets:
        visit = sheet.visit
        tasks = [t for t in sheet.tasks.all() if t.done]
        names = ", ".join(t.name for t in tasks)
        day = formats.date_format(visit.day, "SHORT_DATE_FORMAT") if visit.day else ""
        eligible_visit = contract.home_services or any(
            t.service and t.service.home_services for t in tasks
        )
        if contract.pricing == Pricing.HOUR:
            description = _("Visit of %(day)s (%(duration)s)") % {
                "day": day,
                "duration": _duration(sheet.minutes),
            }
            quantity, unit = hours_of(sheet.minutes), "HUR"
        else:
            description = _("Visit of %(day)s") % {"day": day}
            quantity, unit = Decimal("1"), "C62"
        if names:
            description = _("%(visit)s: %(tasks)s") % {"visit": description, "tasks": names}
        if quantity == 0:
            continue
        lines.append(
            {
                "kind": "item",
                "description": description,
                "quantity": quantity,
                "unit": unit,
                "unit_price": contract.price,
                "vat_category": _vat_category(contract.vat_rate),
                "vat_rate": contract.vat_rate,
            }
        )
        if eligible_visit:
            net = money(quantity * contract.price)
            eligible += net + money(net * contract.vat_rate / Decimal(100))
        for supply in sheet.supplies.all():
            if supply.unit_price is None or not supply.quantity:
                continue
            rate = contract.vat_rate if supply.vat_rate is None else supply.vat_rate
            lines.append(
                {
                    "kind": "item",
                    "description": supply.name,
                    "quantity": supply.quantity,
                    "unit": supply.unit if supply.unit in SALES_UNITS else "C62",
                    "unit_price": supply.unit_price,
                    "vat_category": _vat_category(rate),
                    "vat_rate": rate,
                }
            )
    for deposit in deposits:
        paid_on = (
            formats.date_format(timezone.localtime(deposit.paid_at).date(), "SHORT_DATE_FORMAT")
            if deposit.paid_at
            else ""
        )
        lines.append(
            {
                "kind": "text",
                "description": _(
                    "Deposit of %(amount)s € paid online on %(day)s: counted as a payment of this invoice."
                )
                % {
                    "amount": formats.number_format(deposit.amount, 2, use_l10n=True),
                    "day": paid_on,
                },
            }
        )
    return lines, eligible


def _open_invoice(contract, start, end, visit) -> FieldInvoice | None:
    qs = FieldInvoice.objects.select_for_update(of=("self",)).filter(
        contract=contract, state__in=OPEN_STATES
    )
    if contract.invoicing == InvoicingPeriod.VISIT:
        return qs.filter(visit=visit).first()
    return qs.filter(period_start=start, visit__isnull=True).first()


@transaction.atomic
def add_sheet(*, sheet: Sheet) -> FieldInvoice | None:
    """Put a validated sheet on its contract's draft invoice for the period (made when missing).
    Idempotent: a sheet already on a draft only refreshes it; one already invoiced changes nothing.
    A visit without contract is invoiced by hand (returns None)."""
    sheet = (
        Sheet.objects.select_for_update(of=("self",))
        .select_related(
            "visit__contract__activity",
            "visit__contract__client",
            "visit__member__user",
            "visit__contract__member__user",
            "document",
        )
        .get(pk=sheet.pk)
    )
    visit, contract = sheet.visit, sheet.visit.contract
    if contract is None or sheet.state != SheetState.VALIDATED or sheet.validated_at is None:
        return None
    if sheet.document_id and not sheet.document.is_draft:
        return None
    actor = acting_user(contract.activity, visit.member, contract.member)
    day = visit.day or timezone.localtime(sheet.validated_at).date()
    if sheet.document_id:
        field_invoice = FieldInvoice.objects.select_for_update(of=("self",)).get(
            document_id=sheet.document_id
        )
    else:
        start, end = period_for(contract, day)
        field_invoice = _open_invoice(contract, start, end, visit)
        if field_invoice is None:
            document = sales.create_document(
                actor=actor,
                activity=contract.activity,
                client=contract.client,
                kind=Kind.INVOICE,
                title=_in(
                    contract.client.language,
                    gettext_noop("%(contract)s: work done"),
                    contract=contract.name,
                ),
            )
            field_invoice = FieldInvoice.objects.create(
                contract=contract,
                activity=contract.activity,
                document=document,
                period_start=start,
                period_end=end,
                visit=visit if contract.invoicing == InvoicingPeriod.VISIT else None,
            )
        sheet.document = field_invoice.document
        sheet.save(update_fields=["document", "updated_at"])
    rebuild(field_invoice, actor=actor)
    return field_invoice


def _in(language, message, **params) -> str:
    with translation.override(language or "fr"):
        return _(message) % params


def rebuild(field_invoice: FieldInvoice, *, actor) -> FieldInvoice:
    """Recompute the draft's lines from its sheets and the paid deposits of its visits."""
    document = field_invoice.document
    contract = field_invoice.contract
    sheets = list(
        Sheet.objects.filter(document=document)
        .select_related("visit__member__user")
        .prefetch_related("tasks__service", "supplies")
        .order_by("visit__day", "visit__starts_at", "id")
    )
    visit_ids = [s.visit_id for s in sheets]
    used = DepositUse.objects.filter(deposit__visit_id__in=visit_ids).exclude(
        field_invoice=field_invoice
    )
    deposits = list(
        Deposit.objects.filter(visit_id__in=visit_ids, state=DepositState.PAID)
        .exclude(pk__in=used.values("deposit_id"))
        .order_by("paid_at", "id")
    )
    for deposit in deposits:
        DepositUse.objects.get_or_create(deposit=deposit, defaults={"field_invoice": field_invoice})
    with translation.override(document.language or "fr"):
        lines, eligible = build_lines(contract, sheets, deposits)
    document = sales.save_draft(actor=actor, document=document, lines=lines)
    field_invoice.minutes = sum(s.minutes for s in sheets)
    field_invoice.eligible_amount = min(eligible, document.tax_inclusive) if lines else Decimal("0")
    field_invoice.deposits = sum((d.amount for d in deposits), Decimal("0"))
    field_invoice.workers = sorted({str(s.visit.member) for s in sheets if s.visit.member_id})
    field_invoice.save(
        update_fields=["minutes", "eligible_amount", "deposits", "workers", "updated_at"]
    )
    return field_invoice


# --- period end ------------------------------------------------------------------------------


@dataclass
class Prepared:
    ready: int = 0
    sent: int = 0
    failed: int = 0


def _holders(activity_ids):
    from compagnon.members.models import ActivityMembership

    out: dict[int, list] = {}
    for m in ActivityMembership.objects.filter(activity_id__in=activity_ids).select_related(
        "member__user"
    ):
        if m.member.user_id:
            out.setdefault(m.activity_id, []).append(m.member.user)
    return out


def prepare(today: datetime.date) -> Prepared:
    """The daily run: validated sheets not yet on a draft are placed (set-based, :mod:`.bulk`);
    drafts whose period ended become ready (auto-send ones are announced for tomorrow); ready ones
    due for automatic sending go. Idempotent."""
    from . import bulk

    result = Prepared()
    bulk.catch_up()
    has_lines = Exists(DocumentLine.objects.filter(document_id=OuterRef("document_id")))
    ended = FieldInvoice.objects.filter(
        has_lines, state=FieldInvoiceState.COLLECTING, period_end__lt=today
    )
    auto = set(
        InvoicingPreference.objects.filter(send_automatically=True).values_list(
            "activity_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    for activity_id, n in _count_by_activity(ended):
        counts[activity_id] = n
    now = timezone.now()
    with transaction.atomic():
        result.ready += ended.filter(activity_id__in=auto).update(
            state=FieldInvoiceState.READY,
            ready_at=now,
            send_on=today + datetime.timedelta(days=1),
            updated_at=now,
        )
        result.ready += ended.exclude(activity_id__in=auto).update(
            state=FieldInvoiceState.READY, ready_at=now, send_on=None, updated_at=now
        )
    _announce(counts, auto)
    due = FieldInvoice.objects.filter(
        state=FieldInvoiceState.READY,
        send_on__lte=today,
        activity__field_invoicing__send_automatically=True,
    )
    for fi in due.select_related("activity__field_invoicing__chosen_by", "document"):
        actor = fi.activity.field_invoicing.chosen_by
        try:
            outcome = issue_and_send(actor=actor, field_invoice=fi)
        except (ValidationError, PermissionDenied) as exc:
            _failed(fi, exc)
            result.failed += 1
            continue
        result.sent += 1 if outcome.sent else 0
        result.failed += 0 if outcome.sent else 1
    return result


def _count_by_activity(queryset):
    from django.db.models import Count

    return queryset.order_by().values_list("activity_id").annotate(n=Count("id"))


def _announce(counts: dict[int, int], auto: set[int]) -> None:
    from django.urls import reverse
    from django.utils.translation import ngettext

    for activity_id, users in _holders(list(counts)).items():
        n = counts[activity_id]
        for user in users:
            with translation.override(getattr(user, "language", "") or None):
                if activity_id in auto:
                    title = ngettext(
                        "%(n)s invoice will be sent tomorrow unless you hold it",
                        "%(n)s invoices will be sent tomorrow unless you hold them",
                        n,
                    ) % {"n": n}
                else:
                    title = ngettext(
                        "%(n)s invoice ready to send", "%(n)s invoices ready to send", n
                    ) % {"n": n}
            notify(
                user,
                title=title,
                url=reverse("homeservices-index"),
                key=f"homeservices:ready:{activity_id}",
            )


def _failed(fi: FieldInvoice, exc) -> None:
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    FieldInvoice.objects.filter(pk=fi.pk).update(send_error=" ".join(messages)[:500])


# --- the member's decisions ------------------------------------------------------------------


@dataclass
class Sent:
    field_invoice: FieldInvoice
    sent: bool
    message: str = ""


def _require(actor, fi: FieldInvoice) -> None:
    require(actor, "sales.change_document", fi.document)


def issue_and_send(*, actor, field_invoice: FieldInvoice, key: str | None = None) -> Sent:
    """Issue the prepared invoice (sales numbers it) and send it the way a member sends any
    invoice (``portal.delivery``: emailed with the PDF and the portal link, or on Peppol).

    The prepared invoice is marked issued by the ``homeservices.invoiced`` step inside the issue.
    When issuing worked and sending did not (no email address…), it stays issued and says why."""
    fi = FieldInvoice.objects.select_related(
        "document__activity", "document__entity", "document__client"
    ).get(pk=field_invoice.pk)
    _require(actor, fi)
    if fi.state == FieldInvoiceState.ISSUED:
        return Sent(fi, True)
    document = fi.document
    delivery = portal_delivery.deliver(
        actor=actor,
        document=document,
        channel=portal_delivery.default_channel(document),
        to=document.client.email,
        key=key,
    )
    fi.refresh_from_db()
    if delivery.error is not None:
        _failed(fi, delivery.error)
        return Sent(fi, False, " ".join(delivery.error.messages))
    return Sent(fi, True)


def send_all(*, actor, field_invoices) -> list[Sent]:
    """One tap for all: each invoice is issued and sent in its own transaction, so one that cannot
    be issued (a client's address missing) does not keep the others back."""
    out = []
    for fi in field_invoices:
        try:
            out.append(issue_and_send(actor=actor, field_invoice=fi))
        except ValidationError as exc:
            _failed(fi, exc)
            out.append(Sent(fi, False, " ".join(exc.messages)))
    return out


@transaction.atomic
def hold(*, actor, field_invoice: FieldInvoice, held: bool = True) -> FieldInvoice:
    """Hold a prepared invoice (nothing goes automatically), or let it go again."""
    fi = (
        FieldInvoice.objects.select_for_update(of=("self",))
        .select_related("document__activity", "document__entity")
        .get(pk=field_invoice.pk)
    )
    _require(actor, fi)
    if fi.state == FieldInvoiceState.ISSUED:
        raise ValidationError(_("This invoice is issued already: it can no longer be held."))
    if held:
        fi.state, fi.held_at, fi.send_on = FieldInvoiceState.HELD, timezone.now(), None
    else:
        fi.state, fi.held_at = FieldInvoiceState.READY, None
    fi.save(update_fields=["state", "held_at", "send_on", "updated_at"])
    record(
        actor=actor,
        action="homeservices.held" if held else "homeservices.released",
        obj=fi,
        activity=fi.activity,
        entity=fi.document.entity,
        message=gettext_noop("Invoice of %(period)s held")
        if held
        else gettext_noop("Invoice of %(period)s released"),
        params={"period": f"{fi.period_start:%Y-%m-%d}"},
    )
    return fi


@transaction.atomic
def set_preference(*, actor, activity, send_automatically: bool) -> InvoicingPreference:
    require(actor, "members.change_activity", activity)
    pref, _created = InvoicingPreference.objects.select_for_update(of=("self",)).get_or_create(
        activity=activity
    )
    pref.send_automatically, pref.chosen_by = send_automatically, actor
    pref.save()
    record(
        actor=actor,
        action="homeservices.preference",
        obj=pref,
        activity=activity,
        entity=activity.entity,
        message=(
            gettext_noop("Prepared invoices: sent automatically the next day unless held")
            if send_automatically
            else gettext_noop("Prepared invoices: they wait for the member to send them")
        ),
        params={},
    )
    return pref


# --- what issuing runs (registered in apps.py) ---------------------------------------------------


def on_issued(document: Document, *, actor) -> None:
    """Inside the issue's transaction: the prepared invoice is issued, its sheets invoiced."""
    fi = FieldInvoice.objects.select_for_update(of=("self",)).filter(document=document).first()
    if fi is None:
        return
    fi.state, fi.issued_at, fi.send_error = FieldInvoiceState.ISSUED, timezone.now(), ""
    fi.save(update_fields=["state", "issued_at", "send_error", "updated_at"])
    Sheet.objects.filter(document=document).update(state=SheetState.INVOICED)


def invoices_ready(queryset):
    return queryset.filter(
        state__in=(FieldInvoiceState.READY, FieldInvoiceState.HELD), document__state=State.DRAFT
    )
