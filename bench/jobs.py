"""Declaring a job in one action, in an entity of thousands of members and documents. Not a test.

    .venv/bin/python -m bench.jobs                    # SQLite file under var/bench/
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_jobs \\
        .venv/bin/python -m bench.jobs [--members 3000] [--documents 20000] [--jobs 200]

Works in a scratch database (``bench.run.scratch_database``; a PostgreSQL name must contain
"bench"). Writes in bulk an entity with ``--members`` members, each holding an activity with a
client, and ``--documents`` draft quotes spread over them. Then, for ``--jobs`` members (each a
fresh logged-in ``django.test.Client``, so the permission scope is computed as in a request):

* the whole declare request: a POST of the one-form page (``jobs-new``) through the Django test
  Client — URL resolution, middleware, the form, ``jobs.services.declare_job`` and its steps
  (client, quote drafted through sales, dates reserved through fieldwork, registration), the
  redirect; timed around ``client.post`` in the process, no network;
* baseline, in the same run: creating the new client and its draft quote alone
  (``clients.services.create_client`` + ``sales.services.create_document``, one line), the two
  steps every declaration also runs.

Budget: the declare request's p95 < 300 ms. Prints p50/p95 of both and their ratio; exit 1 when
the budget is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal

from bench.home import percentile

BUDGET_MS = 300.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.jobs", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_JOBS_MEMBERS", "3000")))
    parser.add_argument("--documents", type=int, default=int(os.environ.get("BENCH_JOBS_DOCUMENTS", "20000")))
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("BENCH_JOBS_JOBS", "200")))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    return parser.parse_args(argv)


def setup(url: str) -> None:
    from bench import run

    run.scratch_database(url, "jobs")


def write_background(members: int, documents: int):
    """An entity of ``members`` members (an activity and a client each) and ``documents`` drafts."""
    from django.db import transaction

    from compagnon.accounts.models import User
    from compagnon.clients.models import Client
    from compagnon.ledger.services import ensure_chart
    from compagnon.members.models import (
        Activity,
        ActivityMembership,
        ActivityRole,
        Member,
        MemberStatus,
    )
    from compagnon.organisation.models import Entity, Office
    from compagnon.sales.models import SERIES, Document, Kind

    with transaction.atomic():
        entity = Entity.objects.create(
            name="Bench Jobs", legal_name="Bench Jobs SCOP", jurisdiction="FR", company_number="732829320",
            city="Nantes", postcode="44000", country="FR", street="1 rue de la Paix",
        )
        ensure_chart(entity)
        office = Office.objects.create(entity=entity, name="Nantes", city="Nantes")
        User.objects.bulk_create(
            [User(email=f"m{i}@jobs.bench.example", password="!", language="fr", first_name="M", last_name=f"{i:05d}")
             for i in range(members)], batch_size=2000)
        users = list(User.objects.filter(email__endswith="@jobs.bench.example").order_by("pk"))
        Member.objects.bulk_create(
            [Member(user=u, entity=entity, office=office, number=f"J{i:06d}", status=MemberStatus.CONTRACT,
                    postcode="44000", city="Nantes") for i, u in enumerate(users)], batch_size=2000)
        people = list(Member.objects.filter(entity=entity).order_by("pk"))
        Activity.objects.bulk_create([Activity(entity=entity, name=f"Activity {i:05d}") for i in range(members)],
                                     batch_size=2000)
        activities = list(Activity.objects.filter(entity=entity).order_by("pk"))
        ActivityMembership.objects.bulk_create(
            [ActivityMembership(activity=a, member=m, role=ActivityRole.HOLDER) for a, m in zip(activities, people, strict=True)],
            batch_size=2000)
        Client.objects.bulk_create(
            [Client(activity=a, name=f"Client {i:05d}", email=f"c{i}@example.org", language="fr", country="FR",
                    postcode="44000", city="Nantes") for i, a in enumerate(activities)], batch_size=2000)
        clients = {c.activity_id: c for c in Client.objects.filter(activity__entity=entity)}
        Document.objects.bulk_create(
            [Document(entity=entity, activity=activities[i % members], client=clients[activities[i % members].pk],
                      kind=Kind.QUOTE, series=SERIES[Kind.QUOTE], language="fr", created_by=users[i % members],
                      title=f"Quote {i}", tax_exclusive=Decimal("100.00"), tax_inclusive=Decimal("120.00"))
             for i in range(documents)], batch_size=2000)
    return entity, people, activities


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from compagnon.clients.services import create_client
    from compagnon.jobs.models import Job
    from compagnon.sales.services import create_document

    started = time.perf_counter()
    entity, people, activities = write_background(args.members, args.documents)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.jobs: {connection.vendor}, {args.members:,} members and {args.documents:,} documents written "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    n = min(args.jobs, args.members // 2)
    start = timezone.localdate() + datetime.timedelta(days=7)
    url = reverse("jobs-new")
    samples, queries = [], 0
    for i in range(n):
        member, activity = people[i], activities[i]
        http = HttpClient()
        http.force_login(member.user)
        data = {"activity": activity.pk, "client": "", "client_name": f"New client {i}",
                "client_email": f"new{i}@example.org", "description": "Repaint the kitchen", "amount": "1200.00",
                "starts_on": start.isoformat(), "ends_on": (start + datetime.timedelta(days=2)).isoformat(),
                "street": "4 rue des Lilas", "postcode": "44000", "city": "Nantes", "document_kind": "quote"}
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = http.post(url, data)
            elapsed = (time.perf_counter() - t) * 1000
        if response.status_code != 302:
            print(f"bench.jobs: the declaration answered {response.status_code}", file=sys.stderr)
            return 1
        samples.append(elapsed)
        queries = max(queries, len(ctx.captured_queries))
    assert Job.objects.count() == n

    base = []
    for i in range(n, 2 * n):
        member, activity = people[i], activities[i]
        user = type(member.user).objects.get(pk=member.user_id)  # a fresh scope, as in a request
        t = time.perf_counter()
        client = create_client(actor=user, activity=activity, name=f"Baseline {i}", email=f"b{i}@example.org",
                               kind="individual")
        create_document(actor=user, activity=activity, client=client, kind="quote", lines=[
            {"description": "Repaint the kitchen", "quantity": Decimal("1"), "unit": "LS",
             "unit_price": Decimal("1200.00"), "vat_category": "S", "vat_rate": Decimal("20")}])
        base.append((time.perf_counter() - t) * 1000)

    samples.sort()
    base.sort()
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    b50, b95 = percentile(base, 0.5), percentile(base, 0.95)
    print(f"declare a job (whole POST through the test Client, {n} jobs): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"at most {queries} queries")
    print(f"baseline client + draft quote (services alone): p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(f"ratio declare / baseline: p50 {p50 / b50:.1f}x, p95 {p95 / b95:.1f}x")
    ok = p95 < BUDGET_MS
    print(f"budget p95 < {BUDGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
