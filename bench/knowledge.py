"""The help centre's search and the onboarding follow list, at scale. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_knowledge \\
        .venv/bin/python -m bench.knowledge [--articles 10000] [--members 100000] [--followed 2000]
    .venv/bin/python -m bench.knowledge --quick          # 1,000 articles, 10,000 members

Works in a scratch database (``bench.run``; a PostgreSQL name must contain "bench": dropped and
created again). Writes in bulk (``core.bulk``: COPY on PostgreSQL) an entity of ``--members``
members over 50 offices, the first office holding ``--followed`` of them, with its advisor; every
member on the entity's onboarding path (six steps) at a random point, a fifth of them without a
step for weeks; ``--articles`` published articles, each in French, Dutch and English (three
translations with their published versions and search vectors), 10 % of them of another entity
and 10 % shared. Then, through the Django test Client (a real request: URL resolution, middleware,
session, permission scope, template):

* help-centre search: ``GET /help/?q=…`` as a member, over 24 queries in the three languages
  (with and without accents), each asked ``--repeat`` times; baseline in the same run: the glossary
  page searched with the same words (``GET /glossary/?q=…``, code data, no database);
* the follow list: ``GET /onboarding/follow/`` (pages 1 and 20, stuck only, one office) as the
  advisor of the ``--followed`` members; baseline in the same run: the member list of the same
  advisor (``GET /members/``, same number of pages).

Budgets: search p95 < 80 ms, follow list p95 < 100 ms. Prints p50/p95 and the ratios to the
baselines; exit 1 when a budget is missed. ``BENCH_SETTINGS`` names another settings module (the
helpers' overlay before the apps are wired into compagnon.settings).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time

from bench.run import percentile

SEARCH_BUDGET_MS = 80.0
FOLLOW_BUDGET_MS = 100.0

QUERIES = ["devis", "envoyer un devis", "échéance facture", "echeance", "note de frais", "remboursement",
           "budget activité", "contribution coopérative", "offerte versturen", "onkostennota", "bijdrage",
           "terugbetaling", "factuur", "loonaanvraag", "send a quote", "expense claim", "budget",
           "contribution", "salary request", "invoice reminder", "créer client", "TVA récupérée",
           "btw", "refund account"]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_KNOWLEDGE_ARTICLES", "10000")))
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_KNOWLEDGE_MEMBERS", "100000")))
    parser.add_argument("--followed", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,000 articles and 10,000 members")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.members = min(args.articles, 1000), min(args.members, 10000)
    args.followed = min(args.followed, args.members)
    return args


def setup(url: str) -> None:
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'knowledge.sqlite3'}"
    run.reset_database(url)
    run.prepare_environment(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "compagnon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _vocabulary():
    """Real words of each language, so that stemming and ranking work as on real articles: the
    English source texts and the French and Dutch translations of Compagnon's own catalogs (several
    thousand distinct words each), and the demo guides."""
    import re
    from pathlib import Path

    from compagnon.knowledge.demo_texts import ARTICLES

    word = re.compile(r"[^\W\d_]{3,}")
    words = {"fr": set(), "nl": set(), "en": set()}
    locale = Path(__file__).resolve().parent.parent / "compagnon" / "locale"
    for lang in ("fr", "nl"):
        po = locale / lang / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith("msgid "):
                words["en"].update(w.lower() for w in word.findall(line[6:]))
            elif line.startswith("msgstr"):
                words[lang].update(w.lower() for w in word.findall(line))
    for item in ARTICLES:
        for lang in words:
            words[lang].update(w.lower() for w in word.findall(" ".join(item[lang])))
    return {lang: sorted(found) for lang, found in words.items()}


def write_people(members: int, followed: int):
    """One entity, 50 offices (the first with ``followed`` members), its admin, the advisor of the
    first office, ``members`` members; users and members written with COPY."""
    from compagnon.accounts.models import Role, RoleAssignment, User
    from compagnon.core.bulk import Table, Writer
    from compagnon.members.models import Maturity, Member, MemberStatus
    from compagnon.organisation.models import Entity, Office

    entity = Entity.objects.create(name="Bench Help", legal_name="Bench Help SCOP", jurisdiction="FR",
                                   company_number="732829320", city="Nantes", postcode="44000", country="FR",
                                   street="1 rue de la Paix")
    other = Entity.objects.create(name="Bench Other", legal_name="Bench Other SCRL", jurisdiction="BE",
                                  company_number="0403019261", city="Gent", postcode="9000", country="BE",
                                  street="Vlaanderenstraat 1", default_language="nl")
    offices = [Office.objects.create(entity=entity, name=f"Office {i:02d}", city="Nantes") for i in range(50)]
    admin = User.objects.create(email="admin@help.bench.example", first_name="Ada", last_name="Admin", language="fr")
    advisor = User.objects.create(email="advisor@help.bench.example", first_name="Amina", last_name="Conseil",
                                  language="fr")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, entity=entity)
    RoleAssignment.objects.create(user=advisor, role=Role.ADVISOR, entity=entity, office=offices[0])
    writer = Writer()
    rng = random.Random(2026)
    user_ids = writer.reserve_ids(User, members)
    member_ids = writer.reserve_ids(Member, members)
    users = Table(User, ["id", "email", "first_name", "last_name", "language", "password"])
    people = Table(Member, ["id", "user_id", "entity_id", "office_id", "number", "status", "maturity", "city"])
    firsts = ["Camille", "Yanis", "Inès", "Lou", "Sam", "Noor", "Eva", "Pieter", "Léa", "Tom", "Jade", "Hugo"]
    lasts = ["Martin", "Bernard", "Dubois", "Peeters", "Janssens", "Moreau", "Lefèvre", "Maes", "Girard", "Smet"]
    for i, (uid, mid) in enumerate(zip(user_ids, member_ids, strict=True)):
        office = offices[0] if i < followed else offices[1 + i % 49]
        users.add((uid, f"m{i}@help.bench.example", rng.choice(firsts), f"{rng.choice(lasts)} {i:06d}", "fr", "!"))
        people.add((mid, uid, entity.pk, office.pk, f"H{i:06d}", MemberStatus.CONTRACT, Maturity.NEW, "Nantes"))
        if len(users.rows) >= 20000:
            users.flush(writer)
            people.flush(writer)
    users.flush(writer)
    people.flush(writer)
    member = Member.objects.select_related("user").get(pk=member_ids[min(followed, members - 1)])
    return entity, other, admin, advisor, member, member_ids


def write_onboarding(entity, admin, member_ids, followed: int) -> None:
    from django.utils import timezone

    from compagnon.core.bulk import Table, Writer
    from compagnon.members.models import Maturity
    from compagnon.onboarding import building
    from compagnon.onboarding.models import Assignment, Completion

    path = building.save_path(actor=admin, entity=entity, maturity=Maturity.NEW, title_fr="Vos premiers pas")
    kinds = ["explain", "sign", "meeting", "task", "explain", "task"]
    steps = []
    for n, kind in enumerate(kinds):
        extra = {"meeting_place": "Bureau"} if kind == "meeting" else {}
        steps.append(building.save_step(actor=admin, path=path, kind=kind, title_fr=f"Étape {n + 1}",
                                        text_fr="Texte de l'étape.", **extra))
    writer = Writer()
    rng = random.Random(7)
    now = timezone.now()
    ids = writer.reserve_ids(Assignment, len(member_ids))
    assignments = Table(Assignment, ["id", "member_id", "path_id", "active", "done_count", "total_count",
                                     "next_step_id", "last_progress_at", "completed_at"])
    completions = Table(Completion, ["assignment_id", "step_id", "done_at"])
    for aid, mid in zip(ids, member_ids, strict=True):
        done = rng.randint(0, len(steps))
        last = now - datetime.timedelta(days=rng.choice([1, 3, 6, 10, 20, 40]) if done < len(steps) else 30)
        assignments.add((aid, mid, path.pk, True, done, len(steps), steps[done].pk if done < len(steps) else None,
                         last, last if done == len(steps) else None))
        for s in steps[:done]:
            completions.add((aid, s.pk, last))
        if len(completions.rows) >= 50000:
            assignments.flush(writer)
            completions.flush(writer)
    assignments.flush(writer)
    completions.flush(writer)


def write_articles(entity, other, admin, n: int) -> None:
    """``n`` published articles × 3 languages: translations (folded text), their published
    versions, then the search vectors in one UPDATE (PostgreSQL)."""
    from django.db import connection
    from django.utils import timezone

    from compagnon.core.bulk import Table, Writer
    from compagnon.knowledge.models import Article, Revision, Topic, Translation
    from compagnon.knowledge.text import fold

    words = _vocabulary()
    print("bench.knowledge: vocabulary " + ", ".join(f"{k} {len(v):,} words" for k, v in words.items()), flush=True)
    rng = random.Random(11)
    topic = Topic.objects.create(entity=entity, name_fr="Général", name_nl="Algemeen", name_en="General")
    writer = Writer()
    now = timezone.now()
    article_ids = writer.reserve_ids(Article, n)
    translation_ids = writer.reserve_ids(Translation, 3 * n)
    revision_ids = writer.reserve_ids(Revision, 3 * n)
    articles = Table(Article, ["id", "entity_id", "topic_id", "kind", "shared", "created_by_id", "published_at"])
    translations = Table(Translation, ["id", "article_id", "language", "current_id", "title", "summary",
                                       "search_text", "published_at"])
    revisions = Table(Revision, ["id", "translation_id", "state", "version", "title", "summary", "body", "html",
                                 "author_id", "published_at", "reviewed_by_id"])
    k = 0
    for i, aid in enumerate(article_ids):
        own = entity.pk if i % 10 else other.pk
        articles.add((aid, own, topic.pk if own == entity.pk else None, "tutorial" if i % 3 == 0 else "article",
                      i % 10 == 5, admin.pk, now))
        for lang in ("fr", "nl", "en"):
            pool = words[lang]
            title = " ".join(rng.choice(pool) for _ in range(6)).capitalize()
            summary = " ".join(rng.choice(pool) for _ in range(14))
            body = "\n\n".join(" ".join(rng.choice(pool) for _ in range(40)) for _ in range(4))
            tid, rid = translation_ids[k], revision_ids[k]
            k += 1
            translations.add((tid, aid, lang, rid, title, summary, fold(f"{title}\n{summary}\n{body}"), now))
            revisions.add((rid, tid, "published", 1, title, summary, body, f"<p>{body}</p>", admin.pk, now, admin.pk))
        if len(revisions.rows) >= 15000:
            articles.flush(writer)
            translations.flush(writer)
            revisions.flush(writer)
    articles.flush(writer)
    translations.flush(writer)
    revisions.flush(writer)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("""
                UPDATE knowledge_translation t SET search =
                  setweight(to_tsvector(c.cfg, split_part(t.search_text, E'\\n', 1)), 'A')
                  || setweight(to_tsvector(c.cfg, split_part(t.search_text, E'\\n', 2)), 'B')
                  || setweight(to_tsvector(c.cfg, substr(t.search_text, length(split_part(t.search_text, E'\\n', 1))
                                                  + length(split_part(t.search_text, E'\\n', 2)) + 3)), 'C')
                FROM (VALUES ('fr', 'french'::regconfig), ('nl', 'dutch'::regconfig), ('en', 'english'::regconfig))
                  AS c(lang, cfg)
                WHERE t.language = c.lang""")


def _measure(client, url, params_list, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, most = [], 0
    for params in params_list:  # warm-up: templates, the permission scope, the plan cache
        client.get(url, params)
    for _ in range(repeat):
        for params in params_list:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 200:
                raise SystemExit(f"bench.knowledge: GET {url} {params} answered {response.status_code}")
            samples.append(elapsed)
            most = max(most, len(ctx.captured_queries))
    samples.sort()
    return percentile(samples, 0.5), percentile(samples, 0.95), most


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    with transaction.atomic():
        entity, other, admin, advisor, member, member_ids = write_people(args.members, args.followed)
        write_onboarding(entity, admin, member_ids, args.followed)
        write_articles(entity, other, admin, args.articles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.knowledge: {connection.vendor}, {args.members:,} members ({args.followed:,} followed by one "
          f"advisor), {args.articles:,} articles × 3 languages written in {time.perf_counter() - started:.1f} s",
          flush=True)

    reader = Client()
    reader.force_login(member.user)
    queries = [{"q": q} for q in QUERIES]
    s50, s95, sq = _measure(reader, reverse("knowledge-index"), queries, args.repeat)
    g50, g95, gq = _measure(reader, reverse("glossary"), queries, args.repeat)
    hits = reader.get(reverse("knowledge-index"), {"q": "devis"}).content.decode().count('class="help-result"')
    print(f"help-centre search (GET /help/?q=, {len(queries)} queries × {args.repeat}, {hits} results for "
          f"“devis”): p50 {s50:.1f} ms, p95 {s95:.1f} ms, at most {sq} queries")
    print(f"baseline glossary search (GET /glossary/?q=): p50 {g50:.1f} ms, p95 {g95:.1f} ms, at most {gq} queries")
    print(f"ratio search / glossary: p50 {s50 / g50:.1f}x, p95 {s95 / g95:.1f}x")

    follower = Client()
    follower.force_login(advisor)
    pages = [{}, {"page": "20"}, {"show": "stuck"}, {"show": "open", "page": "5"}]
    f50, f95, fq = _measure(follower, reverse("onboarding-follow"), pages, args.repeat * 3)
    m50, m95, mq = _measure(follower, reverse("member-list"), [{}, {"page": "20"}, {"status": "contract"},
                                                               {"page": "5"}], args.repeat * 3)
    print(f"onboarding follow list (GET /onboarding/follow/, advisor of {args.followed:,} members): "
          f"p50 {f50:.1f} ms, p95 {f95:.1f} ms, at most {fq} queries")
    print(f"baseline member list (GET /members/, same advisor): p50 {m50:.1f} ms, p95 {m95:.1f} ms, "
          f"at most {mq} queries")
    print(f"ratio follow / member list: p50 {f50 / m50:.1f}x, p95 {f95 / m95:.1f}x")

    ok_search, ok_follow = s95 < SEARCH_BUDGET_MS, f95 < FOLLOW_BUDGET_MS
    print(f"budget search p95 < {SEARCH_BUDGET_MS:.0f} ms: {'met' if ok_search else 'MISSED'}; "
          f"follow list p95 < {FOLLOW_BUDGET_MS:.0f} ms: {'met' if ok_follow else 'MISSED'}")
    return 0 if ok_search and ok_follow else 1


if __name__ == "__main__":
    sys.exit(main())
