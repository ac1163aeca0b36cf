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

Each context owns its part (as it owns its ``demo.py``); this command only composes them, in
layer order: ``members/scale.py`` (entities, offices, staff, members, activities), then
``sales/scale.py`` (clients, documents, their ledger entries; rows in ``scale_rows.py``, checks in
``scale_checks.py``). The bulk writer is ``core/bulk.py``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compagnon.members.scale import seed_members
from compagnon.sales.scale import scale_entity_numbers, seed_invoices

__all__ = ["Command", "scale_entity_numbers"]  # scale_entity_numbers: bench/sales.py, sales tests


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
            seed_members(self, members, seed, offices)
        if invoices:
            seed_invoices(self, invoices, seed)
