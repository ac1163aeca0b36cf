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
    from compagnon.dunning import daily, execution, plans
    from compagnon.dunning.models import AutomatedAction, CollectionPlan, CollectionRun, PlanStep
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
        plan = CollectionPlan.objects.create(entity=entity, name="Bench plan", active=True)
        for order, kind, label, delay, channel, approval, announce in plans.DEFAULT_STEPS:
            PlanStep.objects.create(plan=plan, order=order, kind=kind, label=label, delay_days=delay,
                                             channel=channel, requires_approval=approval,
                                             announce_days_before=announce)
    import cProfile  # BENCH_PROFILE=1: where the first planning spends its time
    import pstats

    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    if profiler:
        profiler.enable()
    planned = plans.replan_entity(entity.pk, today=plan_day)
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
        summary = daily.run_collections(today=t0)
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
    written_notes = daily.write_announcements(t0 - datetime.timedelta(days=1), t0)
    print(f"announcement task: {written_notes:,} notifications (one per activity holder) and their digest tasks "
          f"in {(time.perf_counter() - t) * 1000:.0f} ms")
    # … and the execution of each action (email with the invoice PDF, locmem backend)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from compagnon.sales.pdf import sha256

    pdf = b"%PDF-1.7\n% bench placeholder\n"
    name = default_storage.save("bench/shared.pdf", ContentFile(pdf))
    with transaction.atomic():
        due_ids = daily.select_due(t0)[:200]
    sample = list(AutomatedAction.objects.filter(pk__in=due_ids).values_list("id", "document_id"))
    Document.objects.filter(pk__in=[d for _a, d in sample]).update(pdf=name, pdf_sha256=sha256(pdf))
    t = time.perf_counter()
    counts = execution.execute_batch([a for a, _d in sample], today=t0)
    per = (time.perf_counter() - t) / max(len(sample), 1)
    print(f"execution (task side): {per * 1000:.1f} ms per action over {len(sample)} actions {counts}")


if __name__ == "__main__":
    main()


# --- executing actions: the cost of one reminder, against the same email sent alone ---------------


