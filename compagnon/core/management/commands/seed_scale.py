"""Generate a large synthetic cooperative, fast, for load tests and the benchmark (``bench/``).

    manage.py seed_scale --members 100000 [--seed 1] [--offices 40]
    manage.py seed_scale --invoices 1000000 [--seed 1]     # on the activities of that seed
    manage.py seed_scale --members 100000 --invoices 1000000

What it writes (all additive, next to whatever the database already holds):

* one French and one Belgian entity per seed (valid SIREN / KBO numbers), re-used when the same
  seed runs again;
* ``--offices`` offices (default members / 2500, at least 4), 60 % French, with very unequal
  sizes (a few big offices, a long tail of small ones), one or two advisors each, and one
  administrator of both entities (``admin-<seed>@scale.test``);
* ``--members`` members, each with a user (``m<seed>-<i>@scale.test``, password "scale"), a
  verified email address, 1–3 trades, a status reached step by step (one MemberStatusChange row
  per step), a maturity that fits the status, and 1–2 activities they hold unless they are an
  applicant; about 2 % of the activities are collectives shared with 1–2 colleagues of the same
  office (contributors);
* ``--invoices`` issued invoices, plus ~5 % credit notes of earlier ones, on the open activities
  of the seed's entities (from this run or an earlier one): 3–20 clients per invoicing activity
  (existing ones count, none beyond its invoices), 1–6 lines per document from a catalogue per
  trade, a few exempt, multi-rate or discounted documents; their VAT breakdown, totals from
  ``sales.calculation.compute``, the frozen snapshot of ``sales.freeze.snapshot`` (e-invoicing
  keys included: endpoints, exemption reasons, allowances, payment block with the EPC QR
  payload, notes), the payment reference of ``sales.payment.reference_for`` on invoices, the
  ledger entry of ``sales.accounting.entry_lines``; issue dates over the last 3 years (more
  recent ones more frequent), numbered gap-free in date order per entity, series and year — the
  document counters and the sales journal's counters end on the last numbers. A second run starts at the
  last date already booked, so numbers keep following the dates. PDFs are not rendered per
  document: one real PDF per entity and run (the first document's) is archived and every
  document of the run points to it, with its SHA-256 — scale data is for lists and queries, not
  for the archive. The first document of every chunk (and the first credit note) is rebuilt with
  the app's own snapshot() and entry_lines() and compared: the command stops on any difference.

Everything derives from ``--seed``: the same seed gives the same names, offices, statuses and
activities, whatever the database already holds (only ids, emails and member numbers move on).

Speed: names, cities and streets come from pools drawn once from Faker; rows are built as plain
tuples and written with PostgreSQL ``COPY`` or SQLite ``executemany`` (ids reserved up front), so
100,000 members with their history and activities load in well under a minute on a laptop.
Invoices are written by a background thread while the next chunk is built (the database indexes
one chunk while Python prepares the next). On PostgreSQL the foreign keys and the ledger's
balance trigger are checked at COMMIT (deferred, as always: nothing is disabled); the command
reports that time and, when it may (superuser), the trigger's own share.
Model ``save()``, signals and audit events are bypassed on purpose: this is synthetic bulk data.
"""

from __future__ import annotations

import datetime
import json
import math
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from faker import Faker
from stdnum.fr import siren as fr_siren

from compagnon.accounts.models import Role, RoleAssignment, User
from compagnon.clients.models import Client
from compagnon.core.demo import TRADES, kbo_from, rng, siren_from
from compagnon.core.management.commands.seed_demo import ensure_trades
from compagnon.jurisdictions.parties import default_peppol_id
from compagnon.ledger import services as ledger
from compagnon.ledger.models import Account, Entry, EntryLine, JournalCounter, PeriodLock
from compagnon.members.models import (
    Activity,
    ActivityMembership,
    ActivityRole,
    ActivityStatus,
    Maturity,
    Member,
    MemberStatus,
    MemberStatusChange,
)
from compagnon.organisation.models import Entity, Office
from compagnon.sales import accounting, payment
from compagnon.sales.calculation import ROUNDING_RULE, Line, compute, money
from compagnon.sales.freeze import _frozen_logo, snapshot
from compagnon.sales.models import (
    SERIES,
    UNIT_CHOICES,
    Document,
    DocumentCounter,
    DocumentLine,
    Kind,
    LineKind,
    State,
    VatBreakdown,
)
from compagnon.sales.pdf import render_pdf
from compagnon.sales.pdf import sha256 as pdf_sha256

PASSWORD = "scale"
EMAIL_DOMAIN = "scale.test"
CHUNK = 20_000  # members generated and written per round: bounds memory, keeps batches large
# The scale entities' bank accounts (valid IBANs), so invoices carry an EPC QR code as real ones do.
SCALE_IBAN = {
    "FR": ("FR7630006000011234567890189", "AGRIFRPP"),
    "BE": ("BE68539007547034", "GKCCBEBB"),
}

