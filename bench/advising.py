"""The advisor's list of their members, sorted by attention, in a cooperative of 100,000 members.
Not a test.

    .venv/bin/python -m bench.advising --quick        # SQLite file under var/bench/, 10,000 members
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_advising \\
        .venv/bin/python -m bench.advising [--members 100000] [--mine 2000] [--appointments 50000]

Works in a scratch database (``bench.run.scratch_database``; a PostgreSQL name must contain
"bench"). Writes in bulk (``core.bulk.Writer``: COPY on PostgreSQL) one entity of ``--members``
members in 41 offices; one advisor advises the first office, whose ``--mine`` members all have
them as advisor, an activity each, and ``--appointments`` appointments (held, cancelled, missed
in the past two years, planned in the coming weeks, some never recorded), next steps (a third
overdue), last year's reviews for half of them; ``--other-appointments`` more in the other
offices, and audit events (a few maturity changes) over every member. The follow-up rows are then
recomputed (``followup.rebuild``) as ``manage.py rebuild_follow_ups`` would.

Measured, each through the Django test Client (a real request: URL resolution, middleware, the
permission scope, the view, the template), logged in as the advisor:

* the advisor's members list (``advising-members``: the first page, sorted by attention, with the
  counts per kind of attention and the figures of each row), and two variants (a filter, a far
  page), for information;
* baseline, in the same run: the member-list page (``member-list``) for the same advisor, which
  lists the same offices' members by name.

Budget: the list's p95 < 100 ms. Prints p50/p95, the queries, and the ratios to the baseline; exit 1
when the budget is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time

from bench.run import percentile

BUDGET_MS = 100.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.advising", description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument("--members", type=int, default=int(env("BENCH_ADVISING_MEMBERS", "100000")))
    parser.add_argument("--mine", type=int, default=int(env("BENCH_ADVISING_MINE", "2000")),
                        help="members of the advisor's office, all followed by them")
    parser.add_argument("--appointments", type=int, default=int(env("BENCH_ADVISING_APPOINTMENTS", "50000")),
                        help="appointments in the advisor's office")
    parser.add_argument("--other-appointments", type=int, default=int(env("BENCH_ADVISING_OTHER", "100000")))
    parser.add_argument("--audit", type=int, default=int(env("BENCH_ADVISING_AUDIT", "300000")),
                        help="audit events spread over every member")
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS", "40")))
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 members, 500 followed, 12,500 appointments")
    parser.add_argument("--database-url", default=env("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.mine, args.appointments = 10_000, 500, 12_500
        args.other_appointments, args.audit, args.requests = 10_000, 30_000, 20
    return args


def write(args):
    """Everything in one transaction, through the bulk writer; returns the advisor."""
    from django.db import connection, transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.advising.models import Appointment, NextStep, Review
    from compagnon.audit.models import AuditEvent
    from compagnon.core.bulk import Writer
    from compagnon.members.models import Activity, ActivityMembership, Member
    from compagnon.organisation.models import Entity, Office

    r = random.Random(2026)  # noqa: S311 - synthetic data
    ops = connection.ops
    now = timezone.now()
    today = timezone.localdate()
    dt = ops.adapt_datetimefield_value
    d = ops.adapt_datefield_value
    w = Writer()
    with transaction.atomic():
        entity = Entity.objects.create(name="Bench Advising", legal_name="Bench Advising SCOP", jurisdiction="FR",
                                       company_number="732829320", city="Nantes", postcode="44000", country="FR",
                                       street="1 rue de la Paix")
        offices = [Office.objects.create(entity=entity, name=f"Office {i:02d}", city="Nantes") for i in range(41)]
        advisors = User.objects.bulk_create([User(email=f"advisor{i}@advising.bench.example", password="!",
                                                  first_name="Adv", last_name=f"{i:02d}") for i in range(41)])
        for office, advisor in zip(offices, advisors, strict=True):
            RoleAssignment.objects.create(user=advisor, role=Role.ADVISOR, entity=entity, office=office)
        advisor = advisors[0]
        n = args.members
        user_ids = w.reserve_ids(User, n)
        member_ids = w.reserve_ids(Member, n)
        firsts = ["Camille", "Yanis", "Inès", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Noah", "Emma", "Jules"]
        lasts = ["Moreau", "Martin", "Bernard", "Dubois", "Petit", "Durand", "Leroy", "Roux", "Fournier", "Girard"]
        users, members = [], []
        for i, (uid, mid) in enumerate(zip(user_ids, member_ids, strict=True)):
            mine = i < args.mine
            office = offices[0] if mine else offices[1 + i % 40]
            users.append((uid, "!", False, f"m{i}@advising.bench.example", firsts[i % len(firsts)],
                          f"{lasts[(i // 11) % len(lasts)]} {i:06d}", "", "fr", False, True, False, dt(now)))
            status = "left" if r.random() < 0.05 else r.choice(["applicant", "contract", "contract", "associate"])
            members.append((mid, uid, entity.pk, office.pk, f"B{i:06d}", status,
                            d(today - datetime.timedelta(days=r.randrange(2, 900))),
                            advisor.pk if mine else advisors[1 + i % 40].pk, r.choice(["new", "developing",
                                                                                       "established"]),
                            "[]", "[]", "Nantes", "44000", "",
                            dt(now - datetime.timedelta(days=r.randrange(30, 1500)))))
        w.insert(User, ["id", "password", "is_superuser", "email", "first_name", "last_name", "phone", "language",
                        "is_staff", "is_active", "is_demo", "date_joined"], users)
        w.insert(Member, ["id", "user", "entity", "office", "number", "status", "status_since", "advisor", "maturity",
                          "skills", "languages", "city", "postcode", "bio", "created_at"], members)
        mine_ids = member_ids[:args.mine]
        activity_ids = w.reserve_ids(Activity, len(mine_ids))
        w.insert(Activity, ["id", "entity", "name", "description", "status", "logo", "brand_color", "letterhead",
                            "footer", "payment_terms_days", "document_language", "created_at", "updated_at"],
                 [(aid, entity.pk, f"Activity {i}", "", "active", "", "#2f6f4f", "", "", 30, "fr", dt(now), dt(now))
                  for i, aid in enumerate(activity_ids)])
        w.insert(ActivityMembership, ["activity", "member", "role", "share", "since"],
                 [(aid, mid, "holder", "100.00", d(today)) for aid, mid in zip(activity_ids, mine_ids, strict=True)])

        def appointments(count, pool, advisor_for, office_entity):
            rows = []
            for _ in range(count):
                mid = r.choice(pool)
                days = r.randrange(-730, 60)
                start = now + datetime.timedelta(days=days, hours=r.randrange(0, 9))
                if days >= 0:
                    state = "planned"
                elif days > -10 and r.random() < 0.3:
                    state = "planned"  # never recorded
                else:
                    state = r.choices(["held", "cancelled", "missed"], weights=[85, 10, 5])[0]
                rows.append((office_entity, mid, advisor_for(mid), "follow_up", state, dt(start), 60, "Office", "",
                             "Follow-up", "Notes" if state == "held" else "", False,
                             dt(start) if state != "planned" else None, "", 0, dt(now), dt(now)))
            w.insert(Appointment, ["entity", "member", "advisor", "kind", "state", "starts_at", "duration_minutes",
                                   "place", "video_url", "topic", "notes", "notes_shared", "outcome_at",
                                   "cancel_reason", "sequence", "created_at", "updated_at"], rows)

        appointments(args.appointments, mine_ids, lambda m: advisor.pk, entity.pk)
        others = member_ids[args.mine:]
        if others:
            appointments(args.other_appointments, others, lambda m: advisors[1 + (m % 40)].pk, entity.pk)
        steps = []
        for _ in range(args.mine * 4):
            due = today + datetime.timedelta(days=r.randrange(-60, 60))
            done = dt(now) if r.random() < 0.5 else None
            steps.append((r.choice(mine_ids), None, r.choice(["member", "advisor"]), "Send the invoices", d(due), done,
                          dt(now)))
        w.insert(NextStep, ["member", "appointment", "owner", "text", "due_on", "done_at", "created_at"], steps)
        reviews = [(entity.pk, mid, today.year - 1, advisor.pk, "done", "Yearly review", "", "[]", "{}", "",
                    dt(now - datetime.timedelta(days=300)), dt(now), dt(now)) for mid in mine_ids[::2]]
        w.insert(Review, ["entity", "member", "year", "advisor", "state", "title", "intro", "questions", "answers",
                          "summary", "done_at", "created_at", "updated_at"], reviews)
        audit = []
        for _ in range(args.audit):
            mid = member_ids[r.randrange(n)]
            maturity = r.random() < 0.01
            audit.append((dt(now - datetime.timedelta(days=r.randrange(0, 700))), None,
                          "member.maturity_changed" if maturity else "member.profile_updated", "members.member",
                          str(mid), "m", "x", json.dumps({}), json.dumps({}), entity.pk, mid))
        w.insert(AuditEvent, ["created_at", "actor", "action", "object_type", "object_id", "object_repr", "message",
                              "params", "changes", "entity", "member"], audit)
        w.wait()
    return advisor


def setup(url: str) -> None:
    """``bench.run.scratch_database`` with the settings module of ``BENCH_SETTINGS`` when given
    (an overlay that installs the app before it is wired into the project's settings)."""
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'advising.sqlite3'}"
    run.reset_database(url)
    run.prepare_environment(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS") or "compagnon.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(http, url: str, requests: int, warmup: int) -> dict:
    from django.db import connection

    for _ in range(warmup):
        if http.get(url).status_code != 200:
            raise SystemExit(f"bench.advising: GET {url} did not answer 200")
    samples, statements = [], []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        http.get(url)
    for _ in range(requests):
        t = time.perf_counter()
        response = http.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {"p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95), "queries": len(statements)}


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from compagnon.advising.followup import rebuild

    started = time.perf_counter()
    advisor = write(args)
    written = time.perf_counter() - started
    t = time.perf_counter()
    checked, rows = rebuild()
    rebuilt = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.advising: {connection.vendor}, {args.members:,} members, {args.mine:,} followed by the advisor, "
          f"{args.appointments:,} + {args.other_appointments:,} appointments, {args.audit:,} audit events: written "
          f"in {written:.1f} s; {rows:,} follow-up rows rebuilt in {rebuilt:.1f} s", flush=True)

    http = Client()
    http.force_login(advisor)
    pages = [
        ("advisor's members by attention", reverse("advising-members")),
        ("  filtered: overdue next steps", reverse("advising-members") + "?attention=overdue"),
        ("  page 40", reverse("advising-members") + "?page=40"),
        ("baseline: member list, same advisor", reverse("member-list")),
    ]
    results = {}
    for label, url in pages:
        results[label] = res = timed(http, url, args.requests, args.warmup)
        print(f"{label:<40} p50 {res['p50']:7.1f} ms  p95 {res['p95']:7.1f} ms  {res['queries']} queries", flush=True)
    target, base = results[pages[0][0]], results[pages[-1][0]]
    print(f"ratio list / baseline: p50 {target['p50'] / base['p50']:.2f}x, p95 {target['p95'] / base['p95']:.2f}x")
    ok = target["p95"] < BUDGET_MS
    print(f"budget p95 < {BUDGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
