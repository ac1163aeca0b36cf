"""Month-end catch-up, set-based: every validated sheet of a contract that is on no invoice yet
(its ``sheet_validated`` task has not run, or sheets were imported) goes onto a new draft of its
period, in a few statements per thousand sheets instead of ~20 per sheet.

The drafts are the ones ``sales.services.create_document`` + ``save_draft`` make — same fields,
lines priced by the same :func:`.invoicing.build_lines`, totals and VAT breakdown by the same
``Document.compute_totals`` (EN 16931, ``sales/calculation.py``), one audit event each — written
with ``bulk_create``. A period that already has an open draft goes through the per-sheet path
(:func:`.invoicing.add_sheet`), which rebuilds that draft. Issuing stays one document at a time,
through sales, when the member says so.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from compagnon.audit.models import AuditEvent
from compagnon.fieldwork.models import InvoicingPeriod
from compagnon.interventions.models import Sheet, SheetState
from compagnon.sales.models import SERIES, Document, DocumentLine, Kind, LineKind, VatBreakdown

from . import invoicing
from .models import FieldInvoice

CHUNK = 2000


def pending(activity_ids=None):
    qs = Sheet.objects.filter(
        state=SheetState.VALIDATED,
        validated_at__isnull=False,
        document__isnull=True,
        visit__contract__isnull=False,
    )
    if activity_ids is not None:
        qs = qs.filter(visit__activity_id__in=activity_ids)
    return qs


def catch_up(*, activity_ids=None, chunk: int = CHUNK) -> int:
    """Put every pending validated sheet on a draft. Returns the number of sheets placed."""
    placed = 0
    while True:
        ids = list(
            pending(activity_ids)
            .order_by("visit__contract_id", "id")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return placed
        done = _chunk(ids)
        placed += done
        if not done:  # nothing could be placed (nobody may act for these activities)
            return placed


def _key(contract, visit, day):
    start, end = invoicing.period_for(contract, day)
    return (
        contract.pk,
        start,
        visit.pk if contract.invoicing == InvoicingPeriod.VISIT else None,
    ), (start, end)


@transaction.atomic
def _chunk(ids) -> int:
    sheets = list(
        Sheet.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(pk__in=ids, document__isnull=True)
        .select_related(
            "visit__contract__client",
            "visit__contract__activity",
            "visit__member__user",
            "visit__contract__member__user",
        )
        .prefetch_related("tasks__service", "supplies")
        .order_by("visit__day", "visit__starts_at", "id")
    )
    groups: dict[tuple, list[Sheet]] = defaultdict(list)
    periods = {}
    for sheet in sheets:
        visit = sheet.visit
        day = visit.day or timezone.localtime(sheet.validated_at).date()
        key, period = _key(visit.contract, visit, day)
        groups[key].append(sheet)
        periods[key] = period
    open_keys = _open_keys(groups)
    placed, new = 0, []
    for key, members in groups.items():
        if key in open_keys:
            for sheet in members:
                invoicing.add_sheet(sheet=sheet)
                placed += 1
            continue
        new.append((key, members))
    placed += _create(new, periods)
    return placed


def _open_keys(groups) -> set:
    contracts = {k[0] for k in groups}
    rows = FieldInvoice.objects.filter(
        contract_id__in=contracts, state__in=invoicing.OPEN_STATES
    ).values_list("contract_id", "period_start", "visit_id")
    return {(c, s, v) for c, s, v in rows} & set(groups)


def _actor(contract, sheets, cache):
    key = contract.activity_id
    if key not in cache:
        try:
            cache[key] = invoicing.acting_user(
                contract.activity, sheets[0].visit.member, contract.member
            )
        except PermissionDenied:
            cache[key] = None
    return cache[key]


def _create(groups, periods) -> int:
    documents, plans, actors = [], [], {}
    for key, sheets in groups:
        contract = sheets[0].visit.contract
        actor = _actor(contract, sheets, actors)
        if actor is None:
            continue
        client, activity = contract.client, contract.activity
        language = client.language or activity.document_language
        with translation.override(language or "fr"):
            rows, eligible = invoicing.build_lines(contract, sheets, [])
            title = invoicing._in(
                language, gettext_noop("%(contract)s: work done"), contract=contract.name
            )
        document = Document(
            entity_id=activity.entity_id,
            activity=activity,
            client=client,
            kind=Kind.INVOICE,
            series=SERIES[Kind.INVOICE],
            language=language,
            title=title,
            created_by=actor,
        )
        lines = [DocumentLine(position=i, **row) for i, row in enumerate(rows, start=1)]
        totals = document.compute_totals(lines)
        nets = iter(totals.line_nets)
        for line in lines:
            if line.kind == LineKind.ITEM:
                line.net_amount = next(nets)
        for field in (
            "line_total",
            "allowance_total",
            "charge_total",
            "tax_exclusive",
            "tax_total",
            "tax_inclusive",
            "prepaid",
            "payable",
        ):
            setattr(document, field, getattr(totals, field))
        documents.append(document)
        plans.append((key, sheets, lines, totals, eligible, actor))
    Document.objects.bulk_create(documents, batch_size=1000)
    all_lines, breakdown, invoices, audit = [], [], [], []
    for document, (key, sheets, lines, totals, eligible, actor) in zip(
        documents, plans, strict=True
    ):
        for line in lines:
            line.document = document
        all_lines += lines
        breakdown += [
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
        start, end = periods[key]
        invoices.append(
            FieldInvoice(
                contract_id=key[0],
                activity_id=document.activity_id,
                document=document,
                period_start=start,
                period_end=end,
                visit_id=key[2],
                minutes=sum(s.minutes for s in sheets),
                eligible_amount=min(eligible, document.tax_inclusive),
                workers=sorted({str(s.visit.member) for s in sheets if s.visit.member_id}),
            )
        )
        for sheet in sheets:
            sheet.document = document
        audit.append(
            AuditEvent(
                actor=actor,
                action="document.created",
                object_type="sales.document",
                object_id=str(document.pk),
                object_repr=str(document)[:200],
                message=gettext_noop("Draft %(document)s created for %(client)s"),
                params={"document": str(document), "client": document.client.name},
                changes={},
                entity_id=document.entity_id,
                activity_id=document.activity_id,
            )
        )
    DocumentLine.objects.bulk_create(all_lines, batch_size=2000)
    VatBreakdown.objects.bulk_create(breakdown, batch_size=2000)
    FieldInvoice.objects.bulk_create(invoices, batch_size=1000)
    AuditEvent.objects.bulk_create(audit, batch_size=1000)
    placed = [s for _key, sheets, *_rest in plans for s in sheets]
    Sheet.objects.bulk_update(placed, ["document"], batch_size=1000)
    return len(placed)
