"""The sales context's checks for ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry

from .models import Document, Kind, State, VatBreakdown

LEGAL_KINDS = [Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE]
PDF_GRACE = timedelta(minutes=10)


@register("Every issued invoice and credit note has exactly one entry")
def documents_posted_once(entities):
    # a zero document (nothing prepaid, every VAT row zero) books nothing: no entry expected, see
    # accounting.books_nothing
    moves = VatBreakdown.objects.filter(document=OuterRef("pk")).exclude(taxable_amount=0, tax_amount=0)
    issued = (Document.objects.filter(entity__in=entities, kind__in=LEGAL_KINDS, state=State.ISSUED)
              .annotate(moves=Exists(moves)))
    counts = dict(
        Entry.objects.filter(entity__in=entities, source_type="sales.document", kind="issue")
        .values_list("source_id").annotate(n=Count("id")).order_by()
    )
    for pk, number, moves_money, prepaid in issued.values_list("id", "number", "moves", "prepaid").iterator():
        n = counts.pop(pk, 0)
        expected = 1 if (moves_money or prepaid) else 0
        if n != expected:
            yield f"{number}: {n} entries instead of {expected}"
    for source_id in counts:
        yield f"entry for document id {source_id}, which is not an issued invoice or credit note"


@register("Every issued document has its archived PDF (or one being prepared for less than 10 minutes)")
def documents_archived(entities):
    late = timezone.now() - PDF_GRACE
    missing = Document.objects.filter(entity__in=entities, kind__in=LEGAL_KINDS, state=State.ISSUED).filter(
        Q(pdf="") | Q(pdf__isnull=True) | Q(pdf_sha256="")
    ).filter(Q(pdf_requested_at__lt=late) | Q(pdf_requested_at__isnull=True))
    for number, requested in missing.values_list("number", "pdf_requested_at").iterator():
        yield f"{number}: no archived PDF (requested {requested:%Y-%m-%d %H:%M})" if requested else f"{number}: no archived PDF"


@register("Invoice and credit-note numbers are gap-free and chronological per series and year")
def numbering_gap_free(entities):
    rows = (
        Document.objects.filter(entity__in=entities, kind__in=LEGAL_KINDS, sequence__isnull=False)
        .order_by("entity_id", "series", "year", "sequence")
        .values_list("entity_id", "series", "year", "sequence", "number", "issue_date", "state")
    )
    key, expected, last_date = None, 1, None
    for entity_id, series, year, seq, number, issue_date, state in rows.iterator():
        if (entity_id, series, year) != key:
            key, expected, last_date = (entity_id, series, year), 1, None
        if seq != expected:
            yield f"{series} {year}: number {seq} ({number}) follows {expected - 1}: gap or duplicate"
        if state != State.ISSUED:
            yield f"{number}: has a number but is {state}"
        if last_date and issue_date and issue_date < last_date:
            yield f"{number}: dated {issue_date} before the previous number ({last_date})"
        expected, last_date = seq + 1, issue_date or last_date
