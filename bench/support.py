"""Support requests at scale: a desk's queue and a member's "My requests". Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_support \\
        .venv/bin/python -m bench.support [--members 100000] [--requests 500000] [--samples 40]
    .venv/bin/python -m bench.support --quick          # 5,000 members, 25,000 requests (SQLite by default)

Works in a scratch database (``bench.run.scratch_database``'s rules: a PostgreSQL name must contain
"bench"; the default is var/bench/support.sqlite3). A ``DJANGO_SETTINGS_MODULE`` set by the caller
is kept.

Writes with COPY (``core.bulk``) two entities, ``--members`` members each holding an activity,
the desks' agents (ten per service and entity) and ``--requests`` requests: 70 % closed, 15 %
answered, 5 % waiting for the member, 10 % to answer (new or open, their due times spread from
three days late to five days ahead), over the seven services, four priorities and the agents;
plus 2,000 collections cases (with their clients) as requests of kind "collections case".

Measured through the Django test Client (URL resolution, middleware, the permission scope, the
view, the template), each request a real GET of a logged-in user:

* the queue page of the accounting desk of the larger entity, as one of its agents, over its
  filters: to answer (default), mine, unassigned, late, urgent, answered, closed, page 3;
* "My requests" of members picked at random (each has a handful of requests, some a case).

Baselines, in the same run: the same rows read by raw SQL — the page's own SELECT and, for "My
requests", its COUNT (the queue pages without counting), run on a cursor, no ORM objects, no
template —; and the floor: the same page for a
desk and a member with nothing to list (session, permission scope, layout, no rows). Budgets: queue
p95 < 100 ms, "My requests" p95 < 60 ms; the ratios page / raw SQL and page / floor are printed.
Exit 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time

QUEUE_BUDGET_MS = 100.0
MINE_BUDGET_MS = 60.0
SERVICES = [("accounting", 30), ("social", 20), ("legal", 15), ("it", 10), ("collections", 10),
            ("client_relations", 8), ("communication", 7)]
PRIORITIES = [("normal", 70), ("high", 15), ("low", 10), ("urgent", 5)]
STATES = [("closed", 70), ("answered", 15), ("waiting", 5), ("open", 5), ("new", 5)]
AGENTS_PER_DESK = 10
CASES = 2000
QUEUE_VARIANTS = ["", "who=mine", "who=unassigned", "late=1", "priority=urgent", "show=answered", "show=closed",
                  "page=3"]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.support", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_SUPPORT_MEMBERS", "100000")))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_SUPPORT_REQUESTS", "500000")))
    parser.add_argument("--samples", type=int, default=40, help="measured requests per queue filter")
    parser.add_argument("--quick", action="store_true", help="5,000 members and 25,000 requests")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.requests, args.samples = 5000, 25000, 15
    return args


def setup(url: str) -> None:
    """``bench.run.scratch_database``, keeping a settings module the caller chose."""
    from bench import run

    chosen = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    url = url or f"sqlite:///{run.OUT / 'support.sqlite3'}"
    run.reset_database(url)
    run.prepare_environment(url)
    if chosen and chosen != "compagnon.settings":
        os.environ["DJANGO_SETTINGS_MODULE"] = chosen
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def write(members: int, requests: int, rng: random.Random) -> dict:
    """Everything in bulk (COPY on PostgreSQL). Returns the people the measures log in as."""
    from django.db import connection, transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.clients.models import Client
    from compagnon.core.bulk import Table, Writer
    from compagnon.dunning.models import CollectionCase
    from compagnon.members.models import Activity, ActivityMembership, Member
    from compagnon.organisation.models import Entity, Office
    from compagnon.support.models import SupportRequest

    now = timezone.now()
    w = Writer()
    with transaction.atomic():
        fr = Entity.objects.create(name="Bench Support FR", legal_name="Bench Support FR SCOP", jurisdiction="FR",
                                   company_number="732829320", city="Nantes", postcode="44000", country="FR",
                                   street="1 rue de la Paix")
        be = Entity.objects.create(name="Bench Support BE", legal_name="Bench Support BE CV", jurisdiction="BE",
                                   company_number="0403170701", city="Bruxelles", postcode="1000", country="BE",
                                   street="Rue de la Loi 16", default_language="nl")
        offices = {e.pk: Office.objects.create(entity=e, name=f"Office {e.pk}", city=e.city) for e in (fr, be)}
        entity_of = [fr.pk if i % 10 < 7 else be.pk for i in range(members)]

        user_ids = w.reserve_ids(User, members)
        users = Table(User, ["id", "email", "password", "language", "first_name", "last_name"])
        for i, pk in enumerate(user_ids):
            users.add((pk, f"m{i}@support.bench.example", "!", "fr", "Member", f"{i:06d}"))
        users.flush(w)
        member_ids = w.reserve_ids(Member, members)
        rows = Table(Member, ["id", "user_id", "entity_id", "office_id", "number", "status"])
        for i, pk in enumerate(member_ids):
            rows.add((pk, user_ids[i], entity_of[i], offices[entity_of[i]].pk, f"S{i:07d}", "contract"))
        rows.flush(w)
        activity_ids = w.reserve_ids(Activity, members)
        rows = Table(Activity, ["id", "entity_id", "name"])
        for i, pk in enumerate(activity_ids):
            rows.add((pk, entity_of[i], f"Activity {i:06d}"))
        rows.flush(w)
        rows = Table(ActivityMembership, ["activity_id", "member_id", "role"])
        for i in range(members):
            rows.add((activity_ids[i], member_ids[i], "holder"))
        rows.flush(w)

        agents: dict[tuple[int, str], list[int]] = {}
        for e in (fr, be):
            for service, _weight in SERVICES:
                made = [User.objects.create(email=f"{service}{k}-{e.pk}@support.bench.example", password="!",
                                            first_name=service, last_name=str(k), language="fr")
                        for k in range(AGENTS_PER_DESK)]
                RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.SUPPORT, entity=e, service=service)
                                                    for u in made])
                agents[(e.pk, service)] = [u.pk for u in made]
        admin = User.objects.create(email="admin@support.bench.example", password="!", language="fr")
        RoleAssignment.objects.bulk_create([RoleAssignment(user=admin, role=Role.ADMIN, entity=e) for e in (fr, be)])

        # collections cases of the first members' activities (the receiver is not run by COPY: their
        # requests are written below like the others, one per case)
        client_ids = w.reserve_ids(Client, CASES)
        rows = Table(Client, ["id", "activity_id", "name", "kind", "country", "language"])
        for k, pk in enumerate(client_ids):
            rows.add((pk, activity_ids[k * 7 % members], f"Client {k}", "company", "FR", "fr"))
        rows.flush(w)
        case_ids = w.reserve_ids(CollectionCase, CASES)
        rows = Table(CollectionCase, ["id", "entity_id", "activity_id", "client_id", "status"])
        for k, pk in enumerate(case_ids):
            i = k * 7 % members
            rows.add((pk, entity_of[i], activity_ids[i], client_ids[k], "in_progress"))
        rows.flush(w)

        names = ["id", "entity_id", "service", "kind", "member_id", "author_id", "activity_id", "case_id", "subject",
                 "state", "priority", "assigned_to_id", "created_at", "last_activity_at", "answered_at", "closed_at",
                 "clock_started_at", "paused_at", "paused_for", "paused_remaining", "due_at", "queue_at"]
        table = Table(SupportRequest, names)
        ids = w.reserve_ids(SupportRequest, requests + CASES)
        for n in range(requests + CASES):
            case = n >= requests
            i = (n - requests) * 7 % members if case else rng.randrange(members)
            e = entity_of[i]
            service = "collections" if case else _weighted(rng, SERVICES)
            state = "open" if case else _weighted(rng, STATES)
            created = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 365))
            desk = agents[(e, service)]
            assigned = None if (state == "new" or rng.random() < 0.2) else rng.choice(desk)
            answered = closed = paused = remaining = due = None
            if state == "closed":
                closed = created + datetime.timedelta(days=rng.randrange(1, 20))
                queue_at = closed
            elif state == "answered":
                answered = created + datetime.timedelta(hours=rng.randrange(1, 60))
                queue_at = answered
            elif state == "waiting":
                paused = created + datetime.timedelta(hours=rng.randrange(1, 30))
                remaining, queue_at = rng.randrange(-3600, 16 * 3600), paused
            else:
                due = now + datetime.timedelta(minutes=rng.randrange(-3 * 24 * 60, 5 * 24 * 60))
                queue_at = due
            last = max(x for x in (created, answered, closed, paused) if x is not None)
            table.add((ids[n], e, service, "collections_case" if case else "question",
                       None if case else member_ids[i], None if case else user_ids[i], activity_ids[i],
                       case_ids[n - requests] if case else None, f"Request {n}", state, _weighted(rng, PRIORITIES),
                       assigned, created, last, answered, closed, created, paused, 0, remaining, due, queue_at))
            if len(table.rows) >= 20000:
                table.flush(w)
        table.flush(w)
        w.analyze([User, Member, Activity, ActivityMembership, SupportRequest, CollectionCase, Client])
    if connection.vendor == "postgresql":  # what autovacuum does after a bulk load: visibility map, hint bits
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(SupportRequest._meta.db_table)}")
        # the floor: a desk and a member with nothing to list (the same pages, the same stack)
        empty = Entity.objects.create(name="Bench Support Empty", legal_name="Bench Support Empty SCOP",
                                      jurisdiction="FR", company_number="552100554", city="Nantes", postcode="44000",
                                      country="FR", street="2 rue de la Paix")
        floor_agent = User.objects.create(email="floor-agent@support.bench.example", password="!", language="fr")
        RoleAssignment.objects.create(user=floor_agent, role=Role.SUPPORT, entity=empty, service="accounting")
        floor_member = User.objects.create(email="floor-member@support.bench.example", password="!", language="fr")
        Member.objects.create(user=floor_member, entity=empty, office=Office.objects.create(entity=empty, name="Empty"),
                              number="E0000001", status="contract")
    agent = User.objects.get(pk=agents[(fr.pk, "accounting")][0])
    sample = [user_ids[k] for k in rng.sample(range(members), min(members, 400))]
    with_case = [user_ids[(k * 7) % members] for k in range(0, CASES, max(1, CASES // 40))]
    return {"agent": agent, "admin": admin, "members": sample, "case_members": with_case, "entity": fr,
            "floor_agent": floor_agent, "floor_member": floor_member}


def _time(http, url) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        response = http.get(url)
        elapsed = (time.perf_counter() - t) * 1000
    if response.status_code != 200:
        raise SystemExit(f"bench.support: {url} answered {response.status_code}")
    return elapsed, len(ctx.captured_queries)


def _raw(qs, *, count: bool) -> float:
    """The page's own SQL on a cursor: its SELECT, and its COUNT when the page counts ("My
    requests"; the queue reads 26 rows instead, to know whether a next page exists)."""
    from django.db import connection

    sql, params = qs[:25 if count else 26].query.sql_with_params()
    count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
        if count:
            cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) AS rows", count_params)  # noqa: S608 - Django's own SQL
            cursor.fetchone()
    return (time.perf_counter() - t) * 1000