FR_CITIES = [
    ("Nantes", "44000"),
    ("Lyon", "69001"),
    ("Rennes", "35000"),
    ("Lille", "59000"),
    ("Bordeaux", "33000"),
    ("Toulouse", "31000"),
    ("Marseille", "13001"),
    ("Angers", "49100"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Grenoble", "38000"),
    ("Tours", "37000"),
    ("Brest", "29200"),
    ("Dijon", "21000"),
    ("Clermont-Ferrand", "63000"),
    ("Rouen", "76000"),
    ("Caen", "14000"),
    ("Poitiers", "86000"),
    ("Limoges", "87000"),
    ("Besançon", "25000"),
    ("Le Mans", "72000"),
    ("Saint-Étienne", "42000"),
    ("Nancy", "54000"),
    ("Metz", "57000"),
    ("Amiens", "80000"),
    ("Orléans", "45000"),
    ("Reims", "51100"),
    ("Perpignan", "66000"),
    ("Nîmes", "30000"),
    ("Avignon", "84000"),
    ("La Rochelle", "17000"),
    ("Quimper", "29000"),
]
BE_CITIES = [
    ("Bruxelles / Brussel", "1000"),
    ("Gent", "9000"),
    ("Antwerpen", "2000"),
    ("Liège", "4000"),
    ("Namur", "5000"),
    ("Leuven", "3000"),
    ("Brugge", "8000"),
    ("Charleroi", "6000"),
    ("Mons", "7000"),
    ("Hasselt", "3500"),
    ("Mechelen", "2800"),
    ("Kortrijk", "8500"),
    ("Louvain-la-Neuve", "1348"),
    ("Aalst", "9300"),
    ("Arlon", "6700"),
    ("Oostende", "8400"),
]
# How popular each trade is (same order as TRADES) and a few skills per trade.
TRADE_WEIGHTS = [14, 10, 9, 9, 12, 6, 6, 5, 6, 10, 8, 5]
SKILLS = {
    "gardening": ["taille", "haies", "potagers", "permaculture", "élagage", "gazon"],
    "it-repair": ["dépannage PC", "réseaux", "Linux", "sauvegardes", "smartphones"],
    "graphic-design": ["identité visuelle", "mise en page", "illustration", "Figma"],
    "training": ["formation adultes", "ateliers", "e-learning", "animation"],
    "consulting": ["stratégie", "gestion de projet", "RSE", "financement"],
    "photography": ["portrait", "reportage", "produit", "retouche"],
    "carpentry": ["agencement", "escaliers", "parquet", "ébénisterie"],
    "translation": ["anglais", "néerlandais", "allemand", "sous-titrage"],
    "music": ["concerts", "cours de guitare", "sonorisation", "chant"],
    "web-development": ["Django", "WordPress", "accessibilité", "SEO", "React"],
    "home-help": ["aide aux seniors", "ménage", "courses", "garde d'enfants"],
    "catering": ["buffets", "cuisine végétarienne", "événements", "pâtisserie"],
}
COLOURS = [
    "#2f6f4f",
    "#a0522d",
    "#1d5a8a",
    "#8b3a62",
    "#b8860b",
    "#456990",
    "#c44536",
    "#3d5a40",
    "#5b4b8a",
    "#0f766e",
    "#9a3412",
    "#334155",
]
LANGUAGES_SPOKEN = {
    "fr": ["français"],
    "nl": ["Nederlands", "français"],
    "en": ["English", "français"],
}

S_APPLICANT, S_CONTRACT, S_ASSOCIATE, S_LEFT = (
    MemberStatus.APPLICANT.value,
    MemberStatus.CONTRACT.value,
    MemberStatus.ASSOCIATE.value,
    MemberStatus.LEFT.value,
)
# (cumulative probability, status path). Everyone starts as an applicant, as in the app.
STATUS_PATHS = [
    (0.12, (S_APPLICANT,)),
    (0.50, (S_APPLICANT, S_CONTRACT)),
    (0.83, (S_APPLICANT, S_CONTRACT, S_ASSOCIATE)),
    (0.865, (S_APPLICANT, S_LEFT)),
    (0.945, (S_APPLICANT, S_CONTRACT, S_LEFT)),
    (1.0, (S_APPLICANT, S_CONTRACT, S_ASSOCIATE, S_LEFT)),
]
# (cumulative probability, maturity) by current status
MATURITY = {
    S_APPLICANT: [(1.0, Maturity.NEW.value)],
    S_CONTRACT: [
        (0.5, Maturity.NEW.value),
        (0.9, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
    S_ASSOCIATE: [
        (0.05, Maturity.NEW.value),
        (0.4, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
    S_LEFT: [
        (0.4, Maturity.NEW.value),
        (0.75, Maturity.DEVELOPING.value),
        (1.0, Maturity.ESTABLISHED.value),
    ],
}
# days spent in a status before the next step: (min, max)
STEP_DAYS = {S_APPLICANT: (15, 120), S_CONTRACT: (300, 1100), S_ASSOCIATE: (200, 1500)}


def scale_entity_numbers(seed: int) -> tuple[str, str]:
    """The SIREN of the French and the KBO number of the Belgian scale entity of ``seed``."""
    return siren_from(80_000_000 + seed), kbo_from(8_000_000 + seed)


def _pick(table, x):
    for p, value in table:
        if x < p:
            return value
    return table[-1][1]


# --- payment references and the EPC QR code, as sales.payment makes them, without its overhead
# (the first document of every chunk is checked against payment.reference_for and snapshot())

QR_MAX = Decimal("999999999.99")


def payment_reference(kind: str, year: int, sequence: int) -> str:
    """payment.reference_for(...)[1]: the mod-97 checks in plain integer arithmetic."""
    if kind == payment.STRUCTURED:
        if sequence >= 10_000_000:
            return payment.structured_communication(year, sequence)  # raises, as issuing would
        base = f"{year % 100:02d}1{sequence:07d}"
        return f"{base}{(int(base) % 97) or 97:02d}"
    body = f"{year}{sequence:07d}"
    # ISO 7064 mod 97-10 over body + "RF" + "00", the letters as their base-36 values (R=27, F=15)
    return f"RF{98 - int(body + '271500') % 97:02d}{body}"


def reference_display(kind: str, reference: str) -> str:
    """payment.display(kind, reference) for the compact references payment_reference() gives."""
    if kind == payment.STRUCTURED:
        return f"+++{reference[:3]}/{reference[3:7]}/{reference[7:]}+++"
    if len(reference) == 15:  # RF, 2 check digits, year, 7-digit sequence: blocks of 4
        return f"{reference[:4]} {reference[4:8]} {reference[8:12]} {reference[12:]}"
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def qr_head(entity) -> str:
    """The EPC QR payload of payment.epc_qr_payload up to "EUR" (what depends on the seller
    only), or "" when the seller has no IBAN (no QR code)."""
    if not entity.iban:
        return ""
    name = entity.legal_name or entity.name
    return "\n".join(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            (entity.bic or "").replace(" ", ""),
            name[:70],
            entity.iban.replace(" ", "").upper(),
            "EUR",
        ]
    )


def qr_payload(head: str, kind: str, amount: Decimal, reference: str, display: str) -> str:
    """payment.epc_qr_payload(name, iban, bic, amount, kind, reference) from qr_head()."""
    if not head or amount < C2 or amount > QR_MAX:
        return ""
    if kind == payment.CREDITOR:
        return f"{head}{amount:.2f}\n\n{reference}"
    return f"{head}{amount:.2f}\n\n\n{display[:140]}".rstrip("\n")


def buyer_json(
    *,
    name,
    kind,
    address,
    country,
    company_number,
    vat_number,
    email,
    peppol_scheme,
    peppol_id,
    site,
    street,
    postcode,
    city,
) -> str:
    """The frozen "buyer" block of freeze.snapshot for a client, as JSON."""
    endpoint = (peppol_scheme, peppol_id) if peppol_id else ("", "")
    if not endpoint[1] and kind == "company":
        endpoint = default_peppol_id(country, company_number, vat_number)
    return json.dumps(
        {
            "name": name,
            "kind": kind,
            "address": address,
            "country": country,
            "company_number": company_number,
            "vat_number": vat_number,
            "email": email,
            "peppol_scheme": peppol_scheme,
            "peppol_id": peppol_id,
            "site": site,
            "street": street,
            "postcode": postcode,
            "city": city,
            "endpoint_scheme": endpoint[0],
            "endpoint_id": endpoint[1],
        },
        ensure_ascii=False,
    )


@dataclass
class OfficeInfo:
    id: int
    entity_id: int
    country: str
    city: str
    postcode: str
    advisors: list[int] = field(default_factory=list)


# --- writing -----------------------------------------------------------------------------------


class Writer:
    """Reserve ids and write plain tuples as fast as the database allows (COPY / executemany)."""

    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise CommandError("seed_scale supports PostgreSQL and SQLite only.")
        self.ops = connection.ops
        self.rows = 0
        self._sqlite_next: dict[str, int] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @staticmethod
    def columns(model, names):
        meta = model._meta
        return meta.db_table, [meta.get_field(n).column for n in names]

    def reserve_ids(self, model, n: int) -> list[int]:
        self.wait()
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # nextval() is safe against concurrent writers; the identity column accepts them.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(table), n],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the surrounding transaction holds the write lock (IMMEDIATE), so max(id) is ours.
            if table not in self._sqlite_next:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                self._sqlite_next[table] = cursor.fetchone()[0] + 1
            first = self._sqlite_next[table]
            self._sqlite_next[table] = first + n
            return list(range(first, first + n))

    def insert(self, model, names, rows) -> None:
        if not rows:
            return
        self.wait()
        self._write(connection.connection, model, names, rows)
        self.rows += len(rows)

    def _write(self, raw, model, names, rows) -> None:
        """Write on the DB-API connection itself: no per-row Django overhead, and usable from
        the background thread (Django's connection object is per thread)."""
        table, cols = self.columns(model, names)
        quoted = ", ".join(self.ops.quote_name(c) for c in cols)
        if self.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(
                    f"COPY {self.ops.quote_name(table)} ({quoted}) FROM STDIN"
                ) as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
        else:
            marks = ", ".join("?" * len(cols))
            raw.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608

    def insert_in_background(self, batches) -> None:
        """Write ``[(model, names, rows), …]`` from a thread while the caller builds the next
        rows: the database parses, indexes and logs one chunk while Python prepares the next
        (2 cores busy instead of one at a time). Same connection, same transaction: the caller
        must not touch the database until ``wait()`` (which re-raises a failed write)."""
        self.wait()
        raw = connection.connection
        batches = [batch for batch in batches if batch[2]]
        self.rows += sum(len(rows) for _m, _n, rows in batches)

        def work():
            try:
                for model, names, rows in batches:
                    self._write(raw, model, names, rows)
            except BaseException as exc:  # noqa: BLE001 - handed over to wait()
                self._error = exc

        self._thread = threading.Thread(target=work, name="seed_scale-writer", daemon=True)
        self._thread.start()

    def wait(self) -> float:
        """Block until the background write is done; return the seconds spent waiting."""
        if self._thread is None:
            return 0.0
        started = time.perf_counter()
        self._thread.join()
        self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error
        return time.perf_counter() - started

    def analyze(self, models) -> None:
        """Fresh planner statistics, as autovacuum would produce them a minute later."""
        self.wait()
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {self.ops.quote_name(model._meta.db_table)}")


# --- the command -------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Generate a large synthetic cooperative: members (--members) and/or issued invoices with "
        "their books (--invoices). Bulk inserts, deterministic with --seed, additive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=0, help="How many members to add (default 0)."
        )
        parser.add_argument(
            "--invoices",
            type=int,
            default=0,
            help="How many issued invoices to add (plus ~5 %% credit notes), with their lines, "
            "VAT breakdown, frozen snapshot and ledger entries, to the activities of --seed "
            "(default 0).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--offices",
            type=int,
            default=None,
            help="Number of offices (default: members / 2500, at least 4).",
        )

    def handle(
        self,
        *args,
        members: int = 0,
        invoices: int = 0,
        seed: int = 1,
        offices: int | None = None,
        **options,
    ):
        if getattr(settings, "PRODUCTION", False):
            # 100,000 logins with a known password and no two-factor requirement: never in production.
            raise CommandError("seed_scale refuses to run with DJANGO_ENV=production.")
        if members < 0 or invoices < 0:
            raise CommandError("--members and --invoices cannot be negative.")
        if members < 1 and invoices < 1:
            raise CommandError("Give --members N and/or --invoices N (at least 1).")
        if seed < 0:
            raise CommandError("--seed must be zero or more.")
        if members:
            self.seed_members(members, seed, offices)
        if invoices:
            self.seed_invoices(invoices, seed)

    def seed_members(self, members: int, seed: int, offices: int | None) -> None:
        n_offices = max(4, offices if offices is not None else round(members / 2500))
        started = time.perf_counter()
        writer = Writer()
        with transaction.atomic():
            stats = Generator(self, writer, seed=seed, n_members=members, n_offices=n_offices).run()
            finishing = time.perf_counter()
            writer.analyze(
                [
                    User,
                    EmailAddress,
                    Member,
                    Member.trades.through,
                    MemberStatusChange,
                    Activity,
                    ActivityMembership,
                ]
            )
        self.stdout.write(
            f"  analyze + commit (constraint checks): {time.perf_counter() - finishing:.1f} s"
        )
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {what}" for what, n in stats.items())
        self.stdout.write(summary)
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {members:,} members in {elapsed:.1f} s "
                f"({writer.rows:,} rows, {writer.rows / elapsed:,.0f} rows/s, "
                f"{members / elapsed:,.0f} members/s) on {writer.vendor}"
            )
        )

    def seed_invoices(self, invoices: int, seed: int) -> None:
        started = time.perf_counter()
        writer = Writer()
        generator = InvoiceGenerator(self, writer, seed=seed, n_invoices=invoices)
        with transaction.atomic():
            stats = generator.run()
            finishing = time.perf_counter()
            writer.analyze(INVOICE_MODELS)
            analyzed = time.perf_counter()
            self.stdout.write(f"  analyze: {analyzed - finishing:.1f} s")
        committed = time.perf_counter()
        self.stdout.write(
            f"  commit (deferred foreign keys + entry balance trigger): {committed - analyzed:.1f} s"
        )
        trigger = generator.trigger_stats()
        if trigger:
            self.stdout.write(
                f"  of which the balance trigger: {trigger['calls']:,} calls, "
                f"{trigger['seconds']:.1f} s"
            )
        elapsed = committed - started
        summary = ", ".join(f"{n:,} {what}" for what, n in stats.items())
        self.stdout.write(summary)
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {invoices:,} invoices in {elapsed:.1f} s "
                f"({writer.rows:,} rows, {writer.rows / elapsed:,.0f} rows/s, "
                f"{invoices / elapsed:,.0f} invoices/s) on {writer.vendor}"
            )
        )


