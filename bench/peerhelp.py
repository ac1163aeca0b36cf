"""Peer help at scale: searching past questions, and a new question reaching the matching members.
Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_peerhelp \\
        .venv/bin/python -m bench.peerhelp [--questions 100000] [--members 30000]
    .venv/bin/python -m bench.peerhelp --quick           # 10,000 questions, 5,000 members

Works in a scratch database (``bench.run``; a PostgreSQL name must contain "bench": dropped and
created again). Writes in bulk (``core.bulk``: COPY on PostgreSQL) one entity of ``--members``
members over 50 offices, each with a directory profile (one or two of the twelve demo trades, a
few skills, skills shown to the cooperative for half of them), two referents per trade, and
``--questions`` questions in French (a tenth in Dutch) made of real words of Compagnon's
catalogs, 60 % of them answered, with their search vectors. Then:

* search: ``GET /help-each-other/?q=…`` through the Django test Client (URL resolution,
  middleware, session, permission scope, template) as a member, 20 queries (rare and common
  words, with and without accents, a trade, answered only) × ``--repeat``; baseline in the same
  run: the same page without a query (the newest questions);
* reaching: ``--posts`` questions posted through ``POST /help-each-other/ask/`` while a real
  worker (``manage.py db_worker --interval <--worker-interval>``, a child process, as production
  runs it) polls the task queue; measured from the request's start to the matched members'
  notifications written (polled every 5 ms), and the task's own work (``matching.match``) timed
  in-process on another question.

Budgets: search p95 < 100 ms; posting → notifications < 2 s (p95). Prints p50/p95 and exits 1 when
a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.run import percentile

SEARCH_BUDGET_MS = 100.0
REACH_BUDGET_S = 2.0
QUERIES = [{"q": "facture"}, {"q": "échéance"}, {"q": "echeance"}, {"q": "devis client"}, {"q": "paiement"},
           {"q": "remboursement frais"}, {"q": "taille haies"}, {"q": "ordinateur"}, {"q": "contrat"},
           {"q": "factuur"}, {"q": "betaling"}, {"q": "activité coopérative"}, {"q": "relance"},
           {"q": "zzzzunknown"}, {"q": "tva", "state": "answered"}, {"q": "client", "trade": "TRADE"},
           {"trade": "TRADE"}, {"state": "unanswered"}, {"q": "document"}, {"q": "budget"}]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.peerhelp", description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=int(os.environ.get("BENCH_PEERHELP_QUESTIONS", "100000")))
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_PEERHELP_MEMBERS", "30000")))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--posts", type=int, default=10)
    parser.add_argument("--worker-interval", type=float, default=1.0,
                        help="the worker's polling interval in seconds (db_worker's default: 1)")
    parser.add_argument("--quick", action="store_true", help="10,000 questions and 5,000 members")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.questions, args.members, args.posts = min(args.questions, 10000), min(args.members, 5000), 5
    return args


def setup(url: str) -> str:
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'peerhelp.sqlite3'}"
    run.reset_database(url)
    run.prepare_environment(url)
    # the project's settings with peer help's pages routed (also before compagnon/urls.py lists
    # them); the worker process started later inherits them
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "compagnon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _vocabulary():
    import re

    word = re.compile(r"[^\W\d_]{3,}")
    words = {"fr": set(), "nl": set()}
    locale = Path(__file__).resolve().parent.parent / "compagnon" / "locale"
    for lang in words:
        po = locale / lang / "LC_MESSAGES" / "django.po"
        if po.exists():
            for line in po.read_text(encoding="utf-8").splitlines():
                if line.startswith("msgstr"):
                    words[lang].update(w.lower() for w in word.findall(line))
    return {lang: sorted(found) or ["facture", "client"] for lang, found in words.items()}


def write_people(members: int):
    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.core.bulk import Table, Writer
    from compagnon.core.demo import TRADES
    from compagnon.directory.models import DirectoryProfile, Visibility
    from compagnon.members.models import Maturity, Member, MemberStatus, Trade
    from compagnon.organisation.models import Entity, Office
    from compagnon.procedures.models import TradeReferent

    entity = Entity.objects.create(name="Bench Peers", legal_name="Bench Peers SCOP", jurisdiction="FR",
                                   company_number="732829320", city="Nantes", postcode="44000", country="FR",
                                   street="1 rue de la Paix")
    offices = [Office.objects.create(entity=entity, name=f"Office {i:02d}", city="Nantes") for i in range(50)]
    admin = User.objects.create(email="admin@peers.bench.example", first_name="Ada", last_name="Admin")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
    trades = [Trade.objects.get_or_create(code=c, defaults={"name_fr": fr, "name_nl": nl, "name_en": en})[0]
              for c, fr, nl, en in TRADES]
    skills = ["taille", "haies", "potagers", "linux", "reseaux", "depannage pc", "logo", "photo", "compost",
              "comptabilite", "soudure", "peinture", "electricite", "plomberie", "formation", "traduction"]
    writer = Writer()
    rng = random.Random(2026)
    user_ids = writer.reserve_ids(User, members)
    member_ids = writer.reserve_ids(Member, members)
    profile_ids = writer.reserve_ids(DirectoryProfile, members)
    users = Table(User, ["id", "email", "first_name", "last_name", "language", "password"])
    people = Table(Member, ["id", "user_id", "entity_id", "office_id", "number", "status", "maturity", "city"])
    profiles = Table(DirectoryProfile, ["id", "member_id", "entity_id", "office_id", "active", "sort_name",
                                        "text_name", "trade_codes", "norm_skills", "skills_visibility"])
    trade_links = Table(Member.trades.through, ["member_id", "trade_id"])
    for i, (uid, mid, pid) in enumerate(zip(user_ids, member_ids, profile_ids, strict=True)):
        office = offices[i % 50]
        last = f"Martin {i:06d}"
        users.add((uid, f"p{i}@peers.bench.example", "Camille", last, "fr", "!"))
        people.add((mid, uid, entity.pk, office.pk, f"P{i:06d}", MemberStatus.CONTRACT, Maturity.NEW, "Nantes"))
        mine = rng.sample(trades, rng.choice([1, 1, 2]))
        for t in mine:
            trade_links.add((mid, t.pk))
        own = rng.sample(skills, 3)
        profiles.add((pid, mid, entity.pk, office.pk, True, f"martin {i:06d} camille", f"camille martin {i:06d}",
                      "|" + "|".join(t.code for t in mine) + "|", "|" + "|".join(own) + "|",
                      Visibility.ENTITY if i % 2 else Visibility.NOBODY))
        if len(users.rows) >= 20000:
            for t in (users, people, trade_links, profiles):
                t.flush(writer)
    for t in (users, people, trade_links, profiles):
        t.flush(writer)
    writer.wait()
    for n, trade in enumerate(trades):
        for k in range(2):
            TradeReferent.objects.create(entity=entity, trade=trade, member_id=member_ids[(n * 7 + k * 3) % members],
                                         named_by=admin, since="2026-01-01")
    asker = Member.objects.select_related("user").get(pk=member_ids[-1])
    return entity, asker, member_ids, trades


def write_questions(entity, member_ids, trades, n: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from compagnon.core.bulk import Table, Writer
    from compagnon.knowledge.text import fold
    from compagnon.peerhelp.models import Question

    words = _vocabulary()
    rng = random.Random(11)
    writer = Writer()
    now = timezone.now()
    ids = writer.reserve_ids(Question, n)
    rows = Table(Question, ["id", "entity_id", "asker_id", "trade_id", "skills", "title", "body", "language",
                            "answers_count", "search_text", "created_at", "matched_at"])
    for i, qid in enumerate(ids):
        lang = "nl" if i % 10 == 0 else "fr"
        pool = words[lang]
        title = " ".join(rng.choice(pool) for _ in range(8)).capitalize()[:190] + " ?"
        body = " ".join(rng.choice(pool) for _ in range(50))
        answers = " ".join(rng.choice(pool) for _ in range(40)) if i % 10 < 6 else ""
        trade = rng.choice(trades)
        created = now - timezone.timedelta(minutes=n - i)
        rows.add((qid, entity.pk, rng.choice(member_ids), trade.pk, "", title, body, lang, 1 if answers else 0,
                  "\n".join((fold(title), fold(body), fold(answers))), created, created))
        if len(rows.rows) >= 20000:
            rows.flush(writer)
    rows.flush(writer)
    writer.wait()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("""
                UPDATE peerhelp_question q SET search =
                  setweight(to_tsvector(c.cfg, split_part(q.search_text, E'\\n', 1)), 'A')
                  || setweight(to_tsvector(c.cfg, split_part(q.search_text, E'\\n', 2)), 'B')
                  || setweight(to_tsvector(c.cfg, split_part(q.search_text, E'\\n', 3)), 'C')
                FROM (VALUES ('fr', 'french'::regconfig), ('nl', 'dutch'::regconfig)) AS c(lang, cfg)
                WHERE q.language = c.lang""")


def _measure(client, url, params_list, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, most = [], 0
    for params in params_list:
        client.get(url, params)
    for _ in range(repeat):
        for params in params_list:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 200:
                raise SystemExit(f"bench.peerhelp: GET {url} {params} answered {response.status_code}")
            samples.append(elapsed)
            most = max(most, len(ctx.captured_queries))
    samples.sort()
    return percentile(samples, 0.5), percentile(samples, 0.95), most


def _measure_search_alone(user, params_list, repeat):
    """The search's own SQL (the first page, as the page reads it), without the request around it."""
    from compagnon.core.params import lite_page
    from compagnon.peerhelp import selectors

    samples = []
    for _ in range(repeat + 1):
        for params in params_list:
            kw = {"q": params.get("q", ""), "state": params.get("state", ""),
                  "trade_id": int(params["trade"]) if params.get("trade") else None}
            t = time.perf_counter()
            lite_page(selectors.find(user, **kw), 1, 20)
            samples.append((time.perf_counter() - t) * 1000)
    samples = sorted(samples[len(params_list):])  # the first round warms up
    return percentile(samples, 0.5), percentile(samples, 0.95)


