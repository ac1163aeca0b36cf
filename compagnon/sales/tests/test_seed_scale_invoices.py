"""seed_scale --invoices: bulk-loaded invoices and credit notes obey the app's own rules.

The command writes rows directly (COPY / executemany), so these tests rebuild every document
with the app's functions — compute(), snapshot(), entry_lines() — and run the auditor's
check_books on the result.
"""

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max
from django.utils import timezone, translation

from compagnon.ledger.models import Entry, JournalCounter
from compagnon.organisation.models import Entity
from compagnon.sales import accounting, payment
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import Document, DocumentCounter, Kind, LineKind, State
from compagnon.sales.pdf import sha256
from compagnon.seeding.management.commands.seed_scale import scale_entity_numbers

pytestmark = pytest.mark.django_db

SEED = 3


def seed_scale(**options):
    out = StringIO()
    call_command("seed_scale", stdout=out, seed=SEED, **options)
    return out.getvalue()


def scale_entities():
    fr, be = scale_entity_numbers(SEED)
    return Entity.objects.filter(company_number__in=[fr, be])


def documents():
    return (
        Document.objects.filter(entity__in=scale_entities())
        .select_related("entity", "activity__entity", "activity__trade", "client", "credited")
        .prefetch_related("lines", "vat_breakdown")
        .order_by("id")
    )


@pytest.fixture
def seeded():
    return seed_scale(members=50, invoices=300)


def assert_numbering_gap_free_and_chronological():
    docs = defaultdict(list)
    for entity_id, series, year, seq, issue_date in (
        Document.objects.filter(entity__in=scale_entities())
        .order_by("entity_id", "series", "year", "sequence")
        .values_list("entity_id", "series", "year", "sequence", "issue_date")
    ):
        docs[(entity_id, series, year)].append((seq, issue_date))
    assert docs
    counters = {
        (c.entity_id, c.series, c.year): c.last
        for c in DocumentCounter.objects.filter(entity__in=scale_entities())
    }
    for key, rows in docs.items():
        assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1)), key
        dates = [d for _, d in rows]
        assert dates == sorted(dates), key
        assert all(d.year == key[2] for d in dates)
        assert counters[key] == len(rows)

    entries = defaultdict(list)
    for journal_id, year, number, date in (
        Entry.objects.filter(entity__in=scale_entities())
        .order_by("journal_id", "year", "number")
        .values_list("journal_id", "year", "number", "date")
    ):
        entries[(journal_id, year)].append((number, date))
    counters = {(c.journal_id, c.year): c for c in JournalCounter.objects.all()}
    for key, rows in entries.items():
        assert [n for n, _ in rows] == list(range(1, len(rows) + 1)), key
        dates = [d for _, d in rows]
        assert dates == sorted(dates), key
        assert counters[key].last == len(rows)
        assert counters[key].last_date == dates[-1]


def test_invoices_and_credit_notes_are_issued_on_the_scale_activities(seeded):
    assert "seed_scale: 300 invoices" in seeded
    docs = list(documents())
    invoices = [d for d in docs if d.kind == Kind.INVOICE]
    credit_notes = [d for d in docs if d.kind == Kind.CREDIT_NOTE]
    assert len(invoices) == 300
    assert 5 <= len(credit_notes) <= 25  # ~5 %
    assert {d.state for d in docs} == {State.ISSUED}
    today = timezone.localdate()
    three_years = today - datetime.timedelta(days=3 * 366)
    for d in docs:
        items = [line for line in d.lines.all() if line.kind == LineKind.ITEM]
        assert 1 <= len(d.lines.all()) <= 6 and items, d.number
        assert three_years <= d.issue_date <= today
        assert d.client.activity_id == d.activity_id
        assert d.activity.entity_id == d.entity_id
        assert d.created_by_id is not None and d.issued_at is not None
        assert d.number == d.entity.number_pattern(d.series).format(year=d.year, seq=d.sequence)
    # a credit note corrects an earlier invoice of the same client, never beyond its total
    for c in credit_notes:
        assert c.credited.kind == Kind.INVOICE and c.credited.state == State.ISSUED
        assert c.credited.client_id == c.client_id
        assert c.credited.issue_date <= c.issue_date
        assert c.tax_inclusive <= c.credited.tax_inclusive
        assert c.due_date is None
    credited = [c.credited_id for c in credit_notes]
    assert len(credited) == len(set(credited))
    # the dates spread over the three years, not all on one day
    assert len({d.issue_date.year for d in docs}) >= 3
    # clients: 3–20 per activity, never more than the activity's invoices
    per_activity = (
        Document.objects.filter(entity__in=scale_entities(), kind=Kind.INVOICE)
        .values("activity_id")
        .annotate(n=Count("id"), clients=Count("activity__clients", distinct=True))
    )
    for row in per_activity:
        assert 1 <= row["clients"] <= min(20, row["n"])