def measure(people: dict, samples: int, rng: random.Random) -> dict:
    from django.test import Client as HttpClient
    from django.urls import reverse

    from bench.home import percentile
    from compagnon.accounts.models import User
    from compagnon.core.params import bool_param, choice_param
    from compagnon.support import selectors

    http = HttpClient()
    http.force_login(people["agent"])
    queue_url = reverse("support-queue")
    for _ in range(3):
        _time(http, queue_url)  # warm-up
    page, raw, queries = [], [], 0
    agent = User.objects.get(pk=people["agent"].pk)
    for variant in QUEUE_VARIANTS:
        url = f"{queue_url}?{variant}" if variant else queue_url
        for _ in range(samples):
            ms, q = _time(http, url)
            page.append(ms)
            queries = max(queries, q)
        params = dict(p.split("=") for p in variant.split("&") if p)
        f = selectors.QueueFilter(tab=choice_param(params, "show", list(selectors.TABS), default="todo"),
                                  who=choice_param(params, "who", ["mine", "unassigned"]),
                                  late=bool_param(params, "late"), priority=params.get("priority", ""))
        agent = User.objects.get(pk=people["agent"].pk)
        for _ in range(samples):
            raw.append(_raw(selectors.queue(agent, f), count=False))

    mine_url = reverse("support-mine")
    members = people["members"] + people["case_members"]
    rng.shuffle(members)
    mine, mine_raw, mine_queries = [], [], 0
    users = {u.pk: u for u in User.objects.filter(pk__in=members)}
    for pk in members:
        http = HttpClient()
        http.force_login(users[pk])
        ms, q = _time(http, mine_url)
        mine.append(ms)
        mine_queries = max(mine_queries, q)
        user = User.objects.get(pk=pk)
        mine_raw.append(_raw(selectors.my_list(user), count=True))
    floors = {}
    for name, who, url, n in (("queue", "floor_agent", queue_url, len(page)), ("mine", "floor_member", mine_url, len(mine))):
        http = HttpClient()
        http.force_login(people[who])
        floors[name] = sorted(_time(http, url)[0] for _ in range(max(n // 4, 20)))
    out = {}
    for name, values, base, q in (("queue", page, raw, queries), ("mine", mine, mine_raw, mine_queries)):
        values.sort()
        base.sort()
        out[name] = {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "n": len(values),
                     "raw50": percentile(base, 0.5), "raw95": percentile(base, 0.95), "queries": q,
                     "floor50": percentile(floors[name], 0.5), "floor95": percentile(floors[name], 0.95)}
    return out


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection

    rng = random.Random(2026)
    started = time.perf_counter()
    people = write(args.members, args.requests, rng)
    print(f"bench.support: {connection.vendor}, {args.members:,} members and {args.requests + CASES:,} requests "
          f"({CASES:,} collections cases) written in {time.perf_counter() - started:.1f} s", flush=True)
    r = measure(people, args.samples, rng)
    ok = True
    for name, label, budget in (("queue", "queue page of a desk, 8 filters", QUEUE_BUDGET_MS),
                                ("mine", "\"My requests\" of a member", MINE_BUDGET_MS)):
        m = r[name]
        print(f"{label} ({m['n']} requests through the test Client, at most {m['queries']} queries): "
              f"p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms")
        print(f"  baseline, the same rows by raw SQL (the page's SELECT, and COUNT where it counts): p50 {m['raw50']:.1f} ms, "
              f"p95 {m['raw95']:.1f} ms; ratio page / raw: p50 {m['p50'] / m['raw50']:.1f}x, "
              f"p95 {m['p95'] / m['raw95']:.1f}x")
        print(f"  floor, the same page with nothing to list (the stack alone): p50 {m['floor50']:.1f} ms, "
              f"p95 {m['floor95']:.1f} ms; ratio page / floor: p50 {m['p50'] / m['floor50']:.2f}x, "
              f"p95 {m['p95'] / m['floor95']:.2f}x")
        met = m["p95"] < budget
        ok &= met
        print(f"  budget p95 < {budget:.0f} ms: {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
