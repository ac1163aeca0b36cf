"""Scale seeding of issued invoices and credit notes with their clients and ledger entries
(``manage.py seed_scale --invoices N``, composed in compagnon/seeding).

Written in bulk but built with the app's own rules: totals from sales.calculation.compute, the
frozen snapshot in the shape of sales.freeze.snapshot, the ledger entry that
sales.accounting.entry_lines would post; the first document of every chunk is rebuilt with those
functions and compared (``DocumentRows.verify``): the command stops if the shortcuts drift.
"""

from __future__ import annotations

import datetime
import json
import math
import time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from faker import Faker
from stdnum.fr import siren as fr_siren

from compagnon.clients.models import Client
from compagnon.core.bulk import Table, Writer
from compagnon.core.demo import kbo_from, rng, siren_from
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account, Entry, JournalCounter, PeriodLock
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
)
from compagnon.members.scale import EMAIL_DOMAIN, _pick, scale_entity_numbers
from compagnon.organisation.models import Entity
from compagnon.sales import accounting, payment
from compagnon.sales.freeze import _frozen_logo
from compagnon.sales.models import (
    SERIES,
    UNIT_CHOICES,
    Document,
    DocumentCounter,
    Kind,
)
from compagnon.sales.pdf import render_pdf
from compagnon.sales.pdf import sha256 as pdf_sha256
from compagnon.sales.scale_checks import ScaleChecks
from compagnon.sales.scale_data import (
    C2,
    C3,
    C4,
    CLIENT_FIELDS,
    CLIENT_LANGUAGES,
    CREDIT_NOTE_SHARE,
    DEFAULT_JOBS,
    DOC_CHUNK,
    INVOICE_MODELS,
    JOBS,
    PRICE_FACTORS,
    QUANTITIES,
    TERMS_CHOICES,
    WINDOW_DAYS,
    ActivityInfo,
    Books,
    buyer_json,
    qr_head,
)
from compagnon.sales.scale_rows import DocumentRows
from compagnon.sales.services import payment_reference_prefix