def test_totals_snapshot_and_entry_are_what_issuing_would_store(seeded):
    for d in documents():
        lines = list(d.lines.all())
        totals = d.compute_totals(lines)  # EN 16931, on the stored lines
        assert (
            d.line_total,
            d.allowance_total,
            d.tax_exclusive,
            d.tax_total,
            d.tax_inclusive,
            d.prepaid,
            d.payable,
        ) == (
            totals.line_total,
            totals.allowance_total,
            totals.tax_exclusive,
            totals.tax_total,
            totals.tax_inclusive,
            totals.prepaid,
            totals.payable,
        ), d.number
        assert [line.net_amount for line in lines if line.kind == LineKind.ITEM] == (
            totals.line_nets
        )
        assert [
            (v.category, v.rate, v.taxable_amount, v.tax_amount, v.allowance_amount)
            for v in d.vat_breakdown.all()
        ] == [(c.category, c.rate, c.taxable, c.tax, c.allowances) for c in totals.categories]
        # the payment reference issue_document sets: invoices (and deposits) only
        if d.kind == Kind.INVOICE:
            assert (
                d.payment_reference
                == payment.reference_for(d.entity.jurisdiction, d.year, d.sequence)[1]
            ), d.number
            assert d.payment_state == "awaiting", d.number  # open, as issuing leaves it
        else:
            assert d.payment_reference == "", d.number
            assert d.payment_state == "none", d.number
        # the frozen snapshot is exactly what freeze.snapshot gives for the stored document
        assert d.frozen == snapshot(d, lines=lines), d.number

        # exactly one entry, balanced, with the lines accounting.entry_lines describes
        entries = list(
            Entry.objects.filter(source_type="sales.document", source_id=d.pk).prefetch_related(
                "lines__account"
            )
        )
        assert len(entries) == 1, d.number
        entry = entries[0]
        assert entry.is_balanced and entry.date == d.issue_date and entry.kind == "issue"
        with translation.override(d.language):
            expected = [
                (
                    spec.account,
                    spec.rate,
                    spec.debit,
                    spec.credit,
                    spec.activity.pk if spec.activity else None,
                    spec.client.pk if spec.client else None,
                    spec.label,
                )
                for spec in accounting.entry_lines(d)
            ]
            label = f"{d.get_kind_display()} {d.number} — {d.client.name}"[:200]
        assert [
            (
                line.account.role,
                line.account.vat_rate,
                line.debit,
                line.credit,
                line.activity_id,
                line.client_id,
                line.label,
            )
            for line in entry.lines.all()
        ] == expected, d.number
        assert entry.label == label


