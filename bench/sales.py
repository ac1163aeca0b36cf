"""The sales benchmarks: invoice lists at scale, issuing throughput, PDF rendering, seeding time.

Called by bench.run once Django is set up, in two steps around the member seeding:

* ``before_scale`` (demo data only): the invoice list pages as a baseline, the PDF render time of a
  one-page invoice, and the issuing throughput — ``services.issue_document`` with the PDF left to
  its task, the same with the PDF rendered inline, and a raw-SQL insert of the same rows;
* ``at_scale``: ``seed_scale --invoices N`` (timed), then the invoice list pages again.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from decimal import Decimal as D

PDF_BUDGET_MS = 250.0
SEED_BUDGET_S = 600.0  # 10 minutes for 1,000,000 invoices on PostgreSQL; scaled to N
TIME_CAP_S = 60.0  # an issuing mode stops after this long (with at least MIN_ISSUED invoices)
MIN_ISSUED = 5

# (label, url, who). "admin" sees every document of every entity; "seller" is the holder of the
# activity with the most invoices; "advisor" the advisor of the busiest office. The HTML page
# filters with its tabs: ?tab=invoices is its invoices tab (invoices and deposit invoices).
SALES_PAGES = [
    ("invoice list", "/documents/?tab=invoices", "admin"),
    ("invoice list, seller", "/documents/?tab=invoices", "seller"),
    ("invoice list, advisor", "/documents/?tab=invoices", "advisor"),
    ("invoice list, page 2", "/documents/?tab=invoices&page=2", "admin"),
    ("invoice list search", "/documents/?tab=invoices&q=mar", "admin"),
    ("API invoices", "/api/v1/documents/?kind=invoice", "admin"),
    ("API invoices, seller", "/api/v1/documents/?kind=invoice", "seller"),
]

LINES = [
    {
        "description": "Taille de haies",
        "quantity": D("3.5"),
        "unit": "HUR",
        "unit_price": D("42"),
        "vat_category": "S",
        "vat_rate": D("20"),
    },
    {
        "description": "Évacuation des déchets verts",
        "quantity": D("1"),
        "unit": "LS",
        "unit_price": D("45"),
        "vat_category": "S",
        "vat_rate": D("20"),
    },
    {
        "description": "Plantation d'arbustes",
        "quantity": D("4"),
        "unit": "C62",
        "unit_price": D("28.50"),
        "vat_category": "S",
        "vat_rate": D("10"),
    },
]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- who looks at the lists ------------------------------------------------------------------------


def seller_of_most_invoices(entity_ids=None):
    """The holder of the activity with the most issued invoices (among ``entity_ids``)."""
    from django.db.models import Count

    from compagnon.members.models import ActivityMembership, ActivityRole
    from compagnon.sales.models import Document, Kind, State

    docs = Document.objects.filter(kind=Kind.INVOICE, state=State.ISSUED)
    if entity_ids is not None:
        docs = docs.filter(entity_id__in=entity_ids)
    top = docs.values("activity_id").annotate(n=Count("id")).order_by("-n", "activity_id").first()
    if top is None:
        raise SystemExit("bench: no issued invoice to list.")
    holder = (
        ActivityMembership.objects.filter(activity_id=top["activity_id"], role=ActivityRole.HOLDER)
        .select_related("member__user")
        .order_by("id")
        .first()
    )
    return holder.member.user, top["n"]


def demo_sales_users() -> dict:
    from compagnon.accounts.models import User

    seller, _n = seller_of_most_invoices()
    return {
        "admin": User.objects.get(email="admin@demo.coop"),
        "advisor": User.objects.get(email="advisor@demo.coop"),
        "seller": seller,
    }


# --- PDF -------------------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"])


def bench_pdf(renders: int) -> dict:
    """Median time of render_pdf on the frozen snapshot of a one-page demo invoice."""
    from compagnon.sales.models import Document, Kind, State
    from compagnon.sales.pdf import render_pdf

    candidates = Document.objects.filter(kind=Kind.INVOICE, state=State.ISSUED).order_by("id")
    for document in candidates[:20]:
        data = render_pdf(document.frozen)
        if pdf_pages(data) == 1:
            break
    else:
        raise SystemExit("bench: no one-page demo invoice to render.")
    render_pdf(document.frozen)  # warm-up: fonts and templates are loaded once per process
    times = []
    for _ in range(renders):
        t = time.perf_counter()
        data = render_pdf(document.frozen)
        times.append(time.perf_counter() - t)
    times.sort()
    median = statistics.median(times)
    return {
        "document": document.number,
        "lines": len(document.frozen.get("lines", [])),
        "renders": renders,
        "median_ms": _ms(median),
        "min_ms": _ms(times[0]),
        "max_ms": _ms(times[-1]),
        "bytes": len(data),
        "pages": pdf_pages(data),
        "budget_ms": PDF_BUDGET_MS,
        "within_budget": median * 1000 <= PDF_BUDGET_MS,
    }


def bench_draft_pdf(requests: int) -> dict:
    """GET of a new draft's PDF by its member: the first request renders it, the next ones read the
    preview cache (sales.pdf_cache), and a browser revalidating with its ETag gets 304."""
    from django.core.management import call_command
    from django.test import Client as Browser

    call_command("createcachetable")  # the bench migrates; the cache tables are made here
    user, activity, client = bench_activity()
    document = _drafts(user, activity, client, 1)[0]
    browser = Browser()
    browser.force_login(user)
    url = f"/documents/{document.pk}/pdf/"

    def timed(**headers) -> float:
        t = time.perf_counter()
        response = browser.get(url, headers=headers)
        assert response.status_code == (304 if headers else 200), response.status_code
        return time.perf_counter() - t

    first = timed()
    cached = statistics.median(timed() for _ in range(requests))
    etag = browser.get(url)["ETag"]
    revalidated = statistics.median(timed(**{"If-None-Match": etag}) for _ in range(requests))
    return {
        "requests": requests,
        "first_ms": _ms(first),
        "cached_median_ms": _ms(cached),
        "not_modified_median_ms": _ms(revalidated),
        "first_over_cached": round(first / cached, 1),
    }


# --- issuing throughput ----------------------------------------------------------------------------


def bench_activity():
    """A demo activity of the French entity whose holder is not one of the measured demo users,
    with a client of its own for the bench."""
    from compagnon.clients.models import Client
    from compagnon.members.models import ActivityMembership, ActivityRole, ActivityStatus

    holder = (
        ActivityMembership.objects.filter(
            role=ActivityRole.HOLDER,
            activity__status=ActivityStatus.ACTIVE,
            activity__entity__jurisdiction="FR",
        )
        .exclude(member__user__email__in=["member1@demo.coop", "advisor@demo.coop"])
        .select_related("activity__entity", "member__user")
        .order_by("activity_id")
        .first()
    )
    client = Client.objects.create(
        activity=holder.activity,
        name="Bench — Résidence Les Tilleuls",
        street="4 rue des Lilas",
        postcode="44000",
        city="Nantes",
        country="FR",
        language="fr",
        email="bench@example.org",
    )
    return holder.member.user, holder.activity, client


def _drafts(user, activity, client, n: int) -> list:
    from compagnon.sales import services
    from compagnon.sales.models import Kind

    return [
        services.create_document(
            actor=user, activity=activity, client=client, kind=Kind.INVOICE, lines=LINES
        )
        for _ in range(n)
    ]


def _issue(user, drafts, *, inline: bool) -> dict:
    import gc

    from compagnon.sales import services
    from compagnon.sales.tasks import render_document_pdf

    gc.collect()
    issued = []
    started = time.perf_counter()
    for draft in drafts:
        document = services.issue_document(actor=user, document=draft)
        if inline:
            render_document_pdf.call(document_id=document.pk)
        issued.append(document.pk)
        if len(issued) >= MIN_ISSUED and time.perf_counter() - started > TIME_CAP_S:
            break
    seconds = time.perf_counter() - started
    return {
        "invoices": len(issued),
        "seconds": round(seconds, 3),
        "per_second": round(len(issued) / seconds, 1),
        "ms_each": _ms(seconds / len(issued)),
        "ids": issued,
    }


class RawInsert:
    """The rows issue_document writes for an invoice — counter, document, lines, VAT breakdown,
    journal counter, entry, entry lines — inserted with plain SQL, one transaction per invoice.
    The copies continue the real numbering, so the bench database stays a sound set of books."""

    def __init__(self, document_ids):
        from django.db import connection

        from compagnon.ledger.models import Entry, EntryLine
        from compagnon.sales.models import Document, DocumentLine, VatBreakdown

        self.vendor = connection.vendor
        q = connection.ops.quote_name

        def columns(model, skip=("id",)):
            return [f for f in model._meta.concrete_fields if f.name not in skip]

        self.doc_fields = columns(Document)
        self.line_fields = columns(DocumentLine, ("id", "document"))
        self.vat_fields = columns(VatBreakdown, ("id", "document"))
        self.entry_fields = columns(Entry)
        self.entry_line_fields = columns(EntryLine, ("id", "entry"))

        def insert(model, fields, first=None):
            cols = ([first] if first else []) + [f.column for f in fields]
            marks = ["%s"] * len(cols)
            if model is Document:
                marks[cols.index("frozen")] = "%s::jsonb" if self.vendor == "postgresql" else "%s"
            returning = " RETURNING id" if first is None else ""
            return (
                f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in cols)}) "
                f"VALUES ({', '.join(marks)}){returning}"
            )

        self.sql_doc = insert(Document, self.doc_fields)
        self.sql_line = insert(DocumentLine, self.line_fields, first="document_id")
        self.sql_vat = insert(VatBreakdown, self.vat_fields, first="document_id")
        self.sql_entry = insert(Entry, self.entry_fields)
        self.sql_entry_line = insert(EntryLine, self.entry_line_fields, first="entry_id")
        self.sql_doc_counter = (
            "UPDATE sales_documentcounter SET last = last + 1 "
            "WHERE entity_id = %s AND series = %s AND year = %s RETURNING last"
        )
        self.sql_journal_counter = (
            "UPDATE ledger_journalcounter SET last = last + 1, last_date = %s "
            "WHERE journal_id = %s AND year = %s RETURNING last"
        )
        # The rows to copy, read once (not timed).
        self.sources = []
        docs = Document.objects.filter(pk__in=document_ids).select_related("entity").order_by("id")
        for doc in docs:
            entry = Entry.objects.get(source_type="sales.document", source_id=doc.pk, kind="issue")
            self.sources.append(
                {
                    "doc": doc,
                    "pattern": doc.entity.number_pattern(doc.series),
                    "lines": list(
                        DocumentLine.objects.filter(document=doc)
                        .order_by("position", "id")
                        .values_list(*[f.attname for f in self.line_fields])
                    ),
                    "vat": list(
                        VatBreakdown.objects.filter(document=doc).values_list(
                            *[f.attname for f in self.vat_fields]
                        )
                    ),
                    "entry": entry,
                    "entry_lines": list(
                        EntryLine.objects.filter(entry=entry)
                        .order_by("id")
                        .values_list(*[f.attname for f in self.entry_line_fields])
                    ),
                }
            )

    def _value(self, obj, f, connection, overrides):
        if f.name in overrides:
            return overrides[f.name]
        return f.get_db_prep_save(getattr(obj, f.attname), connection)

    def run(self) -> dict:
        import gc

        from django.db import connection, transaction
        from django.utils import timezone

        gc.collect()
        started = time.perf_counter()
        done = 0
        for src in self.sources:
            doc, entry = src["doc"], src["entry"]
            now = timezone.now()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(self.sql_doc_counter, [doc.entity_id, doc.series, doc.year])
                seq = cursor.fetchone()[0]
                number = src["pattern"].format(year=doc.year, seq=seq)
                frozen = json.dumps({**doc.frozen, "number": number})
                doc_values = [
                    self._value(
                        doc,
                        f,
                        connection,
                        {
                            "sequence": seq,
                            "number": number,
                            "frozen": frozen,
                            "created_at": now,
                            "updated_at": now,
                            "issued_at": now,
                            "pdf_requested_at": now,
                        },
                    )
                    for f in self.doc_fields
                ]
                cursor.execute(self.sql_doc, doc_values)
                doc_id = cursor.fetchone()[0]
                cursor.executemany(self.sql_line, [(doc_id, *row) for row in src["lines"]])
                cursor.executemany(self.sql_vat, [(doc_id, *row) for row in src["vat"]])
                cursor.execute(self.sql_journal_counter, [entry.date, entry.journal_id, entry.year])
                entry_number = cursor.fetchone()[0]
                entry_values = [
                    self._value(
                        entry,
                        f,
                        connection,
                        {
                            "number": entry_number,
                            "source_id": doc_id,
                            "posted_at": now,
                            "label": entry.label.replace(doc.number, number),
                        },
                    )
                    for f in self.entry_fields
                ]
                cursor.execute(self.sql_entry, entry_values)
                entry_id = cursor.fetchone()[0]
                cursor.executemany(
                    self.sql_entry_line,
                    [
                        (entry_id, *row[:-1], row[-1].replace(doc.number, number))
                        for row in src["entry_lines"]
                    ],
                )
            done += 1
        seconds = time.perf_counter() - started
        return {
            "invoices": done,
            "seconds": round(seconds, 3),
            "per_second": round(done / seconds, 1),
            "ms_each": _ms(seconds / done),
        }


def bench_issuing(issues: int, inline_issues: int) -> dict:
    user, activity, client = bench_activity()
    deferred = _issue(user, _drafts(user, activity, client, issues), inline=False)
    inline = _issue(user, _drafts(user, activity, client, inline_issues), inline=True)
    raw = RawInsert(deferred["ids"]).run()
    return {
        "activity": activity.name,
        "lines_per_invoice": len(LINES),
        "deferred": {k: v for k, v in deferred.items() if k != "ids"},
        "inline": {k: v for k, v in inline.items() if k != "ids"},
        "raw_sql": raw,
        "raw_over_deferred": round(raw["per_second"] / deferred["per_second"], 1),
        "deferred_over_inline": round(deferred["per_second"] / inline["per_second"], 1),
    }


# --- the two steps ---------------------------------------------------------------------------------


def before_scale(args, measurer, measure_pages) -> dict:
    users = demo_sales_users()
    baseline = measure_pages(measurer, users, "baseline, sales (demo data)", SALES_PAGES)
    print(f"\n== PDF: render_pdf of a one-page invoice, {args.pdf_renders} renders")
    pdf = bench_pdf(args.pdf_renders)
    print(
        f"  {pdf['document']} ({pdf['lines']} lines): median {pdf['median_ms']:.0f} ms "
        f"(min {pdf['min_ms']:.0f}, max {pdf['max_ms']:.0f}), {pdf['bytes']:,} bytes, "
        f"{pdf['pages']} page(s)"
    )
    print(f"\n== draft PDF: first request vs cached request ({args.pdf_renders} cached requests)")
    draft_pdf = bench_draft_pdf(args.pdf_renders)
    print(
        f"  first {draft_pdf['first_ms']:.0f} ms, cached median {draft_pdf['cached_median_ms']:.1f} "
        f"ms ({draft_pdf['first_over_cached']}x faster), 304 median "
        f"{draft_pdf['not_modified_median_ms']:.1f} ms"
    )
    print(
        f"\n== issuing: {args.issues} invoices with the PDF deferred, {args.inline_issues} "
        "with the PDF inline, then the same rows in raw SQL"
    )
    issuing = bench_issuing(args.issues, args.inline_issues)
    for mode in ("deferred", "inline", "raw_sql"):
        r = issuing[mode]
        print(
            f"  {mode:<9} {r['invoices']:>5} invoices in {r['seconds']:>6.2f} s: "
            f"{r['per_second']:>7.1f} invoices/s ({r['ms_each']:.1f} ms each)"
        )
    return {"baseline": baseline, "pdf": pdf, "draft_pdf": draft_pdf, "issuing": issuing}


def vacuum() -> float | None:
    """PostgreSQL: what autovacuum does minutes after a bulk load (hint bits, visibility map,
    statistics), done now so that it neither runs during the measurements nor is missing from
    them. Not part of the seed time."""
    from django.db import connection

    from compagnon.clients.models import Client
    from compagnon.ledger.models import Entry, EntryLine
    from compagnon.sales.models import Document, DocumentLine, VatBreakdown

    if connection.vendor != "postgresql":
        return None
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)
        for m in (Document, DocumentLine, VatBreakdown, Entry, EntryLine, Client)
    )
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
    return time.perf_counter() - t


def at_scale(args, measurer, measure_pages, users: dict) -> dict:
    from django.core.management import call_command

    from compagnon.organisation.models import Entity
    from compagnon.seeding.management.commands.seed_scale import scale_entity_numbers

    print(f"\n== seed_scale --invoices {args.invoices} --seed {args.seed}")
    buffer = io.StringIO()
    t = time.perf_counter()
    call_command("seed_scale", invoices=args.invoices, seed=args.seed, stdout=buffer)
    seed_s = time.perf_counter() - t
    for line in buffer.getvalue().splitlines():
        print(f"  {line}")
    vacuum_s = vacuum()
    if vacuum_s is not None:
        print(f"  VACUUM (ANALYZE) of the sales, ledger and client tables: {vacuum_s:.1f} s")
    scale_entities = list(
        Entity.objects.filter(company_number__in=scale_entity_numbers(args.seed)).values_list(
            "id", flat=True
        )
    )
    seller, seller_invoices = seller_of_most_invoices(scale_entities)
    users = dict(users, seller=seller)
    print(f"  seller: {seller.email} ({seller_invoices:,} invoices in their busiest activity)")
    measurer.reset()
    scale = measure_pages(
        measurer, users, f"at scale, sales (+{args.invoices:,} invoices)", SALES_PAGES
    )
    return {
        "seed_seconds": round(seed_s, 2),
        "vacuum_seconds": None if vacuum_s is None else round(vacuum_s, 2),
        "seed_output": buffer.getvalue().splitlines(),
        "seller": {"email": seller.email, "invoices": seller_invoices},
        "scale": scale,
    }


def report(state: dict, scaled: dict, args, compare) -> dict:
    rows = compare(state["baseline"], scaled["scale"], SALES_PAGES)
    pdf, issuing = state["pdf"], state["issuing"]
    verdict = "within" if pdf["within_budget"] else "OVER"
    print(
        f"\nPDF (one page, {pdf['lines']} lines): median {pdf['median_ms']:.0f} ms ({verdict} the "
        f"{PDF_BUDGET_MS:.0f} ms budget), {pdf['bytes'] / 1024:.0f} KiB"
    )
    dp = state["draft_pdf"]
    print(
        f"draft PDF: first request {dp['first_ms']:.0f} ms, cached request "
        f"{dp['cached_median_ms']:.1f} ms ({dp['first_over_cached']}x), 304 "
        f"{dp['not_modified_median_ms']:.1f} ms"
    )
    d, i, r = issuing["deferred"], issuing["inline"], issuing["raw_sql"]
    print(
        f"issuing: {d['per_second']:.1f} invoices/s with the PDF deferred, {i['per_second']:.1f}/s "
        f"inline ({issuing['deferred_over_inline']}x slower); raw SQL of the same rows "
        f"{r['per_second']:.1f}/s ({issuing['raw_over_deferred']}x the service)"
    )
    budget = SEED_BUDGET_S * args.invoices / 1_000_000
    seed_s = scaled["seed_seconds"]
    print(
        f"seed_scale --invoices {args.invoices:,}: {seed_s:.1f} s ({args.invoices / seed_s:,.0f} "
        f"invoices/s; {'within' if seed_s <= budget else 'OVER'} the pro-rata budget of 10 min "
        f"per million: {budget:.0f} s)"
    )
    print("\nSlowest query per sales page at scale (full SQL in sales-results.json):")
    from bench.run import summarize_sql

    for name, _url, _who in SALES_PAGES:
        q = scaled["scale"][name]["slowest_queries"][:1]
        if q:
            print(f"  {name:<26} {q[0]['ms']:>6.1f} ms  {summarize_sql(q[0]['sql'])}")
    return {
        "invoices": args.invoices,
        "seed": args.seed,
        "seed_scale_seconds": seed_s,
        "seed_scale_budget_seconds": round(budget, 1),
        "seed_scale_output": scaled["seed_output"],
        "vacuum_seconds": scaled["vacuum_seconds"],
        "seller": scaled["seller"],
        "pages": rows,
        "pdf": pdf,
        "draft_pdf": dp,
        "issuing": issuing,
    }
