"""The agenda at the scale of a large cooperative: a member's agenda page and registering for an
event, among 100,000 members, 20,000 events and 1,000,000 registrations. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_events \\
        .venv/bin/python -m bench.events [--members 100000] [--events 20000] \\
        [--registrations 1000000] [--requests 200]
    .venv/bin/python -m bench.events --quick       # 2,000 members, 400 events, 20,000 registrations
    ... -m bench.events --reuse                     # measure the database of the last run again

Works in a scratch database (``bench.run`` resets it: a PostgreSQL name must contain "bench"; a
file under var/bench/ otherwise). Writes with ``core.bulk.Writer`` (PostgreSQL ``COPY``) one entity
with 40 offices, ``--members`` members (and their users), ``--events`` published events from two
months ago to four months ahead (one in ten for the whole cooperative, the others spread over the
offices; most with a number of places, some full with a waiting list) and ``--registrations``
registrations spread over them (places first, then the waiting list; the events' counters agree
with the rows), plus 40 notifications for each measured member. Then, for ``--requests`` members
each with a fresh logged-in ``django.test.Client`` (so the permission scope is computed as in a
request), timed around the call in the process, no network:

* the agenda page (``events-agenda``, GET): the upcoming events of the member's office and of the
  whole cooperative, 30 a page, with the member's own registrations;
* registering (``events-register``, POST, answered by a redirect) for an upcoming event of the
  member's office that they are not registered for: the event row locked, a place or the waiting
  list, the audit event;
* baseline, in the same run: the notification list page (``notification-list``) of the same
  members, a plain page of the same shape (paged list of the user's rows).

Budgets: agenda p95 < 80 ms, registering p95 < 100 ms. Prints p50/p95, query counts and the ratios
to the baseline; exit 1 when a budget is missed. ``--settings`` names another settings module.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time

AGENDA_BUDGET_MS = 80.0
REGISTER_BUDGET_MS = 100.0
OFFICES = 40
CHUNK = 100_000


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_EVENTS_MEMBERS", "100000")))
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS_EVENTS", "20000")))
    parser.add_argument("--registrations", type=int,
                        default=int(os.environ.get("BENCH_EVENTS_REGISTRATIONS", "1000000")))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_EVENTS_REQUESTS", "200")))
    parser.add_argument("--quick", action="store_true", help="2,000 members, 400 events, 20,000 registrations")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again the database a previous run wrote (nothing reset or written)")
    parser.add_argument("--settings", default=os.environ.get("BENCH_EVENTS_SETTINGS", "compagnon.settings"))
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.events, args.registrations, args.requests = 2000, 400, 20_000, 60
    return args


def setup(url: str, settings: str, *, reuse: bool = False) -> None:
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'events.sqlite3'}"
    if not reuse:
        run.reset_database(url)
    run.prepare_environment(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
    from django.core.management import call_command

    if not reuse:
        call_command("migrate", verbosity=0)
    from django.urls import reverse

    reverse("events-agenda")  # load the URLconf now, with the code the database was migrated for


def write(args, rng: random.Random) -> dict:
    """The people, the events and the registrations, through COPY. Returns what the measure needs."""
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.core.bulk import Table, Writer
    from compagnon.events.models import (
        Event,
        EventKind,
        EventStatus,
        Registration,
        RegistrationStatus,
    )
    from compagnon.members.models import Member, MemberStatus
    from compagnon.notifications.models import Notification
    from compagnon.organisation.models import Entity, Office

    writer = Writer()
    now = timezone.now()
    with transaction.atomic():
        entity = Entity.objects.create(
            name="Bench Events", legal_name="Bench Events SCOP", jurisdiction="FR", company_number="732829320",
            city="Nantes", postcode="44000", country="FR", street="1 rue de la Paix",
        )
        offices = [Office.objects.create(entity=entity, name=f"Office {i:02d}", city="Nantes") for i in range(OFFICES)]
        user_ids = writer.reserve_ids(User, args.members)
        member_ids = writer.reserve_ids(Member, args.members)
        users = Table(User, ["id", "email", "password", "first_name", "last_name", "language"])
        members = Table(Member, ["id", "user_id", "entity_id", "office_id", "number", "status"])
        by_office: dict[int, list[int]] = {o.pk: [] for o in offices}
        for i, (uid, mid) in enumerate(zip(user_ids, member_ids, strict=True)):
            office = offices[i % OFFICES].pk
            users.add((uid, f"m{i}@events.bench.example", "!", "Member", f"{i:06d}", "fr"))
            members.add((mid, uid, entity.pk, office, f"E{i:06d}", MemberStatus.CONTRACT))
            by_office[office].append(mid)
            if len(users.rows) >= CHUNK:
                users.flush(writer)
                members.flush(writer)
        users.flush(writer)
        members.flush(writer)

        event_ids = writer.reserve_ids(Event, args.events)
        per_event = max(1, args.registrations // args.events)
        events = Table(Event, ["id", "entity_id", "office_id", "kind", "title", "starts_at", "ends_at", "place",
                               "capacity", "status", "registered_count", "waiting_count"])
        regs = Table(Registration, ["event_id", "member_id", "status", "registered_at"])
        kinds = [EventKind.WORKSHOP, EventKind.MEETUP, EventKind.INFO, EventKind.OTHER]
        everyone = member_ids
        written = 0
        placed = 0
        for n, eid in enumerate(event_ids):
            wide = n % 10 == 0
            office = None if wide else offices[placed % OFFICES].pk
            placed += 0 if wide else 1
            starts = now + datetime.timedelta(days=rng.uniform(-60, 120))
            starts = starts.replace(minute=0, second=0, microsecond=0)
            capacity = None if n % 5 == 0 else rng.choice([10, 20, 30, 50, 80])
            pool = everyone if wide else by_office[office]
            # at most half of the people who may come, so that everyone has events left to register for
            count = min(len(pool) // 2, per_event if written + per_event <= args.registrations else 0)
            chosen = rng.sample(pool, count) if count else []
            confirmed = count if capacity is None else min(count, capacity)
            at = starts - datetime.timedelta(days=30)
            for k, mid in enumerate(chosen):
                status = RegistrationStatus.CONFIRMED if k < confirmed else RegistrationStatus.WAITING
                regs.add((eid, mid, status, at + datetime.timedelta(minutes=k)))
            written += count
            events.add((eid, entity.pk, office, kinds[n % len(kinds)], f"Event {n}", starts,
                        starts + datetime.timedelta(hours=2), "Office room", capacity, EventStatus.PUBLISHED,
                        confirmed, count - confirmed))
            if len(regs.rows) >= CHUNK:
                events.flush(writer)
                regs.flush(writer)
        events.flush(writer)
        regs.flush(writer)

        writer.analyze([User, Member, Event, Registration, Notification])
    return writer.rows


def people(args, rng: random.Random) -> list:
    """The members measured, each with 40 notifications (the baseline page lists them)."""
    from django.utils import timezone

    from compagnon.members.models import Member
    from compagnon.notifications.models import Notification

    ids = list(Member.objects.filter(entity__name="Bench Events").values_list("id", flat=True))
    chosen = Member.objects.filter(pk__in=rng.sample(ids, min(args.requests, len(ids)))).select_related("user")
    now, notes = timezone.now(), []
    for m in chosen:
        notes += [Notification(user_id=m.user_id, title=f"Invoice F-{k} paid", url="/",
                               created_at=now - datetime.timedelta(hours=k)) for k in range(40)]
    Notification.objects.bulk_create(notes, batch_size=2000)
    return list(chosen)


def event_to_join(member, now, rng: random.Random) -> int | None:
    """An upcoming event of the member's office that they are not registered for."""
    from compagnon.events.models import Event, EventStatus

    ids = list(
        Event.objects.filter(office_id=member.office_id, status=EventStatus.PUBLISHED,
                             starts_at__gt=now + datetime.timedelta(hours=1))
        .exclude(registrations__member=member)
        .values_list("id", flat=True)[:50]
    )
    return rng.choice(ids) if ids else None


