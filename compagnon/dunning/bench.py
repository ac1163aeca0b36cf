"""Measure the daily collections run at scale against the raw SQL that selects the same due actions.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dunning_bench \\
        .venv/bin/python -m compagnon.dunning.bench [--invoices 1000000] [--activities 2000] [--seconds 60]

What it does, in its own database (dropped and created again; the name must contain "bench"):
migrate; one French entity with ``--activities`` activities (a holder each) and 5 clients each;
open invoices written with PostgreSQL COPY for at most ``--seconds`` (or ``--invoices``), due dates
spread over 20 days so that each day 5 % of them have their first reminder due and 5 % are
announced; the recommended plan, planned set-based for all of them (timed: the first planning);
then, three times: the raw selection of the due actions, and the daily run of that day (plan new,
announce, claim: the actions are handed to execution tasks in the database queue, not sent), reset
between repetitions. Prints the medians and the ratio run / raw selection; then times the
execution of 200 actions (email with the PDF, locmem backend) to give the per-action cost of the
tasks that follow.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse


def _prepare_environment(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit("BENCH_DATABASE_URL must name a database containing 'bench' (it is dropped and recreated).")
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parents[2] / "var" / "bench" / "dunning-media"))
    os.environ["EMAIL_URL"] = ""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0, help="stop writing invoices after this long")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not url.startswith("postgres"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    _prepare_environment(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    bench(args)


def _copy(model, columns, rows) -> None:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _document_columns():
    """Every column of sales_document with the value a new row gets by default."""
    from django.db import connection

    from compagnon.sales.models import Document

    out = []
    for f in Document._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.has_default():
            default = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = None
        elif f.null:
            default = None
        else:
            default = "" if f.get_internal_type() in ("CharField", "TextField", "FileField") else None
        out.append((f.column, f, default))
    return out, connection


def bench(args) -> None:
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.clients.models import Client
    from compagnon.core.demo import siren_from
    from compagnon.dunning import services
    from compagnon.dunning.models import AutomatedAction, CollectionRun
    from compagnon.members.models import Activity, ActivityMembership, ActivityRole, Member
    from compagnon.organisation.models import Entity, Office
    from compagnon.sales.models import Document, DocumentCounter

    t0 = timezone.localdate()
    entity = Entity.objects.create(name="Bench coop", legal_name="Bench coop SCOP", jurisdiction="FR",
                                   company_number=siren_from(77000001), street="1 quai", postcode="44000",
                                   city="Nantes", iban="FR7630006000011234567890189", email="coop@bench.test")
    office = Office.objects.create(entity=entity, name="Bench office", city="Nantes")
    admin = User.objects.create_user("admin@bench.test", "x")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
    users = User.objects.bulk_create([User(email=f"m{i}@bench.test", language="fr") for i in range(args.activities)])
    members = Member.objects.bulk_create([Member(user=u, entity=entity, office=office, number=f"B{i:06d}",
                                                 status="contract") for i, u in enumerate(users)])
    activities = Activity.objects.bulk_create([Activity(entity=entity, name=f"Activity {i}")
                                               for i in range(args.activities)])
    ActivityMembership.objects.bulk_create([ActivityMembership(activity=a, member=m, role=ActivityRole.HOLDER)
                                            for a, m in zip(activities, members, strict=True)])
    clients = Client.objects.bulk_create([Client(activity=a, name=f"Client {a.pk}-{j}", email=f"c{a.pk}-{j}@bench.test",
                                                 street="2 rue", postcode="44000", city="Nantes")
                                          for a in activities for j in range(5)])
    columns, _conn = _document_columns()
    names = [c for c, _f, _d in columns]
    year = t0.year
    now = timezone.now()
    overrides_static = {"entity_id": entity.pk, "kind": "invoice", "state": "issued", "series": "invoice",
                        "year": year, "payment_state": "awaiting", "created_at": now, "updated_at": now,
                        "issued_at": now, "language": "fr", "currency": "EUR", "frozen": "{}"}
    template, index = [], {}
    for column, field, default in columns:
        value = overrides_static.get(column, default)
        if column == "frozen":
            value = "{}"
        elif column == "pdf":
            value = ""
        elif value is not None:
            value = field.get_db_prep_save(value, connection)
        index[column] = len(template)
        template.append(value)
    at = {name: index[name] for name in ("activity_id", "client_id", "sequence", "number", "issue_date", "due_date",
                                         "tax_exclusive", "tax_inclusive", "payable", "line_total")}
    dues = [t0 + datetime.timedelta(days=k - 3) for k in range(20)]  # first reminders due from today, 5 % a day
    issues = [d - datetime.timedelta(days=30) for d in dues]
    amounts = [(Decimal(100 + k), Decimal(100 + k) * Decimal("1.2")) for k in range(900)]
    client_refs = [(c.activity_id, c.pk) for c in clients]

    def rows(start, count):
        row = list(template)
        for i in range(start, start + count):
            activity_id, client_id = client_refs[(i // 20) % len(client_refs)]  # every activity, every day
            net, gross = amounts[i % 900]
            row[at["activity_id"]], row[at["client_id"]] = activity_id, client_id
            row[at["sequence"]], row[at["number"]] = i + 1, f"F{year}-{i + 1:07d}"
            row[at["issue_date"]], row[at["due_date"]] = issues[i % 20], dues[i % 20]
            row[at["tax_exclusive"]] = row[at["line_total"]] = net
            row[at["tax_inclusive"]] = row[at["payable"]] = gross
            yield row

    started, written, chunk = time.perf_counter(), 0, 50_000
    while written < args.invoices and time.perf_counter() - started < args.seconds:
        n = min(chunk, args.invoices - written)
        with transaction.atomic():
            _copy(Document, names, rows(written, n))
        written += n
    seed_time = time.perf_counter() - started
    DocumentCounter.objects.create(entity=entity, series="invoice", year=year, last=written)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sales_document")
    print(f"open invoices written: {written:,} in {seed_time:.1f} s (COPY)")

    plan_day = t0 - datetime.timedelta(days=30)
    t = time.perf_counter()
    with transaction.atomic():
        plan = services.CollectionPlan.objects.create(entity=entity, name="Bench plan", active=True)
        for order, kind, label, delay, channel, approval, announce in services.DEFAULT_STEPS:
            services.PlanStep.objects.create(plan=plan, order=order, kind=kind, label=label, delay_days=delay,
                                             channel=channel, requires_approval=approval,
                                             announce_days_before=announce)
    import cProfile  # BENCH_PROFILE=1: where the first planning spends its time
    import pstats

    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    if profiler:
        profiler.enable()
    planned = services.replan_entity(entity.pk, today=plan_day)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    plan_time = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dunning_automatedaction")
    print(f"first planning (set-based, {planned:,} actions for {written:,} invoices): {plan_time:.1f} s")
    CollectionRun.objects.create(day=t0 - datetime.timedelta(days=1), announced=True)

    raw_sql = ("SELECT id FROM dunning_automatedaction WHERE due_on <= %s AND NOT blocked AND NOT paused "
               "AND (state = 'approved' OR (state = 'scheduled' AND NOT needs_approval))")

    def raw():
        with connection.cursor() as cursor:
            t = time.perf_counter()
            cursor.execute(raw_sql, [t0])
            ids = cursor.fetchall()
            return time.perf_counter() - t, len(ids)

    def reset():
        CollectionRun.objects.filter(day=t0).delete()
        from django.apps import apps

        if apps.is_installed("compagnon.notifications"):
            from compagnon.notifications.models import Notification

            Notification.objects.all().delete()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dunning_automatedaction")

    raw()  # warm-up
    raws, runs, summaries = [], [], []
    for _ in range(args.repeat):
        reset()
        elapsed, due = raw()
        raws.append(elapsed)
        t = time.perf_counter()
        summary = services.run_collections(today=t0)
        runs.append(time.perf_counter() - t)
        summaries.append(summary)
        assert summary["claimed"] == due, (summary, due)
    raw_s, run_s = statistics.median(raws), statistics.median(runs)
    print(f"due actions: {summaries[-1]['claimed']:,} ({summaries[-1]['claimed'] / written:.1%} of the invoices); "
          f"announced: {summaries[-1]['announced']:,}")
    print(f"raw SQL selection of the due actions: {raw_s * 1000:.0f} ms (median of {args.repeat})")
    print(f"daily run: {run_s * 1000:.0f} ms (median), phases of the last run: {summaries[-1]['timings']}")
    print(f"ratio run / raw selection: {run_s / raw_s:.2f} (budget: 5)")

    # what follows in the tasks: the announcements (in-app notifications, digests enqueued) …
    from django.apps import apps

    if apps.is_installed("compagnon.notifications"):
        from compagnon.notifications.models import Notification

        Notification.objects.all().delete()
    t = time.perf_counter()
    written_notes = services.write_announcements(t0 - datetime.timedelta(days=1), t0)
    print(f"announcement task: {written_notes:,} notifications (one per activity holder) and their digest tasks "
          f"in {(time.perf_counter() - t) * 1000:.0f} ms")
    # … and the execution of each action (email with the invoice PDF, locmem backend)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from compagnon.sales.pdf import sha256

    pdf = b"%PDF-1.7\n% bench placeholder\n"
    name = default_storage.save("bench/shared.pdf", ContentFile(pdf))
    with transaction.atomic():
        due_ids = services.select_due(t0)[:200]
    sample = list(AutomatedAction.objects.filter(pk__in=due_ids).values_list("id", "document_id"))
    Document.objects.filter(pk__in=[d for _a, d in sample]).update(pdf=name, pdf_sha256=sha256(pdf))
    t = time.perf_counter()
    counts = services.execute_batch([a for a, _d in sample], today=t0)
    per = (time.perf_counter() - t) / max(len(sample), 1)
    print(f"execution (task side): {per * 1000:.1f} ms per action over {len(sample)} actions {counts}")


if __name__ == "__main__":
    main()