class InvoiceGenerator(DocumentRows, ScaleChecks):
    def __init__(self, command, writer: Writer, *, seed: int, n_invoices: int):
        self.out = command.stdout
        self.style = command.style
        self.w = writer
        self.seed = seed
        self.n_invoices = n_invoices
        self.r = rng(1_000_003 * (seed + 1) + 17)  # a stream of its own: members stay as they were
        self.today = timezone.localdate()
        self.stats: dict[str, int] = {}
        self._trigger: dict | None = None
        self._date_iso: dict = {}
        self._date_display: dict = {}
        self._midnight: dict = {}
        self._per_lang: dict = {}
        self._templates: dict = {}
        self.verified = 0
        self._quantity_cache: dict = {}
        self.build_seconds = self.wait_seconds = 0.0
        self.pending_checks: list[dict] = []

    def log(self, text: str) -> None:
        self.out.write(text)

    # --- reference data ---------------------------------------------------------------------------

    def books(self) -> list[Books]:
        fr_number, be_number = scale_entity_numbers(self.seed)
        entities = list(
            Entity.objects.filter(jurisdiction="FR", company_number=fr_number)
            | Entity.objects.filter(jurisdiction="BE", company_number=be_number)
        )
        entities.sort(key=lambda e: e.jurisdiction != "FR")
        if not entities:
            raise CommandError(
                f"--invoices goes to the activities of the scale entities of seed {self.seed}: "
                f"create them first (seed_scale --members N --seed {self.seed}, in this run or "
                "an earlier one)."
            )
        out = []
        series = {SERIES[Kind.INVOICE], SERIES[Kind.CREDIT_NOTE]}
        for entity in entities:
            ledger.ensure_chart(entity)
            journal = ledger._resolve_journal(entity, accounting.JOURNAL)
            accounts = {}
            for a in Account.objects.filter(entity=entity).exclude(role=""):
                accounts[(a.role, a.vat_rate)] = a.pk
            # Counters are locked until the commit: an invoice issued meanwhile in the app waits.
            doc_counters = {
                (c.series, c.year): c.last
                for c in DocumentCounter.objects.select_for_update().filter(
                    entity=entity, series__in=series
                )
            }
            entry_counters, entry_last = {}, {}
            for c in JournalCounter.objects.select_for_update().filter(journal=journal):
                entry_counters[c.year] = c.last
                entry_last[c.year] = c.last_date
            # Numbers follow the dates: start after the last document or entry already there.
            last_doc = (
                Document.objects.filter(entity=entity, series__in=series, sequence__isnull=False)
                .order_by("-issue_date")
                .values_list("issue_date", flat=True)
                .first()
            )
            start = self.today - datetime.timedelta(days=WINDOW_DAYS)
            for d in [last_doc, *entry_last.values()]:
                if d and d > start:
                    start = d
            lock = (
                PeriodLock.objects.filter(entity=entity)
                .order_by("-locked_until")
                .values_list("locked_until", flat=True)
                .first()
            )
            if lock and lock >= start:
                start = lock + datetime.timedelta(days=1)
            end = max(self.today, start)
            rules = entity.rules
            rates = [r.rate.quantize(C2) for r in rules.vat_rates if r.rate > 0]
            reference_prefix = payment_reference_prefix(entity)
            reference_kind, _ = payment.reference_for(entity.jurisdiction, self.today.year, 1, reference_prefix)
            out.append(
                Books(
                    entity=entity,
                    jurisdiction=entity.jurisdiction,
                    journal_id=journal.pk,
                    accounts=accounts,
                    patterns={s: entity.number_pattern(s) for s in series},
                    doc_counters=doc_counters,
                    entry_counters=entry_counters,
                    entry_last_date=entry_last,
                    start=start,
                    end=end,
                    rate_std=rates[0],
                    rate_second=rates[1] if len(rates) > 1 else rates[0],
                    rate_by_code={r.code: r.rate.quantize(C2) for r in rules.vat_rates},
                    reference_kind=reference_kind,
                    reference_prefix=reference_prefix,
                    qr_head=qr_head(entity),
                )
            )
        return out

    def load_activities(self, books: list[Books]) -> None:
        by_entity = {b.entity.pk: b for b in books}
        holders = dict(
            ActivityMembership.objects.filter(
                activity__entity_id__in=by_entity, role=ActivityRole.HOLDER
            )
            .order_by("activity_id", "id")
            .values_list("activity_id", "member__user_id")
        )
        rows = (
            Activity.objects.filter(entity_id__in=by_entity)
            .exclude(status=ActivityStatus.CLOSED)
            .order_by("id")
            .values_list(
                "id",
                "entity_id",
                "name",
                "trade__code",
                "trade__name_fr",
                "trade__name_nl",
                "trade__name_en",
                "brand_color",
                "letterhead",
                "footer",
                "logo",
                "payment_terms_days",
                "contribution_rate",
                "status",
            )
        )
        by_id = {}
        for (
            pk,
            entity_id,
            name,
            code,
            tfr,
            tnl,
            ten,
            colour,
            letterhead,
            footer,
            logo,
            terms,
            rate,
            status,
        ) in rows.iterator(chunk_size=5000):
            b = by_entity[entity_id]
            info = ActivityInfo(
                id=pk,
                entity_id=entity_id,
                name=name,
                trade_code=code or "",
                trade_names=(tfr, tnl, ten) if code else None,
                brand_color=colour,
                letterhead=letterhead,
                footer=footer,
                logo=logo or "",
                terms=terms,
                rate=rate if rate is not None else b.entity.contribution_rate,
                holder=holders.get(pk),
                paused=status == ActivityStatus.PAUSED,
                name_json=json.dumps(name, ensure_ascii=False),
            )
            b.activities.append(info)
            by_id[pk] = info
        # A logo is frozen (copied to a content-addressed path) as issuing does, once.
        with_logo = [info for info in by_id.values() if info.logo]
        for obj in Activity.objects.filter(pk__in=[info.id for info in with_logo]):
            by_id[obj.pk].logo = _frozen_logo(obj)
        clients = (
            Client.objects.filter(activity__entity_id__in=by_entity, archived=False)
            .exclude(street="")
            .exclude(postcode="")
            .exclude(city="")
            .order_by("id")
        )
        for c in clients.iterator(chunk_size=5000):
            info = by_id.get(c.activity_id)
            if info is not None:
                info.clients.append(self.client_info(c))
        self.by_activity = by_id

    @staticmethod
    def client_info(c) -> tuple:
        """What a document needs of a client, its frozen "buyer" block already in JSON."""
        buyer = buyer_json(
            name=c.name,
            kind=c.kind,
            address=c.address_lines,
            country=c.country,
            company_number=c.company_number,
            vat_number=c.vat_number,
            email=c.email,
            peppol_scheme=c.peppol_scheme,
            peppol_id=c.peppol_id,
            site=[x for x in (c.site_street, f"{c.site_postcode} {c.site_city}".strip()) if x],
            street=c.street,
            postcode=c.postcode,
            city=c.city,
        )
        return (c.pk, c.name, c.language, c.payment_terms_days, c.kind == "company", buyer)

    def pools(self) -> None:
        def unique(values):
            return list(dict.fromkeys(v for v in values if v))

        fr, be = Faker("fr_FR"), Faker("nl_BE")
        fr.seed_instance(self.seed + 100)
        be.seed_instance(self.seed + 101)
        self.company_names = {
            "FR": unique(fr.company() for _ in range(3000)),
            "BE": unique(be.company() for _ in range(3000)),
        }
        self.person_names = {
            "FR": (
                unique(fr.first_name() for _ in range(800)),
                unique(fr.last_name() for _ in range(1500)),
            ),
            "BE": (
                unique(be.first_name() for _ in range(800)),
                unique(be.last_name() for _ in range(1500)),
            ),
        }
        self.addresses = {
            "FR": [(fr.street_address(), fr.postcode(), fr.city()) for _ in range(1500)],
            "BE": [(be.street_address(), be.postcode(), be.city()) for _ in range(1500)],
        }
        self.quantities = {
            unit: [Decimal(q).quantize(C3) for q in values] for unit, values in QUANTITIES.items()
        }
        self.jobs = {}
        for code, jobs in list(JOBS.items()) + [("", DEFAULT_JOBS)]:
            out = []
            for fr_text, nl_text, en_text, unit, price in jobs:
                base = Decimal(price)
                step = Decimal("0.01") if base < 1 else Decimal("0.5")
                prices = [
                    ((base * Decimal(f)) / step).quantize(Decimal("1")) * step
                    for f in PRICE_FACTORS
                ]
                out.append(
                    (
                        (fr_text, nl_text, en_text),
                        unit,
                        [p.quantize(C4) for p in prices],
                        "WORDS" if base < 1 else unit,
                    )
                )
            self.jobs[code] = out

    # --- per language, cached -------------------------------------------------------------------

    def lang(self, language: str) -> dict:
        """Labels the app prints in ``language``, translated once."""
        cached = self._per_lang.get(language)
        if cached is not None:
            return cached
        with translation.override(language):
            cached = {
                "units": {code: str(label) for code, label in UNIT_CHOICES},
                "kind": {k.value: str(k.label) for k in Kind},
                "credit_title": gettext("Credit note for invoice %(number)s"),
            }
        self._per_lang[language] = cached
        return cached

    def date_iso(self, d: datetime.date) -> str:
        s = self._date_iso.get(d)
        if s is None:
            s = self._date_iso[d] = d.isoformat()
        return s

    def date_display(self, language: str, d: datetime.date) -> str:
        key = (language, d)
        s = self._date_display.get(key)
        if s is None:
            with translation.override(language):
                s = self._date_display[key] = date_format(d)
        return s

    def moment(self, d: datetime.date, minutes: int):
        """An aware datetime ``minutes`` after local midnight of ``d``, adapted for the database."""
        base = self._midnight.get(d)
        if base is None:
            base = self._midnight[d] = timezone.make_aware(
                datetime.datetime.combine(d, datetime.time())
            )
        return self.w.ops.adapt_datetimefield_value(base + datetime.timedelta(minutes=minutes))

    def activity_json(self, a: ActivityInfo, language: str) -> str:
        s = a.json.get(language)
        if s is None:
            if a.trade_names is None:
                trade = ""
            else:
                trade = (
                    a.trade_names[{"fr": 0, "nl": 1, "en": 2}.get(language, 0)] or a.trade_names[0]
                )
            s = a.json[language] = json.dumps(
                {
                    "name": a.name,
                    "trade": trade,
                    "brand_color": a.brand_color,
                    "letterhead": a.letterhead,
                    "footer": a.footer,
                    "logo": a.logo,
                },
                ensure_ascii=False,
            )
        return s

    # --- the run ----------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        t0 = time.perf_counter()
        books = self.books()
        self.pools()
        self.load_activities(books)
        books = [b for b in books if b.activities]
        if not books:
            raise CommandError(
                f"The scale entities of seed {self.seed} have no open activity to invoice from."
            )
        self.trigger_before()
        for key in (
            "clients",
            "invoices",
            "credit notes",
            "document lines",
            "VAT rows",
            "entries",
            "entry lines",
        ):
            self.stats[key] = 0
        total_activities = sum(len(b.activities) for b in books)
        shares = [self.n_invoices * len(b.activities) // total_activities for b in books]
        shares[0] += self.n_invoices - sum(shares)
        self.log(
            f"  reference data ({total_activities:,} open activities, "
            f"{sum(len(a.clients) for b in books for a in b.activities):,} existing clients): "
            f"{time.perf_counter() - t0:.1f} s"
        )
        try:
            for b, n in zip(books, shares, strict=True):
                if n:
                    self.entity_run(b, n)
            self.wait_seconds += self.w.wait()
        except BaseException:
            # never leave the writer thread on the connection while the transaction rolls back
            try:
                self.w.wait()
            except Exception:  # noqa: S110 - the first error is the one to report
                pass
            raise
        self.run_checks()
        self.save_counters(books)
        self.stats["documents verified against snapshot()/entry_lines()"] = self.verified
        self.log(
            f"  documents: {self.build_seconds:.1f} s building rows (Python) while the previous "
            f"chunk was written, {self.wait_seconds:.1f} s more waiting for the writes "
            f"({'COPY' if self.w.vendor == 'postgresql' else 'executemany'})"
        )
        return self.stats

    def entity_run(self, b: Books, n_invoices: int) -> None:
        r = self.r
        rand = r.random
        started = time.perf_counter()
        acts = b.activities
        n_credit = round(n_invoices * CREDIT_NOTE_SHARE)
        total = n_invoices + n_credit
        # Some activities invoice far more than others (log-normal), paused ones less.
        cum, t = [], 0.0
        for a in acts:
            t += r.lognormvariate(0.0, 1.0) * (0.3 if a.paused else 1.0)
            cum.append(t)
        invoice_activities = r.choices(acts, cum_weights=cum, k=n_invoices)
        planned: dict[int, int] = {}
        for a in invoice_activities:
            planned[a.id] = planned.get(a.id, 0) + 1
        self.make_clients(b, planned)
        t_clients = time.perf_counter()

        # Issue dates: more recent ones more frequent (a growing cooperative), few on weekends;
        # sorted, so that numbers follow the dates.
        span = (b.end - b.start).days
        first_weekday = b.start.weekday()
        days = []
        for _ in range(total):
            off = min(span, int((span + 1) * math.sqrt(rand())))
            weekday = (first_weekday + off) % 7
            if weekday >= 5 and rand() < 0.85 and off - (weekday - 4) >= 0:
                off -= weekday - 4
            days.append(off)
        days.sort()
        per_day: dict[int, int] = {}
        for off in days:
            per_day[off] = per_day.get(off, 0) + 1
        dates = [b.start + datetime.timedelta(days=i) for i in range(span + 1)]
        credit_slots = set(r.sample(range(1, total), n_credit)) if total > 1 and n_credit else set()

        state = {
            "invoice_no": 0,  # index into invoice_activities
            "pending_credit": 0,
            "recent": [],  # invoices that may still be credited
            "keep": max(50, min(20_000, total * 20 // max(1, span))),
            "seen_in_day": (None, 0),
        }
        self.log(
            f"  {b.entity.name}: {n_invoices:,} invoices + {n_credit:,} credit notes from "
            f"{b.start} to {b.end}, {len(acts):,} activities; clients "
            f"{t_clients - started:.1f} s"
        )
        done = 0
        ids = self.reserve_documents(min(DOC_CHUNK, total))
        while done < total:
            n = min(DOC_CHUNK, total - done)
            t = time.perf_counter()
            batches = self.chunk(
                b,
                days[done : done + n],
                dates,
                per_day,
                credit_slots,
                done,
                invoice_activities,
                state,
                ids,
            )
            built = time.perf_counter()
            waited = self.w.wait()  # the previous chunk's write
            self.wait_seconds += waited
            self.run_checks()
            done += n
            ids = self.reserve_documents(min(DOC_CHUNK, total - done)) if done < total else None
            self.w.insert_in_background(batches)
            self.log(
                f"    documents {done:,}/{total:,}: built in {built - t:.1f} s, "
                f"waited {waited:.1f} s for the previous write "
                f"({sum(len(rows) for _m, _n, rows in batches):,} rows)"
            )

    def reserve_documents(self, n: int) -> tuple[list[int], list[int]]:
        return self.w.reserve_ids(Document, n), self.w.reserve_ids(Entry, n)

    def run_checks(self) -> None:
        checks, self.pending_checks = self.pending_checks, []
        for kwargs in checks:
            self.verify(**kwargs)

    # --- clients ------------------------------------------------------------------------------

    def make_clients(self, b: Books, planned: dict[int, int]) -> None:
        """Each activity about to invoice gets 3–20 clients (no more than its invoices), counting
        the ones it already has."""
        r = self.r
        rand = r.random
        country = b.jurisdiction
        need = []
        for a in b.activities:
            n = planned.get(a.id, 0)
            if not n:
                continue
            missing = min(n, 3 + int(rand() * 18)) - len(a.clients)
            if missing > 0:
                need.append((a, missing))
        total = sum(m for _, m in need)
        if not total:
            return
        ids = iter(self.w.reserve_ids(Client, total))
        table = Table(Client, CLIENT_FIELDS)
        created = self.moment(b.start, 8 * 60)
        companies = self.company_names[country]
        firsts, lasts = self.person_names[country]
        addresses = self.addresses[country]
        languages = CLIENT_LANGUAGES[country]
        for a, missing in need:
            for _ in range(missing):
                cid = next(ids)
                business = rand() < 0.65
                street, postcode, city = addresses[int(rand() * len(addresses))]
                language = _pick(languages, rand())
                terms = TERMS_CHOICES[int(rand() * len(TERMS_CHOICES))]
                site = ("", "", "")
                if business:
                    name = companies[int(rand() * len(companies))]
                    kind = "company"
                    if country == "FR":
                        number = siren_from(r.randrange(10**7, 10**8))
                        vat = "FR" + fr_siren.to_tva(number)
                        peppol = ("", "")
                    else:
                        number = kbo_from(r.randrange(10**6, 10**7))
                        vat = "BE" + number
                        peppol = ("0208", number)
                else:
                    name = f"{firsts[int(rand() * len(firsts))]} {lasts[int(rand() * len(lasts))]}"
                    kind = "individual"
                    number, vat, peppol = "", "", ("", "")
                    if rand() < 0.1:
                        site = addresses[int(rand() * len(addresses))]
                email = f"c{cid}@clients.{EMAIL_DOMAIN}"
                if rand() < 0.5:
                    a1, a2, a3, a4 = (int(rand() * 100) for _ in range(4))
                    phone = (
                        f"+33 2 {a1:02d} {a2:02d} {a3:02d} {a4:02d}"
                        if country == "FR"
                        else f"+32 2 {a1:02d}{a2 % 10} {a3:02d} {a4:02d}"
                    )
                else:
                    phone = ""
                table.add(
                    (
                        cid,
                        a.id,
                        kind,
                        name,
                        email,
                        phone,
                        language,
                        terms,
                        street,
                        postcode,
                        city,
                        country,
                        site[0],
                        site[1],
                        site[2],
                        number,
                        vat,
                        peppol[0],
                        peppol[1],
                        "",
                        False,
                        created,
                        created,
                    )
                )
                buyer = buyer_json(
                    name=name,
                    kind=kind,
                    address=[x for x in (street, f"{postcode} {city}".strip()) if x],
                    country=country,
                    company_number=number,
                    vat_number=vat,
                    email=email,
                    peppol_scheme=peppol[0],
                    peppol_id=peppol[1],
                    site=[x for x in (site[0], f"{site[1]} {site[2]}".strip()) if x],
                    street=street,
                    postcode=postcode,
                    city=city,
                )
                a.clients.append((cid, name, language, terms, business, buyer))
            if len(table.rows) >= 20_000:
                self.stats["clients"] += table.flush(self.w)
        self.stats["clients"] += table.flush(self.w)

    def specimen_pdf(self, b: Books, frozen: str) -> None:
        """One real PDF per entity and run, rendered from the first document's snapshot; every
        document of the run points to it (see bench/README.md: scale data measures lists and
        queries, not the archive)."""
        data = render_pdf(json.loads(frozen))
        b.pdf_name = default_storage.save(
            f"documents/scale/specimen-{b.entity.pk}.pdf", ContentFile(data)
        )
        b.pdf_sha256 = pdf_sha256(data)

    def save_counters(self, books: list[Books]) -> None:
        for b in books:
            for (series, year), last in b.doc_counters.items():
                DocumentCounter.objects.update_or_create(
                    entity=b.entity, series=series, year=year, defaults={"last": last}
                )
            for year, last in b.entry_counters.items():
                JournalCounter.objects.update_or_create(
                    journal_id=b.journal_id,
                    year=year,
                    defaults={
                        "entity": b.entity,
                        "last": last,
                        "last_date": b.entry_last_date[year],
                    },
                )

    # --- the cost of the balance trigger (PostgreSQL) --------------------------------------------

    TRIGGER_FUNCTION = "ledger_check_entry_balanced"

    def _trigger_totals(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(calls), 0), coalesce(sum(total_time), 0) "
                "FROM pg_stat_user_functions WHERE funcname = %s",
                [self.TRIGGER_FUNCTION],
            )
            calls, ms = cursor.fetchone()
        return int(calls), float(ms)

    def trigger_before(self) -> None:
        """Count the calls and time of the trigger function for this transaction only
        (track_functions is a superuser setting: without it, no figure, nothing else changes)."""
        if self.w.vendor != "postgresql":
            return
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL track_functions = 'pl'")
        except DatabaseError:
            return
        self._trigger = self._trigger_totals()

    def trigger_stats(self) -> dict | None:
        """After the commit: what the balance trigger cost (its calls run at COMMIT)."""
        if self._trigger is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        for _ in range(20):
            calls, ms = self._trigger_totals()
            if calls > self._trigger[0]:
                break
            time.sleep(0.1)
        return {"calls": calls - self._trigger[0], "seconds": (ms - self._trigger[1]) / 1000}


def seed_invoices(command, invoices: int, seed: int) -> None:
    """``seed_scale --invoices N``: write the documents, clients and entries of ``seed`` and
    report on ``command.stdout``."""
    started = time.perf_counter()
    writer = Writer()
    generator = InvoiceGenerator(command, writer, seed=seed, n_invoices=invoices)
    with transaction.atomic():
        stats = generator.run()
        # the entries' lines went in by COPY, around the posting service: their month totals
        # (ledger.MonthTotal, read by the budget and the home figures) are computed from them here
        from compagnon.ledger import totals
        from compagnon.organisation.models import Entity

        totals.rebuild(list(Entity.objects.values_list("pk", flat=True)))
        finishing = time.perf_counter()
        writer.analyze(INVOICE_MODELS)
        analyzed = time.perf_counter()
        command.stdout.write(f"  analyze: {analyzed - finishing:.1f} s")
    committed = time.perf_counter()
    command.stdout.write(
        f"  commit (deferred foreign keys + entry balance trigger): {committed - analyzed:.1f} s"
    )
    trigger = generator.trigger_stats()
    if trigger:
        command.stdout.write(
            f"  of which the balance trigger: {trigger['calls']:,} calls, "
            f"{trigger['seconds']:.1f} s"
        )
    elapsed = committed - started
    summary = ", ".join(f"{n:,} {what}" for what, n in stats.items())
    command.stdout.write(summary)
    command.stdout.write(
        command.style.SUCCESS(
            f"seed_scale: {invoices:,} invoices in {elapsed:.1f} s "
            f"({writer.rows:,} rows, {writer.rows / elapsed:,.0f} rows/s, "
            f"{invoices / elapsed:,.0f} invoices/s) on {writer.vendor}"
        )
    )
