"""Targeted mailings at scale: queue a mailing to 50,000 of 100,000 members, send batches, read
the news list meanwhile. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_mailings \\
        .venv/bin/python -m bench.mailings [--members 100000] [--batches 10] [--requests 60]
    .venv/bin/python -m bench.mailings --quick      # 10,000 members (SQLite file under var/bench/)

Works in a scratch database (``bench.run.scratch_database``; a PostgreSQL name must contain
"bench"). Writes with ``COPY`` (``core.bulk.Writer``) one entity of ``--members`` members in four
offices (half of them in the two offices the mailing targets), their trades, a third of them with
declared interests, a tenth with preferences (some "in the app only", some "not at all"), a few
who left. Then, timed in the process (no network):

* **queue** — ``sending.queue_mailing``: the one ``INSERT … SELECT`` writing a delivery row per
  recipient of a newsletter to the two offices (≈ 51,000 at 100,000 members), under the mailing's
  lock, with its recipient count. Budget < 10 s.
* baselines in the same run: a plain ``COUNT`` of the same members (the cheapest read of the
  audience), the mailing's own audience count (``audience.count``: the preferences joined), and
  ``notifications.services.notify_many`` to the same people (the project's existing bulk write of
  one row per person).
* **send** — ``sending.send_batch`` of ``BATCH_SIZE`` (200) emails with the locmem email backend:
  the claim, the composing (HTML rendered once per language, the unsubscribe token signed per
  email), the marking; p50/p95 per batch over ``--batches`` batches.
* **news list** — ``GET /news/`` through the Django test Client as a recipient with 26 news items,
  alone, then while another thread sends batches (PostgreSQL only: SQLite has one writer); p95.

Prints the figures, the ratios, and exits 1 when the queue budget is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

BUDGET_S = 10.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.mailings", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_MAILINGS_MEMBERS", "100000")))
    parser.add_argument("--batches", type=int, default=10, help="timed batches of 200 emails (default 10)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests of the news list (default 60)")
    parser.add_argument("--quick", action="store_true", help="10,000 members, 5 batches, 30 requests")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.batches, args.requests = 10_000, 5, 30
    return args


def write_people(n: int):
    """An entity, four offices, ``n`` members (COPY), trades, interests, preferences."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.core.bulk import Table, Writer
    from compagnon.mailings.models import Interest, Kind, MemberInterest, Mode, Preference
    from compagnon.members.demo import ensure_trades
    from compagnon.members.models import Maturity, Member, MemberStatus
    from compagnon.organisation.models import Entity, Office

    rnd = random.Random(7)  # noqa: S311 - synthetic data
    trades = list(ensure_trades().values())
    with transaction.atomic():
        entity = Entity.objects.create(name="Bench Mailings", legal_name="Bench Mailings SCOP", jurisdiction="FR",
                                       company_number="732829320", city="Nantes", postcode="44000", country="FR")
        offices = [Office.objects.create(entity=entity, name=name, postcode=pc, city=name)
                   for name, pc in (("Nantes", "44000"), ("Angers", "49100"), ("Lyon", "69001"), ("Lille", "59000"))]
        admin = User.objects.create_user("admin@mailings.bench.example", "x", language="fr")
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
        interests = [Interest.objects.create(entity=entity, name_fr=f"Sujet {i}", name_en=f"Topic {i}")
                     for i in range(5)]
        writer = Writer()
        user_ids, member_ids = writer.reserve_ids(User, n), writer.reserve_ids(Member, n)
        users = Table(User, ["id", "email", "first_name", "last_name", "language", "password", "is_active"])
        members = Table(Member, ["id", "user", "entity", "office", "number", "status", "maturity", "postcode", "city"])
        member_trades = Table(Member.trades.through, ["member", "trade"])
        declared = Table(MemberInterest, ["member", "interest", "created_at"])
        prefs = Table(Preference, ["member", "kind", "mode", "updated_at"])
        now = timezone.now()
        statuses = [MemberStatus.CONTRACT] * 6 + [MemberStatus.ASSOCIATE] * 3 + [MemberStatus.LEFT]
        for i in range(n):
            # 60 % in the two targeted offices: less those who left and those who chose "not at all",
            # the newsletter reaches about half of the members (≈ 50,000 of 100,000)
            office = offices[i % 2] if i % 20 < 12 else offices[2 + i % 2]
            language = "nl" if i % 7 == 0 else ("en" if i % 11 == 0 else "fr")
            users.add((user_ids[i], f"m{i}@mailings.bench.example", "M", f"{i:06d}", language, "!", True))
            members.add((member_ids[i], user_ids[i], entity.pk, office.pk, f"B{i:06d}", rnd.choice(statuses),
                         rnd.choice(Maturity.values), office.postcode, office.city))
            member_trades.add((member_ids[i], trades[i % len(trades)].pk))
            if i % 3 == 0:
                declared.add((member_ids[i], interests[i % 5].pk, now))
            if rnd.random() < 0.1:
                prefs.add((member_ids[i], Kind.NEWSLETTER, rnd.choice((Mode.APP, Mode.NONE)), now))
        for table in (users, members, member_trades, declared, prefs):
            table.flush(writer)
        writer.analyze([User, Member, Member.trades.through, MemberInterest, Preference])
    return entity, offices, admin, member_ids