def percentile(values, q):
    from bench.run import percentile as p

    return p(sorted(values), q)


def timed(client, method: str, url: str, expect: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = getattr(client, method)(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise SystemExit(f"bench.events: {method.upper()} {url} answered {response.status_code}, not {expect}")
    return elapsed, len(ctx.captured_queries)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url, args.settings, reuse=args.reuse)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    rng = random.Random(2026)
    if not args.reuse:
        started = time.perf_counter()
        rows = write(args, rng)
        print(f"bench.events: {connection.vendor}, {args.members:,} members, {args.events:,} events, "
              f"{args.registrations:,} registrations ({rows:,} rows) written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    from compagnon.events.models import Event, Registration
    from compagnon.members.models import Member

    print(f"bench.events: {connection.vendor}, measuring among {Member.objects.count():,} members, "
          f"{Event.objects.count():,} events, {Registration.objects.count():,} registrations", flush=True)
    now = timezone.now()
    agenda_url, notes_url = reverse("events-agenda"), reverse("notification-list")
    agenda, register, base = [], [], []
    queries = {"agenda": 0, "register": 0, "baseline": 0}
    for i, member in enumerate(people(args, rng)):
        http = Client()
        http.force_login(member.user)
        if i == 0:  # warm the caches of the process (templates, URL resolver)
            http.get(agenda_url)
            http.get(notes_url)
        ms, q = timed(http, "get", agenda_url, 200)
        agenda.append(ms)
        queries["agenda"] = max(queries["agenda"], q)
        ms, q = timed(http, "get", notes_url, 200)
        base.append(ms)
        queries["baseline"] = max(queries["baseline"], q)
        eid = event_to_join(member, now, rng)
        if eid is not None:
            ms, q = timed(http, "post", reverse("events-register", args=[eid]), 302)
            register.append(ms)
            queries["register"] = max(queries["register"], q)

    a50, a95 = percentile(agenda, 0.5), percentile(agenda, 0.95)
    r50, r95 = percentile(register, 0.5), percentile(register, 0.95)
    b50, b95 = percentile(base, 0.5), percentile(base, 0.95)
    print(f"agenda page ({len(agenda)} members): p50 {a50:.1f} ms, p95 {a95:.1f} ms, {queries['agenda']} queries")
    print(f"register ({len(register)} POSTs): p50 {r50:.1f} ms, p95 {r95:.1f} ms, {queries['register']} queries")
    print(f"baseline notification list: p50 {b50:.1f} ms, p95 {b95:.1f} ms, {queries['baseline']} queries")
    print(f"ratio agenda / baseline: p50 {a50 / b50:.2f}x, p95 {a95 / b95:.2f}x")
    print(f"ratio register / baseline: p50 {r50 / b50:.2f}x, p95 {r95 / b95:.2f}x")
    ok_agenda, ok_register = a95 < AGENDA_BUDGET_MS, r95 < REGISTER_BUDGET_MS
    print(f"budget agenda p95 < {AGENDA_BUDGET_MS:.0f} ms: {'met' if ok_agenda else 'MISSED'}")
    print(f"budget register p95 < {REGISTER_BUDGET_MS:.0f} ms: {'met' if ok_register else 'MISSED'}")
    return 0 if ok_agenda and ok_register else 1


if __name__ == "__main__":
    sys.exit(main())