def prepare_due_reminders(n: int, *, today: datetime.date | None = None) -> list[int]:
    """``n`` overdue invoices whose first reminder is due ``today``, on the demo data (any database).

    Copies of issued demo invoices of both entities (their frozen snapshot, client and archived PDF;
    each copy in a language of its entity: fr/en in France, nl/fr in Belgium), with the entity's
    active plan (the recommended one when there is none): the first reminder due and announced, the
    later steps pending behind it, as the daily run leaves them. Returns the ids of the reminders."""
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment
    from compagnon.dunning import base, plans
    from compagnon.dunning.models import PENDING, AutomatedAction, CollectionRun
    from compagnon.sales.models import Document
    from compagnon.sales.tasks import render_document_pdf

    today = today or timezone.localdate()
    templates = []
    for jurisdiction, languages in (("FR", ["fr", "en"]), ("BE", ["nl", "fr"])):
        docs = list(Document.objects.filter(kind="invoice", state="issued", entity__jurisdiction=jurisdiction)
                    .exclude(client__email="").select_related("entity").order_by("id")[:2])
        for doc in docs:
            if not doc.pdf:
                render_document_pdf.call(document_id=doc.pk)
                doc.refresh_from_db()
            templates.append((doc, languages))
    if not templates:
        raise SystemExit("no issued demo invoice with a client email: run seed_demo first")
    with transaction.atomic():
        steps_by_entity = {}
        for doc, _languages in templates:
            plan = base.active_plan(doc.entity_id)
            if plan is None:
                admin = RoleAssignment.objects.filter(entity_id=doc.entity_id, role=Role.ADMIN).first().user
                plan = plans.create_default_plan(actor=admin, entity=doc.entity)
            steps_by_entity[doc.entity_id] = [s for s in plan.steps.filter(active=True).order_by("order")
                                              if s.kind not in ("quote_follow_up",)]
        copies = []
        for i in range(n):
            doc, languages = templates[i % len(templates)]
            copy = Document.objects.get(pk=doc.pk)
            copy.pk = copy.id = None
            copy.sequence = None
            copy.number = f"BENCH-{i + 1:05d}"
            copy.language = languages[(i // len(templates)) % len(languages)]
            copy.due_date = today - datetime.timedelta(days=10)
            copy.payment_state, copy.paid_amount = "awaiting", 0
            copies.append(copy)
        copies = Document.objects.bulk_create(copies, batch_size=500)
        now = timezone.now()
        actions = []
        for copy in copies:
            steps = steps_by_entity[copy.entity_id]
            for k, step in enumerate(steps):
                due = today + datetime.timedelta(days=7 * k)
                actions.append(AutomatedAction(
                    document=copy, step=step, entity_id=copy.entity_id, activity_id=copy.activity_id,
                    client_id=copy.client_id, kind=step.kind, order=step.order, channel=step.channel,
                    announce_days=step.announce_days_before, due_on=due,
                    announce_on=due - datetime.timedelta(days=step.announce_days_before),
                    needs_approval=bool(step.requires_approval), blocked=k > 0, created_at=now, updated_at=now))
        AutomatedAction.objects.bulk_create(actions, batch_size=1000)
        CollectionRun.objects.get_or_create(day=today, defaults={"announced": True})
        CollectionRun.objects.filter(day=today).update(announced=True)
    return list(AutomatedAction.objects.filter(document__in=copies, order=min(
        s.order for steps in steps_by_entity.values() for s in steps), state__in=PENDING)
        .order_by("id").values_list("id", flat=True))


def send_alone(action_ids, *, today: datetime.date) -> int:
    """The baseline: the same reminders rendered (texts and the legal claim, in the document's
    language) and sent with the invoice PDF read from the archive, and nothing else — no lock, no
    check, no record. The objects are loaded beforehand (one query, not timed by the caller's
    split: the caller times this whole function, loads included)."""
    from django.core.mail import EmailMultiAlternatives

    from compagnon.dunning import base, texts
    from compagnon.dunning.models import AutomatedAction

    actions = list(AutomatedAction.objects.filter(pk__in=list(action_ids))
                   .select_related("document__entity", "document__activity", "document__client", "step__plan")
                   .prefetch_related("step__templates"))
    sent = 0
    no_history = {"first_reminder_on": None, "first_reminder_channel": "email", "formal_notice_on": None}
    for action in actions:
        document = action.document
        claim = base.claim_for(action, document, today, history=no_history)
        subject, body = texts.render(action.step, action, document, claim, today=today, first=True)
        with document.pdf.open("rb") as f:
            pdf = f.read()
        message = EmailMultiAlternatives(subject=subject, body=body, to=[document.client.email])
        message.attach(f"{document.number}.pdf", pdf, "application/pdf")
        sent += message.send()
    return sent


def execution_bench(n: int = 1000, *, chunk: int = 100, today: datetime.date | None = None) -> dict:
    """Carry out ``n`` due reminders (``execution.execute_batch``, each locked, checked, emailed with
    the invoice PDF, recorded) against ``send_alone`` on the same reminders, chunk by chunk in
    alternation (so both see the same load), with the locmem email backend. Prints and returns the
    cost per action, the ratio, and the SQL queries per action."""
    import time

    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from compagnon.dunning import execution
    from compagnon.dunning.models import ActionState, AutomatedAction

    today = today or timezone.localdate()
    t = time.perf_counter()
    ids = prepare_due_reminders(n, today=today)
    print(f"collections: {len(ids):,} due reminders prepared in {time.perf_counter() - t:.1f} s "
          f"(copies of demo invoices, both entities, 4 languages)")
    alone_s = executed_s = 0.0
    queries = 0
    counts: dict[str, int] = {}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        send_alone(ids[:chunk], today=today)  # warm-up (templates, translations) of both paths
        mail.outbox = []
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            t = time.perf_counter()
            send_alone(part, today=today)
            alone_s += time.perf_counter() - t
            connection.queries_log.clear()  # a bounded deque: counting past its 9,000 would count nothing
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                for state, k in execution.execute_batch(part, today=today).items():
                    counts[state] = counts.get(state, 0) + k
                executed_s += time.perf_counter() - t
            queries += len(captured.captured_queries)
            mail.outbox = []
    done = AutomatedAction.objects.filter(pk__in=ids, state=ActionState.EXECUTED).count()
    per, alone = executed_s / max(len(ids), 1), alone_s / max(len(ids), 1)
    result = {"actions": len(ids), "executed": done, "outcomes": counts,
              "per_action_ms": round(per * 1000, 2), "alone_ms": round(alone * 1000, 2),
              "ratio": round(per / alone, 2) if alone else None,
              "queries_per_action": round(queries / max(len(ids), 1), 2), "budget_ms": 20}
    verdict = "within" if per * 1000 <= 20 else "OVER"
    print(f"collections: executing {len(ids):,} reminders (email with the invoice PDF): "
          f"{per * 1000:.1f} ms per action ({verdict} the 20 ms budget), {result['queries_per_action']} "
          f"queries per action; the same emails rendered and sent alone: {alone * 1000:.1f} ms; "
          f"ratio {result['ratio']} {counts}")
    return result