def measured_member(entity, offices, admin):
    """A recipient of the big mailing with 25 more news items of its own (postcode 99999)."""
    from compagnon.accounts.models import User
    from compagnon.mailings import sending, services
    from compagnon.members.models import Member, MemberStatus

    user = User.objects.create_user("reader@mailings.bench.example", "x", language="fr")
    member = Member.objects.create(user=user, entity=entity, office=offices[0], number="READER",
                                   status=MemberStatus.CONTRACT, postcode="99999")
    for i in range(25):
        m = services.create_mailing(actor=admin, entity=entity, kind="office", send_email=False, publish_news=True,
                                    postcode_prefixes=["99999"], subject_fr=f"Nouvelle {i}",
                                    body_fr=f"Bonjour, voici la **nouvelle {i}** du bureau.")
        services.send_now(actor=admin, mailing=m)
        sending.queue_mailing(m.pk)
    return member


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def get_times(client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"bench.mailings: GET {url} answered {response.status_code}")
    return sorted(out)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from bench import run

    run.scratch_database(args.database_url, "mailings")
    from django.conf import settings
    from django.core import mail
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.run import percentile
    from compagnon.mailings import audience, sending, services
    from compagnon.members.models import Member
    from compagnon.notifications.services import Message, notify_many

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    started = time.perf_counter()
    entity, offices, admin, _ids = write_people(args.members)
    reader = measured_member(entity, offices, admin)
    print(f"bench.mailings: {connection.vendor}, {args.members:,} members written in "
          f"{time.perf_counter() - started:.1f} s", flush=True)

    m = services.create_mailing(actor=admin, entity=entity, kind="newsletter", send_email=True, publish_news=True,
                                offices=[offices[0].pk, offices[1].pk], subject_fr="La lettre du mois",
                                body_fr="## Bonjour\n\nLes **nouvelles** du mois, [en ligne](https://example.org).",
                                subject_en="This month's letter", body_en="## Hello\n\nThe month's **news**.")
    criteria = audience.Criteria.of(m)
    plain = Member.objects.filter(entity=entity, office_id__in=criteria.office_ids,
                                  status__in=audience.LIVE_STATUSES, user__is_active=True)
    n_plain, t_plain = timed(plain.count)
    connection.queries_log.clear()  # a full log (9,000 entries) would hide the count
    with CaptureQueriesContext(connection) as ctx:
        counts, t_count = timed(lambda: audience.count(criteria))
    services.send_now(actor=admin, mailing=m)
    written, t_queue = timed(lambda: sending.queue_mailing(m.pk))
    _again, t_again = timed(lambda: sending.queue_mailing(m.pk))
    users = list(plain.select_related("user").values_list("user_id", "user__language")[:written])

    class U:
        def __init__(self, pk, language):
            self.pk, self.language = pk, language

    _n, t_notify = timed(lambda: notify_many([Message(user=U(pk, lang), title="Newsletter", url="/news/",
                                                      key=f"bench-{m.pk}") for pk, lang in users]))
    print(f"audience: {n_plain:,} members in the two offices; {counts['total']:,} recipients "
          f"({counts['by_email']:,} by email, {counts['in_app']:,} in the app), counted in {len(ctx)} query")
    print(f"queue (INSERT … SELECT, {written:,} rows): {t_queue:.2f} s; again (nothing to write): {t_again:.2f} s")
    print(f"baseline plain COUNT: {t_plain * 1000:.0f} ms; audience count with preferences: {t_count * 1000:.0f} ms; "
          f"notify_many to the same {len(users):,} people: {t_notify:.2f} s")
    print(f"ratio queue / plain COUNT: {t_queue / t_plain:.1f}x; queue / notify_many: {t_queue / t_notify:.2f}x")

    reverse("mailings-news")  # the URL resolver is built once per process (not part of a batch)
    sending.send_batch(m.pk)  # one untimed batch: templates compiled, Markdown loaded
    mail.outbox = []
    batches = []
    for _ in range(args.batches):
        result, t = timed(lambda: sending.send_batch(m.pk))
        batches.append(t * 1000)
        mail.outbox = []
        if result["sent"] != sending.BATCH_SIZE:
            print(f"bench.mailings: a batch sent {result['sent']}", file=sys.stderr)
            return 1
    batches.sort()
    b50, b95 = percentile(batches, 0.5), percentile(batches, 0.95)
    print(f"send a batch of {sending.BATCH_SIZE} (locmem backend, {args.batches} batches): p50 {b50:.0f} ms, "
          f"p95 {b95:.0f} ms ({b50 / sending.BATCH_SIZE:.2f} ms per email)")

    client = Client()
    client.force_login(reader.user)
    get_times(client, "/news/", 3)
    statements = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            statements.append(sql), execute(sql, params, many, context))[1]):
        client.get("/news/")
    alone = get_times(client, "/news/", args.requests)
    a95 = percentile(alone, 0.95)
    print(f"news list /news/ (26 news, {len(statements)} queries), alone: p50 {percentile(alone, 0.5):.1f} ms, "
          f"p95 {a95:.1f} ms")
    if connection.vendor == "postgresql":
        stop = threading.Event()
        sent = [0]

        def sender():
            try:
                while not stop.is_set():
                    r = sending.send_batch(m.pk)
                    sent[0] += r["sent"]
                    mail.outbox = []
                    if not r["claimed"]:
                        break
            finally:
                connections.close_all()

        thread = threading.Thread(target=sender, daemon=True)
        thread.start()
        during = get_times(client, "/news/", args.requests)
        stop.set()
        thread.join()
        d95 = percentile(during, 0.95)
        print(f"news list while batches are sent ({sent[0]:,} emails meanwhile): p50 {percentile(during, 0.5):.1f} ms, "
              f"p95 {d95:.1f} ms (ratio to alone {d95 / a95:.1f}x)")
    ok = t_queue < BUDGET_S
    print(f"budget queue < {BUDGET_S:.0f} s: {'met' if ok else 'MISSED'} ({t_queue:.2f} s for {written:,} recipients)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