def test_e_invoicing_keys_of_the_snapshot_are_filled_in(seeded):
    """The scale entities have a bank account, so invoices carry a reference and a QR code; the
    e-invoicing keys are really exercised (not only empty on both sides)."""
    docs = list(documents())
    kinds = {
        d.entity.jurisdiction: payment.reference_for(d.entity.jurisdiction, 2026, 1)[0]
        for d in docs
    }
    assert set(kinds) == {"FR", "BE"}
    seen = defaultdict(int)
    for d in docs:
        f = d.frozen
        assert f["seller"]["trade_name"] == d.activity.name
        assert f["seller"]["endpoint_id"] and f["seller"]["street"] == d.entity.street
        assert f["buyer"]["city"] == d.client.city
        if d.client.is_business:
            assert f["buyer"]["endpoint_scheme"] and f["buyer"]["endpoint_id"], d.number
            seen["business"] += 1
        pay = f["payment"]
        assert pay["iban"] == d.entity.iban and pay["means"] == "58"
        if d.kind == Kind.INVOICE:
            kind = kinds[d.entity.jurisdiction]
            assert pay["reference"] == d.payment_reference and pay["reference_kind"] == kind
            assert pay["terms_days"] == (d.due_date - d.issue_date).days
            assert pay["qr"] == payment.epc_qr_payload(
                name=d.entity.legal_name or d.entity.name,
                iban=d.entity.iban,
                bic=d.entity.bic,
                amount=d.payable,
                kind=kind,
                reference=d.payment_reference,
            )
            assert pay["qr"].startswith("BCD\n002\n1\nSCT\n"), d.number
            seen["qr " + kind] += 1
        else:
            assert pay["reference"] == pay["qr"] == "" and pay["terms_days"] is None
            assert f["references"]["credited_issue_date"] == d.credited.issue_date.isoformat()
        if d.entity.jurisdiction == "FR":
            assert [n["code"] for n in f["notes"]] == ["PMT", "PMD", "AAB"]
        if f["allowances"]:
            seen["allowances"] += 1
        if any(v["exemption_code"] for v in f["vat"]):
            seen["exemption"] += 1
    assert seen["qr ogm"] and seen["qr rf"] and seen["business"], seen
    assert seen["allowances"] and seen["exemption"], seen


def test_numbering_is_gap_free_and_chronological(seeded):
    assert_numbering_gap_free_and_chronological()


def test_check_books_passes_and_every_document_has_an_archived_pdf(seeded):
    call_command("check_books", stdout=StringIO())  # raises CommandError on any problem
    names = set()
    for d in Document.objects.filter(entity__in=scale_entities()):
        assert d.pdf and d.pdf_sha256
        names.add((d.entity_id, d.pdf.name, d.pdf_sha256))
    # one specimen per entity, a real PDF whose hash is the one stored
    assert len(names) == scale_entities().count()
    for _entity, name, digest in names:
        with default_storage.open(name, "rb") as f:
            data = f.read()
        assert data.startswith(b"%PDF") and sha256(data) == digest


def test_running_twice_adds_more_without_clashes(seeded):
    before = Document.objects.filter(entity__in=scale_entities())
    count, last_id = before.count(), before.aggregate(m=Max("id"))["m"]
    last_dates = dict(before.values_list("entity_id").annotate(m=Max("issue_date")))

    output = seed_scale(invoices=300)  # --invoices alone, on the activities already there

    assert "seed_scale: 300 invoices" in output
    docs = Document.objects.filter(entity__in=scale_entities())
    assert docs.filter(kind=Kind.INVOICE).count() == 600
    assert docs.count() > count + 300
    # numbers follow the dates: each entity's new documents start where its books stopped
    for entity_id, last_date in last_dates.items():
        new = docs.filter(entity_id=entity_id, pk__gt=last_id)
        assert new.exists() and not new.filter(issue_date__lt=last_date).exists()
    assert_numbering_gap_free_and_chronological()
    call_command("check_books", stdout=StringIO())
    # the second run's documents go to clients of the first run too: their frozen "buyer"
    # block is built from the stored client (client_info), and still what snapshot() gives
    for d in documents().filter(pk__gt=last_id):
        assert d.frozen == snapshot(d, lines=list(d.lines.all())), d.number


def test_invoices_need_the_activities_of_the_seed():
    with pytest.raises(CommandError, match="--members"):
        call_command("seed_scale", invoices=10, seed=SEED + 1, stdout=StringIO())
    with pytest.raises(CommandError, match="--invoices"):
        call_command("seed_scale", seed=SEED, stdout=StringIO())