def measure_reach(client, asker, trades, posts: int, interval: float):
    """Post ``posts`` questions while a worker process polls; seconds from each request's start
    to the notifications of its matched members."""
    from django.urls import reverse

    from compagnon.notifications.models import Notification
    from compagnon.peerhelp.models import Question

    root = Path(__file__).resolve().parent.parent
    worker = subprocess.Popen([sys.executable, str(root / "manage.py"), "db_worker", "--interval", str(interval),
                               "--no-reload", "--no-startup-delay"], cwd=root, env=os.environ.copy())
    samples, reached = [], []
    try:
        for i in range(-1, posts):  # the first one waits for the worker to start: not counted
            trade = trades[i % len(trades)]
            t = time.perf_counter()
            response = client.post(reverse("peerhelp-ask"), {
                "title": f"Question de banc numéro {i + 1} : comment faire ?", "trade": trade.pk,
                "skills": "taille, linux, photo", "body": "Détails."})
            if response.status_code != 302:
                raise SystemExit(f"bench.peerhelp: posting answered {response.status_code}")
            q = Question.objects.filter(asker=asker).order_by("-id").first()
            while True:
                q.refresh_from_db(fields=["matched_at", "reached_count"])
                if q.matched_at is not None and Notification.objects.filter(
                        key=f"peerhelp:ask:{q.pk}").count() >= q.reached_count:
                    break
                if time.perf_counter() - t > (300 if i < 0 else 30):
                    raise SystemExit("bench.peerhelp: no notification in time (is the worker running?)")
                time.sleep(0.005)
            if i < 0:
                continue
            samples.append(time.perf_counter() - t)
            reached.append(q.reached_count)
            time.sleep(random.Random(i).random() * interval)  # posts arrive at any point of the poll
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    samples.sort()
    return samples, reached


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from compagnon.peerhelp import matching, services

    started = time.perf_counter()
    with transaction.atomic():
        entity, asker, member_ids, trades = write_people(args.members)
        write_questions(entity, member_ids, trades, args.questions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.peerhelp: {connection.vendor}, {args.members:,} members with directory profiles, "
          f"{args.questions:,} questions written in {time.perf_counter() - started:.1f} s", flush=True)

    reader = Client()
    reader.force_login(asker.user)
    queries = [{k: (str(trades[0].pk) if v == "TRADE" else v) for k, v in p.items()} for p in QUERIES]
    s50, s95, sq = _measure(reader, reverse("peerhelp-index"), queries, args.repeat)
    b50, b95, bq = _measure(reader, reverse("peerhelp-index"), [{}, {"page": "2"}, {"page": "50"}, {"show": "mine"}],
                            args.repeat * 5)
    print(f"search (GET /help-each-other/?q=, {len(queries)} queries × {args.repeat}): p50 {s50:.1f} ms, "
          f"p95 {s95:.1f} ms, at most {sq} queries")
    print(f"baseline newest questions (GET /help-each-other/): p50 {b50:.1f} ms, p95 {b95:.1f} ms, "
          f"at most {bq} queries")
    print(f"ratio search / newest: p50 {s50 / b50:.1f}x, p95 {s95 / b95:.1f}x", flush=True)
    q50, q95 = _measure_search_alone(asker.user, queries, args.repeat)
    print(f"search query alone (selectors.find, first page read): p50 {q50:.1f} ms, p95 {q95:.1f} ms", flush=True)

    with transaction.atomic():  # the task's work alone, in this process
        q = services.ask(actor=asker.user, title="Comment régler un souci de réseau Linux ?", trade=trades[1],
                         skills="linux, reseaux")
    t = time.perf_counter()
    n = matching.match(q.pk)
    work = (time.perf_counter() - t) * 1000
    print(f"matching task alone (matching.match): {work:.1f} ms for {n} members reached", flush=True)

    poster = Client()
    poster.force_login(asker.user)
    samples, reached = measure_reach(poster, asker, trades, args.posts, args.worker_interval)
    r50, r95 = percentile(samples, 0.5), percentile(samples, 0.95)
    print(f"posting → notifications written (worker --interval {args.worker_interval:g}, {args.posts} questions, "
          f"{min(reached)}–{max(reached)} members reached each): p50 {r50:.2f} s, p95 {r95:.2f} s, "
          f"max {samples[-1]:.2f} s")

    ok_search, ok_reach = s95 < SEARCH_BUDGET_MS, r95 < REACH_BUDGET_S
    print(f"budget search p95 < {SEARCH_BUDGET_MS:.0f} ms: {'met' if ok_search else 'MISSED'}; "
          f"reaching p95 < {REACH_BUDGET_S:.0f} s: {'met' if ok_reach else 'MISSED'}")
    return 0 if ok_search and ok_reach else 1


if __name__ == "__main__":
    sys.exit(main())