class Generator:
    def __init__(self, command, writer: Writer, *, seed: int, n_members: int, n_offices: int):
        self.out = command.stdout
        self.verbosity_style = command.style
        self.w = writer
        self.seed = seed
        self.n_members = n_members
        self.n_offices = n_offices
        self.r = rng(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(PASSWORD)  # hashed once: PBKDF2 is slow on purpose
        self.stats: dict[str, int] = {}
        self._date_cache: dict[int, object] = {}
        ops = writer.ops
        self.now_db = ops.adapt_datetimefield_value(self.now)
        self.hundred = ops.adapt_decimalfield_value(Decimal("100.00"), 5, 2)
        self.decimal = lambda v: ops.adapt_decimalfield_value(Decimal(v), 5, 2)

    def day(self, days_ago: int):
        """A date ``days_ago`` before today, already adapted for the database (cached)."""
        d = self._date_cache.get(days_ago)
        if d is None:
            d = self._date_cache[days_ago] = self.w.ops.adapt_datefield_value(
                self.today - datetime.timedelta(days=days_ago)
            )
        return d

    def log(self, text: str) -> None:
        self.out.write(text)

    # --- reference data: pools, entities, offices, advisors -------------------------------------

    def pools(self) -> None:
        def unique(values):
            return list(dict.fromkeys(v for v in values if v))

        fr, be = Faker("fr_FR"), Faker("nl_BE")
        fr.seed_instance(self.seed)
        be.seed_instance(self.seed + 1)
        self.names = {
            "fr": (
                unique(fr.first_name() for _ in range(1500)),
                unique(fr.last_name() for _ in range(2500)),
            ),
            "nl": (
                unique(be.first_name() for _ in range(1500)),
                unique(be.last_name() for _ in range(2500)),
            ),
        }
        self.names["en"] = self.names["fr"]
        self.cities = {
            "FR": unique((fr.city(), fr.postcode()) for _ in range(800)),
            "BE": unique((be.city(), be.postcode()) for _ in range(800)),
        }
        self.streets = {
            "FR": [fr.street_address() for _ in range(200)],
            "BE": [be.street_address() for _ in range(200)],
        }
        self.trade_codes = [code for code, *_ in TRADES]
        self.trade_cum = []
        total = 0
        for w in TRADE_WEIGHTS[: len(self.trade_codes)]:
            total += w
            self.trade_cum.append(total)
        self.trade_total = total

    def entities(self):
        fr_number, be_number = scale_entity_numbers(self.seed)
        fr, _ = Entity.objects.get_or_create(
            jurisdiction="FR",
            company_number=fr_number,
            defaults=dict(
                name=f"Horizon Coop FR #{self.seed}",
                legal_name=f"Horizon Coopérative SCOP SA #{self.seed} — coopérative d'activité et d'emploi",
                vat_number="FR" + fr_siren.to_tva(fr_number),
                street="3 rue de la Coopération",
                postcode="44000",
                city="Nantes",
                country="FR",
                iban=SCALE_IBAN["FR"][0],
                bic=SCALE_IBAN["FR"][1],
                email=f"contact-{self.seed}@{EMAIL_DOMAIN}",
                default_language="fr",
            ),
        )
        be, _ = Entity.objects.get_or_create(
            jurisdiction="BE",
            company_number=be_number,
            defaults=dict(
                name=f"Horizon Coop BE #{self.seed}",
                legal_name=f"Horizon Coöperatie / Coopérative Horizon CV-SC #{self.seed}",
                vat_number="BE" + be_number,
                street="Rue Royale 100",
                postcode="1000",
                city="Bruxelles",
                country="BE",
                iban=SCALE_IBAN["BE"][0],
                bic=SCALE_IBAN["BE"][1],
                email=f"info-{self.seed}@{EMAIL_DOMAIN}",
                default_language="nl",
                contribution_rate=Decimal("6.50"),
            ),
        )
        for entity in (fr, be):
            entity.full_clean()  # the identifiers really are valid
        return fr, be

    def staff_user(self, email, first, last, language, existing):
        user = existing.get(email)
        if user is None:
            user = User.objects.create(
                email=email,
                first_name=first,
                last_name=last,
                language=language,
                password=self.password,
                is_demo=True,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def offices_and_staff(self, fr: Entity, be: Entity) -> list[OfficeInfo]:
        r = self.r
        n_fr = max(2, round(self.n_offices * 0.6))
        n_be = max(2, self.n_offices - n_fr)
        existing = {
            u.email: u
            for u in User.objects.filter(
                email__endswith=f"@{EMAIL_DOMAIN}", email__startswith=f"advisor-{self.seed}-"
            )
        }
        existing.update(
            {u.email: u for u in User.objects.filter(email=f"admin-{self.seed}@{EMAIL_DOMAIN}")}
        )
        admin = self.staff_user(
            f"admin-{self.seed}@{EMAIL_DOMAIN}", "Alix", "Horizon", "fr", existing
        )
        for entity in (fr, be):
            RoleAssignment.objects.get_or_create(
                user=admin, role=Role.ADMIN, entity=entity, office=None, service=""
            )
        out: list[OfficeInfo] = []
        advisor_no = 0
        for entity, country, count, cities in (
            (fr, "FR", n_fr, FR_CITIES),
            (be, "BE", n_be, BE_CITIES),
        ):
            for k in range(count):
                city, postcode = cities[k % len(cities)]
                name = city if k < len(cities) else f"{city} {k // len(cities) + 1}"
                office, _ = Office.objects.get_or_create(
                    entity=entity,
                    name=name,
                    defaults=dict(
                        street=self.streets[country][k % 200],
                        postcode=postcode,
                        city=city,
                        country=country,
                        email=f"office-{self.seed}-{country.lower()}{k}@{EMAIL_DOMAIN}",
                    ),
                )
                info = OfficeInfo(office.pk, entity.pk, country, city, postcode)
                # big offices (the first ones get the most members) have two advisors
                for _ in range(2 if k < max(1, count // 2) else 1):
                    advisor_no += 1
                    lang = "fr" if country == "FR" or r.random() < 0.4 else "nl"
                    firsts, lasts = self.names[lang]
                    user = self.staff_user(
                        f"advisor-{self.seed}-{advisor_no}@{EMAIL_DOMAIN}",
                        firsts[r.randrange(len(firsts))],
                        lasts[r.randrange(len(lasts))],
                        lang,
                        existing,
                    )
                    RoleAssignment.objects.get_or_create(
                        user=user, role=Role.ADVISOR, entity=entity, office=office, service=""
                    )
                    info.advisors.append(user.pk)
                out.append(info)
        self.stats["offices"] = len(out)
        self.stats["advisors"] = advisor_no
        return out

    def office_weights(self, offices: list[OfficeInfo]) -> list[float]:
        """Zipf-like sizes: the first office of each country is the biggest, then a long tail."""
        cum, total = [], 0.0
        rank = {"FR": 0, "BE": 0}
        for o in offices:
            rank[o.country] += 1
            total += (1.5 if o.country == "FR" else 1.0) / rank[o.country] ** 0.8
            cum.append(total)
        return [c / total for c in cum]

    # --- members ---------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        t0 = time.perf_counter()
        self.pools()
        trades = ensure_trades()
        self.trade_ids = [trades[c].pk for c in self.trade_codes]
        self.trade_labels = {
            "fr": [trades[c].name_fr for c in self.trade_codes],
            "nl": [trades[c].name_nl for c in self.trade_codes],
            "en": [trades[c].name_en for c in self.trade_codes],
        }
        fr, be = self.entities()
        offices = self.offices_and_staff(fr, be)
        cum = self.office_weights(offices)
        self.log(
            f"  reference data (trades, entities, {len(offices)} offices, advisors): "
            f"{time.perf_counter() - t0:.1f} s"
        )

        # Additive: carry on after what earlier runs of this seed and the app already numbered.
        start = User.objects.filter(
            email__startswith=f"m{self.seed}-", email__endswith=f"@{EMAIL_DOMAIN}"
        ).count()
        self.next_number = {}
        for entity in (fr, be):
            numbers = Member.objects.filter(entity=entity).values_list("number", flat=True)
            self.next_number[entity.pk] = 1 + max(
                (int(n[1:]) for n in numbers if n[1:].isdigit()), default=0
            )
        for key in (
            "users",
            "email addresses",
            "members",
            "status changes",
            "activities",
            "collectives",
            "memberships",
            "member trades",
        ):
            self.stats[key] = 0
        done = 0
        while done < self.n_members:
            n = min(CHUNK, self.n_members - done)
            t = time.perf_counter()
            self.chunk(start + done, n, offices, cum)
            done += n
            self.log(f"  members {done:,}/{self.n_members:,}: {time.perf_counter() - t:.1f} s")
        for entity_id, nxt in self.next_number.items():
            if nxt > 100_000:
                self.log(
                    self.verbosity_style.WARNING(
                        f"  entity {entity_id} now has member numbers beyond M99999: "
                        "members.services.next_member_number sorts them as text and will stumble."
                    )
                )
        return self.stats

    def chunk(self, first_index: int, n: int, offices: list[OfficeInfo], cum: list[float]) -> None:
        r = self.r
        rand = r.random
        w = self.w
        day = self.day
        seed = self.seed
        now_db = self.now_db
        hundred = self.hundred
        trade_cum, trade_total = self.trade_cum, self.trade_total
        trade_ids = self.trade_ids
        n_off = len(offices)

        user_ids = w.reserve_ids(User, n)
        member_ids = w.reserve_ids(Member, n)
        users, emails, members, member_trades, changes = [], [], [], [], []
        # per member kept for the activity pass: (member_id, office, status, lang, first, last, city,
        #                                         trade indexes, activity start day)
        plans = []
        for k in range(n):
            i = first_index + k
            x = rand()
            lo, hi = 0, n_off - 1
            while lo < hi:  # bisect on the cumulative office weights
                mid = (lo + hi) // 2
                if cum[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            office = offices[lo]
            belgian = office.country == "BE"
            y = rand()
            if belgian:
                lang = "nl" if y < 0.58 else ("fr" if y < 0.96 else "en")
            else:
                lang = "fr" if y < 0.96 else "en"
            firsts, lasts = self.names[lang]
            first = firsts[int(rand() * len(firsts))]
            last = lasts[int(rand() * len(lasts))]
            if rand() < 0.45:
                city, postcode = office.city, office.postcode
            else:
                pool = self.cities[office.country]
                city, postcode = pool[int(rand() * len(pool))]
            if rand() < 0.75:
                a, b, c, d = (int(rand() * 100) for _ in range(4))
                phone = (
                    f"+32 4{int(rand() * 90) + 10} {a:02d} {b:02d} {c:02d}"
                    if belgian
                    else f"+33 {6 + int(rand() * 2)} {a:02d} {b:02d} {c:02d} {d:02d}"
                )
            else:
                phone = ""
            # status path and dates (days before today), oldest first
            path = _pick(STATUS_PATHS, rand())
            status = path[-1]
            gaps = []
            for step in path[:-1]:
                lo_d, hi_d = STEP_DAYS[step]
                gaps.append(lo_d + int(rand() * (hi_d - lo_d)))
            tail = int(
                rand() * (60 if status == S_APPLICANT else 900 if status != S_LEFT else 1200)
            )
            since = tail + sum(gaps)  # days ago the member applied
            advisors = office.advisors
            advisor = (
                None
                if status == S_APPLICANT and rand() < 0.03
                else advisors[int(rand() * len(advisors))]
            )
            maturity = _pick(MATURITY[status], rand())
            # trades: 1 (65 %), 2 (28 %) or 3 (7 %), by popularity, no repeats
            t = rand()
            want = 1 if t < 0.65 else 2 if t < 0.93 else 3
            chosen = []
            while len(chosen) < want:
                v = rand() * trade_total
                ti = 0
                while trade_cum[ti] < v:
                    ti += 1
                if ti not in chosen:
                    chosen.append(ti)
            skills_pool = SKILLS[self.trade_codes[chosen[0]]]
            skills = [s for s in skills_pool if rand() < 0.35][:4]
            bio = (
                f"{self.trade_labels['fr'][chosen[0]]} à {city} depuis {1 + since // 365} an(s)."
                if lang == "fr" and rand() < 0.2
                else ""
            )
            uid, mid = user_ids[k], member_ids[k]
            email = f"m{seed}-{i}@{EMAIL_DOMAIN}"
            number = self.next_number[office.entity_id]
            self.next_number[office.entity_id] = number + 1

            users.append(
                (
                    uid,
                    self.password,
                    False,
                    email,
                    first,
                    last,
                    phone,
                    lang,
                    False,
                    True,
                    True,
                    now_db,
                )
            )
            emails.append((uid, email, True, True))
            members.append(
                (
                    mid,
                    uid,
                    office.entity_id,
                    office.id,
                    f"M{number:05d}",
                    status,
                    day(tail),
                    advisor,
                    maturity,
                    json.dumps(skills, ensure_ascii=False),
                    json.dumps(LANGUAGES_SPOKEN[lang], ensure_ascii=False),
                    city,
                    postcode,
                    bio,
                    now_db,
                )
            )
            for ti in chosen:
                member_trades.append((mid, trade_ids[ti]))
            when = since
            previous = ""
            for step_no, step in enumerate(path):
                changes.append((mid, previous, step, day(when), "", advisor, now_db))
                previous = step
                if step_no < len(gaps):
                    when -= gaps[step_no]
            if status != S_APPLICANT:
                activity_start = since - gaps[0]  # from their first contract
                plans.append((mid, office, status, lang, first, last, city, chosen, activity_start))

        # activities: 1 (75 %) or 2 per non-applicant member; ~2 % shared with office colleagues
        activities, memberships = [], []
        pending = []  # (activity row index, holder plan)
        for plan in plans:
            count = 1 if rand() < 0.75 else 2
            for a_no in range(count):
                pending.append((a_no, plan))
        activity_ids = w.reserve_ids(Activity, len(pending))
        # colleagues who may join a collective: active members, by office
        by_office: dict[int, list] = {}
        for plan in plans:
            if plan[2] != S_LEFT:
                by_office.setdefault(plan[1].id, []).append(plan)
        collectives = 0
        for aid, (a_no, plan) in zip(activity_ids, pending, strict=True):
            mid, office, status, lang, first, last, city, chosen, start_day = plan
            ti = chosen[a_no] if a_no < len(chosen) else chosen[0]
            label = self.trade_labels[lang][ti]
            style = int(rand() * 4)
            if a_no == 1 and ti == chosen[0]:
                name = f"{first} {last} — {label} ({city})"
            elif style == 0:
                name = f"{first} {last} — {label}"
            elif style == 1:
                name = f"{label} {last}"
            elif style == 2:
                name = f"{last} & co — {label}"
            else:
                name = f"{label} · {city}"
            if status == S_LEFT:
                a_status = ActivityStatus.CLOSED.value
            else:
                a_status = (
                    ActivityStatus.PAUSED.value if rand() < 0.08 else ActivityStatus.ACTIVE.value
                )
            since = max(0, start_day - (0 if a_no == 0 else int(rand() * 300)))
            letterhead = f"{name}\n{city}" if rand() < 0.3 else ""
            activities.append(
                (
                    aid,
                    office.entity_id,
                    name[:120],
                    trade_ids[ti],
                    "",
                    a_status,
                    "",
                    COLOURS[int(rand() * len(COLOURS))],
                    letterhead,
                    "",
                    30,
                    lang,
                    None,
                    now_db,
                    now_db,
                )
            )
            # a collective: ~2 % of the live activities, with 1–2 colleagues of the same office
            colleagues = by_office.get(office.id, ())
            if a_status == ActivityStatus.ACTIVE.value and len(colleagues) > 3 and rand() < 0.028:
                others = []
                wanted = 1 if rand() < 0.6 else 2
                for _ in range(6):
                    other = colleagues[int(rand() * len(colleagues))]
                    if other[0] != mid and other[0] not in others:
                        others.append(other[0])
                    if len(others) == wanted:
                        break
                if others:
                    collectives += 1
                    holder_share, other_share = (
                        ("50.00", "50.00") if len(others) == 1 else ("40.00", "30.00")
                    )
                    memberships.append(
                        (
                            aid,
                            mid,
                            ActivityRole.HOLDER.value,
                            self.decimal(holder_share),
                            day(since),
                        )
                    )
                    for other_id in others:
                        memberships.append(
                            (
                                aid,
                                other_id,
                                ActivityRole.CONTRIBUTOR.value,
                                self.decimal(other_share),
                                day(since),
                            )
                        )
                    continue
            memberships.append((aid, mid, ActivityRole.HOLDER.value, hundred, day(since)))

        w.insert(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "email",
                "first_name",
                "last_name",
                "phone",
                "language",
                "is_staff",
                "is_active",
                "is_demo",
                "date_joined",
            ],
            users,
        )
        w.insert(EmailAddress, ["user", "email", "verified", "primary"], emails)
        w.insert(
            Member,
            [
                "id",
                "user",
                "entity",
                "office",
                "number",
                "status",
                "status_since",
                "advisor",
                "maturity",
                "skills",
                "languages",
                "city",
                "postcode",
                "bio",
                "created_at",
            ],
            members,
        )
        w.insert(Member.trades.through, ["member", "trade"], member_trades)
        w.insert(
            MemberStatusChange,
            [
                "member",
                "from_status",
                "to_status",
                "effective_on",
                "note",
                "changed_by",
                "created_at",
            ],
            changes,
        )
        w.insert(
            Activity,
            [
                "id",
                "entity",
                "name",
                "trade",
                "description",
                "status",
                "logo",
                "brand_color",
                "letterhead",
                "footer",
                "payment_terms_days",
                "document_language",
                "contribution_rate",
                "created_at",
                "updated_at",
            ],
            activities,
        )
        w.insert(ActivityMembership, ["activity", "member", "role", "share", "since"], memberships)
        s = self.stats
        s["users"] += len(users)
        s["email addresses"] += len(emails)
        s["members"] += len(members)
        s["member trades"] += len(member_trades)
        s["status changes"] += len(changes)
        s["activities"] += len(activities)
        s["collectives"] += collectives
        s["memberships"] += len(memberships)


# --- invoices ----------------------------------------------------------------------------------
#
# ``--invoices N``: N issued invoices plus ~5 % credit notes for the activities of ``--seed``,
# written in bulk but built with the app's own rules: totals from sales.calculation.compute, the
# frozen snapshot in the shape of sales.freeze.snapshot, the ledger entry that
# sales.accounting.entry_lines would post. The first document of every chunk is rebuilt with
# those functions on unsaved objects and compared (see InvoiceGenerator.verify): the command stops
# if the shortcuts ever drift from the app.

DOC_CHUNK = 10_000  # documents generated and written per round
CREDIT_NOTE_SHARE = 0.05
WINDOW_DAYS = 3 * 365

# What each trade sells: (French, Dutch, English description, unit, usual price excl. VAT).
JOBS = {
    "gardening": [
        ("Taille de haies", "Snoeien van hagen", "Hedge trimming", "HUR", "42"),
        ("Tonte de pelouse", "Gazon maaien", "Lawn mowing", "HUR", "38"),
        (
            "Évacuation des déchets verts",
            "Afvoer van groenafval",
            "Green waste removal",
            "LS",
            "45",
        ),
        ("Entretien de massifs", "Onderhoud van borders", "Flower bed maintenance", "HUR", "40"),
        ("Plantation d'arbustes", "Aanplanten van heesters", "Shrub planting", "C62", "28"),
    ],
    "it-repair": [
        ("Diagnostic et dépannage", "Diagnose en herstelling", "Diagnosis and repair", "HUR", "55"),
        (
            "Installation d'un poste de travail",
            "Installatie van een werkpost",
            "Workstation set-up",
            "LS",
            "120",
        ),
        (
            "Sauvegarde et migration des données",
            "Back-up en migratie van gegevens",
            "Data backup and migration",
            "LS",
            "90",
        ),
        ("Déplacement", "Verplaatsing", "Travel", "LS", "25"),
    ],
    "graphic-design": [
        (
            "Création d'identité visuelle",
            "Ontwerp van een huisstijl",
            "Visual identity design",
            "LS",
            "900",
        ),
        ("Mise en page de brochure", "Opmaak van een brochure", "Brochure layout", "DAY", "380"),
        ("Illustration", "Illustratie", "Illustration", "C62", "150"),
        ("Déclinaison des supports", "Aanpassing van drukwerk", "Print adaptations", "HUR", "55"),
    ],
    "training": [
        (
            "Atelier découverte du numérique",
            "Workshop digitale basisvaardigheden",
            "Digital skills workshop",
            "DAY",
            "450",
        ),
        (
            "Accompagnement individuel",
            "Individuele begeleiding",
            "One-to-one coaching",
            "HUR",
            "60",
        ),
        (
            "Formation inter-entreprises",
            "Interbedrijfsopleiding",
            "Open training course",
            "DAY",
            "520",
        ),
        ("Supports pédagogiques", "Cursusmateriaal", "Course materials", "C62", "35"),
    ],
    "consulting": [
        ("Mission de conseil", "Adviesopdracht", "Consulting assignment", "DAY", "650"),
        ("Diagnostic stratégique", "Strategische doorlichting", "Strategic review", "LS", "1800"),
        (
            "Animation d'atelier",
            "Begeleiding van een workshop",
            "Workshop facilitation",
            "HUR",
            "95",
        ),
    ],
    "photography": [
        ("Séance photo portrait", "Portretfotosessie", "Portrait session", "LS", "250"),
        ("Reportage événementiel", "Evenementreportage", "Event coverage", "HUR", "85"),
        ("Retouche d'images", "Beeldbewerking", "Image retouching", "C62", "12"),
        (
            "Cession de droits d'utilisation",
            "Overdracht van gebruiksrechten",
            "Usage rights",
            "LS",
            "300",
        ),
    ],
    "carpentry": [
        ("Pose de parquet", "Plaatsen van parket", "Parquet laying", "MTK", "38"),
        (
            "Fabrication de placard sur mesure",
            "Maatwerk kast",
            "Custom-made cupboard",
            "LS",
            "1450",
        ),
        ("Main-d'œuvre menuiserie", "Arbeidsloon schrijnwerk", "Carpentry labour", "HUR", "48"),
        ("Fourniture bois", "Levering hout", "Timber supply", "LS", "320"),
    ],
    "translation": [
        ("Traduction (par mot)", "Vertaling (per woord)", "Translation (per word)", "C62", "0.12"),
        ("Relecture", "Nalezen", "Proofreading", "HUR", "45"),
        ("Sous-titrage", "Ondertiteling", "Subtitling", "LS", "380"),
    ],
    "music": [
        ("Concert (formation trio)", "Concert (trio)", "Concert (trio)", "LS", "1200"),
        (
            "Atelier d'éveil musical",
            "Muzikale ontdekkingsworkshop",
            "Music discovery workshop",
            "HUR",
            "70",
        ),
        ("Sonorisation", "Geluidsinstallatie", "Sound system", "LS", "350"),
    ],
    "web-development": [
        (
            "Développement de site",
            "Ontwikkeling van een website",
            "Website development",
            "DAY",
            "480",
        ),
        ("Maintenance mensuelle", "Maandelijks onderhoud", "Monthly maintenance", "MON", "90"),
        ("Hébergement annuel", "Jaarlijkse hosting", "Annual hosting", "LS", "180"),
        ("Audit d'accessibilité", "Toegankelijkheidsaudit", "Accessibility audit", "LS", "750"),
    ],
    "home-help": [
        ("Aide à domicile", "Thuishulp", "Home help", "HUR", "26"),
        (
            "Accompagnement aux courses",
            "Begeleiding bij boodschappen",
            "Shopping assistance",
            "HUR",
            "24",
        ),
        ("Garde d'enfants", "Kinderopvang aan huis", "Childcare at home", "HUR", "22"),
    ],
    "catering": [
        (
            "Buffet froid (par personne)",
            "Koud buffet (per persoon)",
            "Cold buffet (per person)",
            "C62",
            "18.50",
        ),
        (
            "Cocktail dînatoire (par personne)",
            "Walking dinner (per persoon)",
            "Walking dinner (per person)",
            "C62",
            "32",
        ),
        ("Service en salle", "Bediening", "Waiting staff", "HUR", "35"),
        ("Livraison", "Levering", "Delivery", "LS", "40"),
    ],
}
DEFAULT_JOBS = [
    ("Prestation de service", "Dienstverlening", "Service", "HUR", "50"),
    ("Forfait intervention", "Forfait interventie", "Call-out fee", "LS", "150"),
]
JOB_LANG = {"fr": 0, "nl": 1, "en": 2, "de": 2}
QUANTITIES = {
    "HUR": ["1", "1.5", "2", "2", "2.5", "3", "3", "3.5", "4", "4", "5", "6", "7", "8", "10", "12"],
    "DAY": ["0.5", "1", "1", "1", "2", "2", "3", "5"],
    "LS": ["1"],
    "C62": ["1", "1", "2", "2", "3", "4", "5", "6", "8", "10", "12", "15", "20", "25", "40", "60"],
    "WORDS": ["800", "1200", "1500", "2500", "3200", "4000", "6000", "9500"],
    "MTK": ["8", "12", "15", "18.5", "20", "24.5", "32", "45"],
    "MON": ["1", "1", "1", "3", "6", "12"],
}
PRICE_FACTORS = ["0.8", "0.9", "1", "1", "1", "1.1", "1.2", "1.3"]
# Trades with a second VAT rate often used (France: renovation, catering, home services at 10 %;
# Belgium: renovation of homes at 6 %, catering at 12 %): the rate's code in the jurisdiction.
ALT_RATE = {
    "FR": {"carpentry": "intermediate", "catering": "intermediate", "home-help": "intermediate"},
    "BE": {"carpentry": "reduced", "home-help": "reduced", "catering": "intermediate"},
}
EXEMPT_TRADES = {"training": 0.6}  # share of the trade's invoices exempt (vocational training)
EXEMPTION = {"FR": "fr-training", "BE": "be-art44"}
TEXTS = {
    "title": {
        "fr": "Prestations réalisées",
        "nl": "Uitgevoerde prestaties",
        "en": "Services rendered",
        "de": "Erbrachte Leistungen",
    },
    "intro": {
        "fr": "Merci pour votre confiance.",
        "nl": "Bedankt voor uw vertrouwen.",
        "en": "Thank you for your trust.",
        "de": "Vielen Dank für Ihr Vertrauen.",
    },
    "terms": {
        "fr": "Paiement par virement à réception de facture.",
        "nl": "Betaling per overschrijving bij ontvangst van de factuur.",
        "en": "Payment by bank transfer on receipt of the invoice.",
        "de": "Zahlung per Überweisung nach Erhalt der Rechnung.",
    },
}
CLIENT_LANGUAGES = {
    "FR": [(0.96, "fr"), (1.0, "en")],
    "BE": [(0.55, "nl"), (0.95, "fr"), (0.99, "en"), (1.0, "de")],
}
TERMS_CHOICES = [None] * 7 + [15, 30, 45, 60]
LINE_COUNTS = [(0.30, 1), (0.55, 2), (0.75, 3), (0.87, 4), (0.95, 5), (1.0, 6)]
ITEM, SECTION = LineKind.ITEM.value, LineKind.SECTION.value
INVOICE, CREDIT_NOTE, ISSUED = Kind.INVOICE.value, Kind.CREDIT_NOTE.value, State.ISSUED.value
C3 = Decimal("0.001")
C4 = Decimal("0.0001")
C2 = Decimal("0.01")
ZERO2 = Decimal("0.00")
ZERO3 = Decimal("0.000")
ZERO4 = Decimal("0.0000")
D5, D10, D100 = Decimal("5.00"), Decimal("10.00"), Decimal(100)
DISCOUNT_AMOUNTS = [Decimal("10.00"), Decimal("20.00"), Decimal("25.00"), Decimal("50.00")]
CLIENT_FIELDS = [
    "id",
    "activity",
    "kind",
    "name",
    "email",
    "phone",
    "language",
    "payment_terms_days",
    "street",
    "postcode",
    "city",
    "country",
    "site_street",
    "site_postcode",
    "site_city",
    "company_number",
    "vat_number",
    "peppol_scheme",
    "peppol_id",
    "notes",
    "archived",
    "created_at",
    "updated_at",
]
DOCUMENT_FIELDS = [
    "id",
    "entity",
    "activity",
    "client",
    "kind",
    "state",
    "series",
    "year",
    "sequence",
    "number",
    "issue_date",
    "due_date",
    "valid_until",
    "language",
    "title",
    "intro",
    "closing",
    "terms",
    "buyer_reference",
    "order_reference",
    "exemption_code",
    "discount_percent",
    "discount_amount",
    "quote",
    "credited",
    "payment_reference",
    "deposit_percent",
    "currency",
    "rounding_rule",
    "line_total",
    "allowance_total",
    "tax_exclusive",
    "tax_total",
    "tax_inclusive",
    "prepaid",
    "payable",
    "payment_state",
    "frozen",
    "pdf",
    "pdf_sha256",
    "pdf_requested_at",
    "created_by",
    "created_at",
    "updated_at",
    "issued_at",
    "sent_at",
    "decided_at",
]
DOCUMENT_LINE_FIELDS = [
    "document",
    "position",
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_category",
    "vat_rate",
    "net_amount",
]
VAT_FIELDS = ["document", "category", "rate", "taxable_amount", "tax_amount", "allowance_amount"]
ENTRY_FIELDS = [
    "id",
    "entity",
    "journal",
    "year",
    "number",
    "date",
    "label",
    "source_type",
    "source_id",
    "kind",
    "reversal_of",
    "posted_at",
    "created_by",
]
ENTRY_LINE_FIELDS = ["entry", "account", "debit", "credit", "activity", "client", "label"]


INVOICE_MODELS = [
    Client,
    Document,
    DocumentLine,
    VatBreakdown,
    DocumentCounter,
    Entry,
    EntryLine,
    JournalCounter,
]


class Table:
    """Rows for one model: the columns we set, then every other concrete field at its default
    (so a field added to the model later does not break the bulk insert)."""

    def __init__(self, model, names: list[str]):
        self.model = model
        explicit = set(names)
        now = timezone.now()
        extra = []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in explicit or f.attname in explicit:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
            extra.append((f.name, f.get_db_prep_save(value, connection)))
        self.names = list(names) + [n for n, _ in extra]
        self.tail = tuple(v for _, v in extra)
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.tail if self.tail else row)

    def flush(self, writer: Writer) -> int:
        n = len(self.rows)
        writer.insert(self.model, self.names, self.rows)
        self.rows = []
        return n


@dataclass
class ActivityInfo:
    id: int
    entity_id: int
    name: str
    trade_code: str
    trade_names: tuple | None  # (fr, nl, en), None without a trade
    brand_color: str
    letterhead: str
    footer: str
    logo: str
    terms: int
    rate: Decimal  # effective contribution rate
    holder: int | None
    paused: bool
    clients: list = field(default_factory=list)  # ClientInfo tuples
    json: dict = field(default_factory=dict)  # language -> frozen "activity" block as JSON
    name_json: str = ""  # the name as a JSON string: the seller's "trade_name"


# ClientInfo: (id, name, language, payment terms or None, is_business, frozen "buyer" block as JSON)


@dataclass
class Books:
    """One entity's numbering and chart, as the run moves them on."""

    entity: Entity
    jurisdiction: str
    journal_id: int
    accounts: dict  # (role, rate or None) -> account id
    patterns: dict  # series -> number pattern
    doc_counters: dict  # (series, year) -> last number
    entry_counters: dict  # year -> last number
    entry_last_date: dict  # year -> last date
    start: datetime.date
    end: datetime.date
    rate_std: Decimal  # the standard VAT rate, as stored (2 decimals)
    rate_second: Decimal  # the next one
    rate_by_code: dict  # VAT rate code -> rate, as stored
    reference_kind: str  # payment.reference_for's kind for this entity ("ogm" or "rf")
    qr_head: str  # the EPC QR payload up to the amount, "" when the entity has no IBAN
    activities: list = field(default_factory=list)
    pdf_name: str = ""
    pdf_sha256: str = ""


class InvoiceGenerator:
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
            reference_kind, _ = payment.reference_for(entity.jurisdiction, self.today.year, 1)
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
                "contribution": gettext("Contribution %(rate)s%% on %(number)s"),
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

    def template(self, b: Books, language, kind, business, categories, exemption) -> tuple:
        """The parts of the snapshot that depend only on the seller, the language, the kind of
        document and client and the VAT categories: taken from the real ``snapshot()`` of a
        stand-in document, once per combination. Returns (JSON fragment of the fixed keys, the
        "seller" block as a JSON fragment open on its "trade_name" — the activity's name —,
        {VAT category: (exemption code, exemption reason)}, the "payment" block as a JSON fragment
        open after the seller's part: means, IBAN, BIC)."""
        key = (b.entity.pk, language, kind, business, categories, exemption)
        s = self._templates.get(key)
        if s is not None:
            return s
        doc = Document(
            entity=b.entity,
            activity=Activity(entity=b.entity, name="-"),
            client=Client(kind="company" if business else "individual", name="-"),
            kind=kind,
            language=language,
            exemption_code=exemption,
        )
        lines = [
            DocumentLine(
                description="-",
                quantity=Decimal("1"),
                unit_price=Decimal("1"),
                vat_category=cat,
                vat_rate=ZERO2 if cat != "S" else b.rate_std,
            )
            for cat in sorted(categories)
        ]
        snap = snapshot(doc, lines=lines, freeze_logo=False)
        fixed = {
            k: snap[k]
            for k in (
                "kind",
                "kind_label",
                "language",
                "currency",
                "valid_until_display",
                "mentions",
                "notes",
                "exemption_code",
            )
        }
        seller = dict(snap["seller"])
        del seller["trade_name"]
        seller_head = (
            '"seller": ' + json.dumps(seller, ensure_ascii=False)[:-1] + ', "trade_name": '
        )
        reasons = {v["category"]: (v["exemption_code"], v["exemption_reason"]) for v in snap["vat"]}
        missing = set(categories) - set(reasons)
        if missing:  # the stand-in lines give every category a VAT row
            raise CommandError(f"seed_scale: no VAT row for {missing} in the template snapshot")
        paid_to = {k: snap["payment"][k] for k in ("means", "iban", "bic")}
        s = self._templates[key] = (
            json.dumps(fixed, ensure_ascii=False)[1:-1],
            seller_head,
            reasons,
            json.dumps(paid_to, ensure_ascii=False)[:-1],
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

    # --- documents, their lines and their entries -----------------------------------------------

    def content(self, b: Books, a: ActivityInfo, language: str) -> tuple:
        """What a member would type on an invoice of this trade: (items, discount %, discount
        amount, exemption code, title, intro, terms, client's reference, order number)."""
        rand = self.r.random
        jobs = self.jobs.get(a.trade_code) or self.jobs[""]
        li = JOB_LANG.get(language, 0)
        count = _pick(LINE_COUNTS, rand())
        items = []
        if count >= 2 and rand() < 0.12:
            label = (a.trade_names[li] or a.trade_names[0]) if a.trade_names else ""
            items.append(
                (
                    SECTION,
                    label or TEXTS["title"][language],
                    ZERO3,
                    "C62",
                    ZERO4,
                    ZERO2,
                    "S",
                    ZERO2,
                )
            )
            count -= 1
        exemption = ""
        mixed = False
        alt = None
        if rand() < EXEMPT_TRADES.get(a.trade_code, 0.0):
            exemption = EXEMPTION[b.jurisdiction]
            doc_cat, doc_rate = "E", ZERO2
        else:
            doc_cat, doc_rate = "S", b.rate_std
            alt_code = ALT_RATE[b.jurisdiction].get(a.trade_code)
            x = rand()
            if alt_code:
                alt = b.rate_by_code[alt_code]
                if x < 0.35:
                    doc_rate = alt
                else:
                    mixed = x < 0.5
            else:
                alt = b.rate_second
                mixed = x < 0.05
        gross = ZERO2
        for i in range(count):
            descriptions, unit, prices, qkey = jobs[int(rand() * len(jobs))]
            price = prices[int(rand() * len(prices))]
            quantities = self.quantities[qkey]
            quantity = quantities[int(rand() * len(quantities))]
            discount = (D10 if rand() < 0.5 else D5) if rand() < 0.04 else ZERO2
            rate = alt if mixed and i == count - 1 and i > 0 else doc_rate
            items.append(
                (
                    ITEM,
                    descriptions[li],
                    quantity,
                    unit,
                    price,
                    discount,
                    doc_cat,
                    rate,
                )
            )
            gross += quantity * price
        discount_percent = discount_amount = ZERO2
        x = rand()
        if x < 0.08:
            discount_percent = D10 if rand() < 0.4 else D5
        elif x < 0.11:
            amount = DISCOUNT_AMOUNTS[int(rand() * len(DISCOUNT_AMOUNTS))]
            if gross > 3 * amount:
                discount_amount = amount
        x = rand()
        if x < 0.45:
            title = ""
        elif x < 0.85:
            title = items[-1][1]
        else:
            title = TEXTS["title"][language]
        intro = TEXTS["intro"][language] if rand() < 0.15 else ""
        terms = TEXTS["terms"][language] if rand() < 0.05 else ""
        buyer_reference = f"BC-{10000 + int(rand() * 90000)}" if rand() < 0.1 else ""
        order_reference = f"CMD-{1000 + int(rand() * 9000)}" if rand() < 0.05 else ""
        return (
            items,
            discount_percent,
            discount_amount,
            exemption,
            title,
            intro,
            terms,
            buyer_reference,
            order_reference,
        )

    def chunk(
        self,
        b: Books,
        days,
        dates,
        per_day,
        credit_slots,
        first_slot,
        invoice_activities,
        state,
        ids,
    ) -> list[tuple]:
        """Build the rows of ``len(days)`` documents (no database access: the previous chunk
        may be being written meanwhile); the checks against the app wait in pending_checks."""
        started = time.perf_counter()
        rand = self.r.random
        n = len(days)
        doc_ids, entry_ids = ids
        docs = Table(Document, DOCUMENT_FIELDS)
        doc_lines = Table(DocumentLine, DOCUMENT_LINE_FIELDS)
        vat_rows = Table(VatBreakdown, VAT_FIELDS)
        entries = Table(Entry, ENTRY_FIELDS)
        entry_lines = Table(EntryLine, ENTRY_LINE_FIELDS)
        add_doc, add_line, add_vat = docs.add, doc_lines.add, vat_rows.add
        add_entry, add_entry_line = entries.add, entry_lines.add
        accounts = b.accounts
        receivable = accounts[("receivable", None)]
        revenue = accounts[(accounting.REVENUE_ROLE, None)]
        charge = accounts[("contribution_charge", None)]
        income = accounts[("contribution_income", None)]
        vat_accounts = {
            rate: pk for (role, rate), pk in accounts.items() if role == "vat_collected"
        }
        entity_id, journal_id = b.entity.pk, b.journal_id
        doc_counters, entry_counters, entry_last = (
            b.doc_counters,
            b.entry_counters,
            b.entry_last_date,
        )
        recent, keep = state["recent"], state["keep"]
        quantity_text = self._quantity_text
        date_iso, date_display, moment = self.date_iso, self.date_display, self.moment
        invoice_series, credit_series = SERIES[Kind.INVOICE], SERIES[Kind.CREDIT_NOTE]
        issued = ISSUED
        reference_kind, qr_start = b.reference_kind, b.qr_head
        dumps = json.dumps
        stats = self.stats

        def post(
            specs, entry_id, sign, account, amount, activity, client_id, text, role, rate=None
        ):
            """accounting.entry_lines' add(): rounded, signed, one side, nothing when zero."""
            amount = money(amount) * sign
            if amount == 0:
                return
            if amount > 0:
                debit, credit = amount, ZERO2
            else:
                debit, credit = ZERO2, -amount
            specs.append((role, rate, debit, credit, activity, client_id, text))
            add_entry_line((entry_id, account, debit, credit, activity, client_id, text))

        for k in range(n):
            slot = first_slot + k
            off = days[k]
            d = dates[off]
            invoices_left = len(invoice_activities) - state["invoice_no"]
            want_credit = slot in credit_slots or invoices_left == 0
            if not want_credit and state["pending_credit"] and recent:
                want_credit = True
                state["pending_credit"] -= 1
            if want_credit and not recent:
                if invoices_left == 0:
                    continue
                if slot in credit_slots:
                    state["pending_credit"] += 1
                want_credit = False
            day, seen = state["seen_in_day"]
            seen = seen + 1 if day == off else 0
            state["seen_in_day"] = (off, seen)
            minutes = 480 + (660 * seen) // per_day[off]  # from 8:00 to 19:00, in number order
            doc_id, entry_id = doc_ids[k], entry_ids[k]
            if want_credit:
                i = int(rand() * len(recent))
                credited = recent[i]
                recent[i] = recent[-1]
                recent.pop()
                (
                    credited_id,
                    a,
                    client,
                    items,
                    discount_percent,
                    discount_amount,
                    exemption,
                    buyer_reference,
                    credited_number,
                    credited_date,
                ) = credited
                language = client[2]
                labels = self.lang(language)
                kind, series = CREDIT_NOTE, credit_series
                title = labels["credit_title"] % {"number": credited_number}
                intro = terms = order_reference = ""
                due = None
                references = {
                    "quote": "",
                    "credited": credited_number,
                    "credited_date": date_display(language, credited_date),
                    "order": "",
                    "buyer": buyer_reference,
                    "credited_issue_date": date_iso(credited_date),
                    "deposits": [],
                }
                stats["credit notes"] += 1
            else:
                a = invoice_activities[state["invoice_no"]]
                state["invoice_no"] += 1
                clients = a.clients
                client = clients[int(len(clients) * rand() ** 1.8)]  # regular clients come back
                language = client[2]
                labels = self.lang(language)
                (
                    items,
                    discount_percent,
                    discount_amount,
                    exemption,
                    title,
                    intro,
                    terms,
                    buyer_reference,
                    order_reference,
                ) = self.content(b, a, language)
                kind, series = INVOICE, invoice_series
                credited_id = None
                terms_days = client[3] if client[3] is not None else a.terms
                due = d + datetime.timedelta(days=terms_days)
                references = {
                    "quote": "",
                    "credited": "",
                    "credited_date": "",
                    "order": order_reference,
                    "buyer": buyer_reference,
                    "credited_issue_date": "",
                    "deposits": [],
                }
                stats["invoices"] += 1
            year = d.year
            key = (series, year)
            sequence = doc_counters.get(key, 0) + 1
            doc_counters[key] = sequence
            number = b.patterns[series].format(year=year, seq=sequence)
            if kind == INVOICE:  # issue_document gives invoices and deposits a payment reference
                reference = payment_reference(reference_kind, year, sequence)
                shown = reference_display(reference_kind, reference)
            else:
                reference = shown = ""

            # totals: the EN 16931 calculation itself
            totals = compute(
                [
                    Line(
                        quantity=q,
                        unit_price=p,
                        vat_category=cat,
                        vat_rate=rate,
                        discount_percent=disc,
                    )
                    for (lk, _desc, q, _unit, p, disc, cat, rate) in items
                    if lk == ITEM
                ],
                discount_percent=discount_percent,
                discount_amount=discount_amount,
                prepaid=ZERO2,
            )
            line_total = totals.line_total
            allowance_total = totals.allowance_total
            tax_exclusive = line_total - allowance_total
            tax_total = totals.tax_total
            tax_inclusive = tax_exclusive + tax_total
            payable = tax_inclusive  # nothing prepaid
            units = labels["units"]
            nets = iter(totals.line_nets)
            printed = []
            position = 0
            for lk, desc, q, unit, p, disc, cat, rate in items:
                position += 1
                if lk == ITEM:
                    net = next(nets)
                    printed.append(
                        {
                            "kind": lk,
                            "description": desc,
                            "quantity": quantity_text(q),
                            "unit": unit,
                            "unit_label": units.get(unit, unit),
                            "unit_price": str(p),
                            "discount_percent": str(disc),
                            "vat_category": cat,
                            "vat_rate": str(rate),
                            "net": str(net),
                        }
                    )
                    add_line((doc_id, position, lk, desc, q, unit, p, disc, cat, rate, net))
                else:
                    printed.append({"kind": lk, "description": desc})
                    add_line((doc_id, position, lk, desc, q, unit, p, disc, cat, rate, ZERO2))
            fixed, seller_head, reasons, payment_head = self.template(
                b,
                language,
                kind,
                client[4],
                frozenset([c.category for c in totals.categories]),
                exemption,
            )
            vat = []
            for c in totals.categories:
                taxable, tax = c.taxable, c.tax
                code, reason = reasons[c.category]
                vat.append(
                    {
                        "category": c.category,
                        "rate": str(c.rate),
                        "taxable": str(taxable),
                        "tax": str(tax),
                        "allowance": str(c.allowances),
                        "charge": "0.00",
                        "exemption_code": code,
                        "exemption_reason": reason,
                    }
                )
                add_vat((doc_id, c.category, c.rate, taxable, tax, c.allowances))
            variable = {
                "number": number,
                "issue_date": date_iso(d),
                "issue_date_display": date_display(language, d),
                "due_date": date_iso(due) if due else "",
                "due_date_display": date_display(language, due) if due else "",
                "title": title,
                "intro": intro,
                "closing": "",
                "terms": terms,
                "lines": printed,
                "vat": vat,
                "totals": {
                    "line_total": str(line_total),
                    "allowance_total": str(allowance_total),
                    "charge_total": "0.00",
                    "tax_exclusive": str(tax_exclusive),
                    "tax_total": str(tax_total),
                    "tax_inclusive": str(tax_inclusive),
                    "prepaid": "0.00",
                    "payable": str(payable),
                },
                "discount_percent": str(discount_percent),
                "discount_amount": str(discount_amount),
                "charge_amount": "0.00",  # the scale documents carry no additional charge
                "charge_reason": "",
                "references": references,
                "allowances": [
                    {"category": cat, "rate": str(rate), "amount": str(amount)}
                    for cat, rate, amount in totals.allowances
                ],
                "charges": [],
            }
            # the "payment" block, formatted rather than encoded (json.dumps of a dict costs
            # twice as much): a reference and its display are ASCII letters, digits, "+", "/"
            # and spaces, nothing to escape; the QR payload (seller's name, newlines) is encoded
            if reference:
                qr = qr_payload(qr_start, reference_kind, payable, reference, shown)
                payment_json = (
                    f'{payment_head}, "reference_kind": "{reference_kind}", '
                    f'"reference": "{reference}", "reference_display": "{shown}", '
                    f'"terms_days": {(due - d).days if due else "null"}, '
                    f'"qr": {dumps(qr, ensure_ascii=False)}}}'
                )
            else:
                payment_json = (
                    f'{payment_head}, "reference_kind": "", "reference": "", '
                    f'"reference_display": "", '
                    f'"terms_days": {(due - d).days if due else "null"}, "qr": ""}}'
                )
            frozen = "".join(
                (
                    "{",
                    fixed,
                    ", ",
                    seller_head,
                    a.name_json,
                    '}, "activity": ',
                    self.activity_json(a, language),
                    ', "buyer": ',
                    client[5],
                    ', "payment": ',
                    payment_json,
                    ", ",
                    json.dumps(variable, ensure_ascii=False)[1:],
                )
            )
            if not b.pdf_name:
                self.specimen_pdf(b, frozen)
            issued_at = moment(d, minutes)
            created_at = moment(d, minutes - 5 - int(rand() * 115))
            add_doc(
                (
                    doc_id,
                    entity_id,
                    a.id,
                    client[0],
                    kind,
                    issued,
                    series,
                    year,
                    sequence,
                    number,
                    date_iso(d),
                    date_iso(due) if due else None,
                    None,
                    language,
                    title,
                    intro,
                    "",
                    terms,
                    buyer_reference,
                    order_reference,
                    exemption,
                    discount_percent,
                    discount_amount,
                    None,
                    credited_id,
                    reference,
                    None,
                    "EUR",
                    ROUNDING_RULE,
                    line_total,
                    allowance_total,
                    tax_exclusive,
                    tax_total,
                    tax_inclusive,
                    ZERO2,
                    payable,
                    # issued invoices wait for their payment (as issue_document leaves them)
                    "none" if kind == CREDIT_NOTE else "awaiting",
                    frozen,
                    b.pdf_name,
                    b.pdf_sha256,
                    issued_at,
                    a.holder,
                    created_at,
                    issued_at,
                    issued_at,
                    None,
                    None,
                )
            )

            # the entry accounting.entry_lines() describes, numbered in the sales journal
            sign = -1 if kind == CREDIT_NOTE else 1
            label = f"{number} {client[1]}"[:200]
            specs = []

            head = (specs, entry_id, sign)
            post(*head, receivable, payable, a.id, client[0], label, "receivable")
            for c in totals.categories:
                post(*head, revenue, -c.taxable, a.id, None, label, "revenue_services")
                tax = -c.tax if c.category == "S" else ZERO2
                post(
                    *head, vat_accounts.get(c.rate), tax, a.id, None, label, "vat_collected", c.rate
                )
            contribution = money(tax_exclusive * a.rate / D100)
            if contribution:
                text = labels["contribution"] % {"rate": a.rate, "number": number}
                post(*head, charge, contribution, a.id, None, text, "contribution_charge")
                post(*head, income, -contribution, None, None, text, "contribution_income")
            entry_number = entry_counters.get(year, 0) + 1
            entry_counters[year] = entry_number
            entry_last[year] = d
            entry_label = f"{labels['kind'][kind]} {number} — {client[1]}"[:200].strip()
            add_entry(
                (
                    entry_id,
                    entity_id,
                    journal_id,
                    year,
                    entry_number,
                    date_iso(d),
                    entry_label[:200],
                    Document._meta.label_lower,
                    doc_id,
                    "issue",
                    None,
                    issued_at,
                    a.holder,
                )
            )
            stats["entries"] += 1

            if kind == INVOICE:
                recent.append(
                    (
                        doc_id,
                        a,
                        client,
                        items,
                        discount_percent,
                        discount_amount,
                        exemption,
                        buyer_reference,
                        number,
                        d,
                    )
                )
                if len(recent) > 2 * keep:
                    del recent[: len(recent) - keep]
            if k == 0 or (want_credit and not state.get("credit_verified")):
                if want_credit:
                    state["credit_verified"] = True
                self.pending_checks.append(
                    dict(
                        b=b,
                        doc_id=doc_id,
                        kind=kind,
                        number=number,
                        sequence=sequence,
                        issue_date=d,
                        due=due,
                        language=language,
                        activity=a,
                        client=client,
                        items=items,
                        discount_percent=discount_percent,
                        discount_amount=discount_amount,
                        exemption=exemption,
                        title=title,
                        intro=intro,
                        terms=terms,
                        buyer_reference=buyer_reference,
                        order_reference=order_reference,
                        credited=(credited_id, credited_number, credited_date)
                        if want_credit
                        else None,
                        frozen=frozen,
                        built_reference=reference,
                        specs=specs,
                        entry_label=entry_label,
                    )
                )
        stats["document lines"] += len(doc_lines.rows)
        stats["VAT rows"] += len(vat_rows.rows)
        stats["entry lines"] += len(entry_lines.rows)
        self.build_seconds += time.perf_counter() - started
        return [
            (t.model, t.names, t.rows) for t in (docs, doc_lines, vat_rows, entries, entry_lines)
        ]

    def _quantity_text(self, q: Decimal) -> str:
        """How freeze.snapshot prints a quantity — asked of snapshot() itself, once per value
        (a few dozen), so the scale data follows any change there (e.g. 10 prints "1E+1")."""
        s = self._quantity_cache.get(q)
        if s is None:
            line = DocumentLine(description="-", quantity=q, unit_price=C4, vat_rate=ZERO2)
            doc = Document(
                entity=Entity(jurisdiction="FR"), activity=Activity(), client=Client(), kind=INVOICE
            )
            s = self._quantity_cache[q] = snapshot(doc, lines=[line], freeze_logo=False)["lines"][
                0
            ]["quantity"]
        return s

    # --- checks against the app's own functions --------------------------------------------------

    def verify(
        self,
        *,
        b: Books,
        doc_id,
        kind,
        number,
        sequence,
        issue_date,
        due,
        language,
        activity,
        client,
        items,
        discount_percent,
        discount_amount,
        exemption,
        title,
        intro,
        terms,
        buyer_reference,
        order_reference,
        credited,
        frozen,
        built_reference,
        specs,
        entry_label,
    ) -> None:
        """Rebuild one generated document with the app's snapshot() and entry_lines() on unsaved
        objects and compare: the bulk shortcuts must give exactly what issuing would."""
        activity_obj = Activity.objects.select_related("entity", "trade").get(pk=activity.id)
        client_obj = Client.objects.get(pk=client[0])
        doc = Document(
            pk=doc_id,
            entity=b.entity,
            activity=activity_obj,
            client=client_obj,
            kind=kind,
            state=State.ISSUED,
            series=SERIES[Kind(kind)],
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            due_date=due,
            language=language,
            title=title,
            intro=intro,
            terms=terms,
            buyer_reference=buyer_reference,
            order_reference=order_reference,
            exemption_code=exemption,
            discount_percent=discount_percent,
            discount_amount=discount_amount,
            prepaid=ZERO2,
        )
        if doc.kind in (Kind.INVOICE, Kind.DEPOSIT):  # as issue_document sets it
            doc.payment_reference = payment.reference_for(
                b.entity.jurisdiction, doc.year, sequence
            )[1]
        if doc.payment_reference != built_reference:
            raise CommandError(
                f"seed_scale: the payment reference of {number} differs from "
                f"sales.payment.reference_for: expected {doc.payment_reference!r}, "
                f"built {built_reference!r}"
            )
        if credited:
            doc.credited = Document(pk=credited[0], number=credited[1], issue_date=credited[2])
        lines = [
            DocumentLine(
                position=i,
                kind=lk,
                description=desc,
                quantity=q,
                unit=unit,
                unit_price=p,
                discount_percent=disc,
                vat_category=cat,
                vat_rate=rate,
            )
            for i, (lk, desc, q, unit, p, disc, cat, rate) in enumerate(items, start=1)
        ]
        totals = doc.compute_totals(lines)
        expected = snapshot(doc, lines=lines, totals=totals)
        got = json.loads(frozen)
        if expected != got:
            diff = sorted(
                k for k in set(expected) | set(got) if expected.get(k, "∅") != got.get(k, "∅")
            )
            raise CommandError(
                f"seed_scale: the frozen snapshot of {number} differs from sales.freeze.snapshot "
                f"on {', '.join(diff)}: expected {[expected.get(k) for k in diff]!r}, "
                f"built {[got.get(k) for k in diff]!r}"
            )
        doc.line_total = totals.line_total
        doc.allowance_total = totals.allowance_total
        doc.tax_exclusive = totals.tax_exclusive
        doc.tax_total = totals.tax_total
        doc.tax_inclusive = totals.tax_inclusive
        doc.payable = totals.payable
        doc._prefetched_objects_cache = {
            "vat_breakdown": [
                VatBreakdown(
                    category=c.category,
                    rate=c.rate,
                    taxable_amount=c.taxable,
                    tax_amount=c.tax,
                    allowance_amount=c.allowances,
                )
                for c in totals.categories
            ]
        }
        with translation.override(language):
            app = [
                (
                    spec.account,
                    spec.rate,
                    spec.debit,
                    spec.credit,
                    spec.activity.pk if spec.activity else None,
                    spec.client.pk if spec.client else None,
                    spec.label[:200],
                )
                for spec in accounting.entry_lines(doc)
            ]
            app_label = f"{doc.get_kind_display()} {doc.number} — {doc.client.name}"[:200].strip()
        if app != specs or app_label != entry_label:
            raise CommandError(
                f"seed_scale: the entry of {number} differs from sales.accounting.entry_lines: "
                f"expected {app_label!r} {app!r}, built {entry_label!r} {specs!r}"
            )
        self.verified += 1

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
