"""The member directory at 100,000 members: search and map data. Not a test.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/compagnon_bench_directory \\
        .venv/bin/python -m bench.directory [--members 100000] [--requests 40]
    .venv/bin/python -m bench.directory --quick          # 5,000 members, SQLite file under var/bench/

Works in a scratch database (``bench.run.scratch_database``; a PostgreSQL name must contain
"bench"). Writes the people with ``seed_scale --members`` (bulk COPY: users, members with trades,
skills, postcodes, activities over ~40 offices of two entities), then one directory profile per
member (and its search text) through ``core.bulk.Writer`` (COPY), each with a mix of choices — a quarter shows much to
the public, a quarter to the cooperative, a quarter to their office, a quarter never chose —, its
search columns filled by the service's own ``_fill`` and the full-text vectors by its
``update_vectors`` (one UPDATE). Then, as a member of the largest office (a fresh logged-in
``django.test.Client``: the permission scope is computed as in a request):

* the search page (``directory-search``) for a mix of queries — a trade, a keyword, a zone
  (postcode + km), a name fragment —, timed around ``client.get`` (URL resolution, middleware,
  the search with its count, the page rendered);
* the same searches through the API (``/api/v1/directory/members/``, token auth);
* the map data of the largest office (``directory-map-data``, GeoJSON);
* baselines in the same run: the staff ``member-list`` page of the same office as its
  administrator (the existing indexed list of members by office, through the same Client), and a
  plain indexed lookup of 20 members by office with their count in the ORM, no request.

Budgets: search p95 < 80 ms (the page and the API), map data p95 < 100 ms. Prints p50/p95 and the ratios to the
baselines; exit 1 when a budget is missed. Before ``compagnon.directory`` is in the project's
settings, run with ``BENCH_DJANGO_SETTINGS=<module>`` naming settings that install it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time

from bench.home import percentile

SEARCH_BUDGET_MS = 80.0
MAP_BUDGET_MS = 100.0


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.directory", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_DIRECTORY_MEMBERS", "100000")))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_DIRECTORY_REQUESTS", "40")),
                        help="timed requests per query (default 40)")
    parser.add_argument("--quick", action="store_true", help="5,000 members and 10 requests per query")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.requests = min(args.members, 5000), min(args.requests, 10)
    return args


def setup(url: str) -> None:
    from bench import run

    url = url or f"sqlite:///{run.OUT / 'directory.sqlite3'}"
    run.reset_database(url)
    run.prepare_environment(url)
    if os.environ.get("BENCH_DJANGO_SETTINGS"):
        os.environ["DJANGO_SETTINGS_MODULE"] = os.environ["BENCH_DJANGO_SETTINGS"]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Who sees what, in turn over the members: (visibilities, zone radius or None)
def _patterns():
    from compagnon.directory.models import Visibility as V

    return [
        ({"headline": V.PUBLIC, "trades": V.PUBLIC, "activities": V.PUBLIC, "skills": V.PUBLIC, "languages": V.ENTITY,
          "bio": V.PUBLIC, "zone": V.PUBLIC, "place": V.ENTITY, "email": V.OFFICE, "phone": V.OFFICE}, 25),
        ({"headline": V.ENTITY, "trades": V.ENTITY, "activities": V.ENTITY, "skills": V.ENTITY, "bio": V.ENTITY,
          "zone": V.ENTITY, "place": V.ENTITY, "email": V.ENTITY}, 15),
        ({"headline": V.OFFICE, "trades": V.ENTITY, "skills": V.OFFICE, "bio": V.OFFICE, "place": V.OFFICE}, None),
        ({}, None),
    ]


def write_profiles(batch: int = 5000) -> int:
    """One profile per member, written with COPY; search columns by ``services._fill``."""
    from django.db import connection, transaction

    from compagnon.core.bulk import Writer
    from compagnon.directory import services
    from compagnon.directory.models import DirectoryProfile, SearchText
    from compagnon.members.models import ActivityMembership, ActivityStatus, Member

    patterns = _patterns()
    fields = [f for f in DirectoryProfile._meta.concrete_fields if not f.primary_key]
    names = ["id"] + [f.name for f in fields]
    text_names = ["profile_id", *services.TEXT_COLUMNS]
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    writer = Writer()
    done = 0
    with transaction.atomic():
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            members = list(Member.objects.filter(pk__in=chunk).select_related("user", "entity").prefetch_related("trades"))
            acts: dict[int, list] = {pk: [] for pk in chunk}
            for ms in (ActivityMembership.objects.filter(member_id__in=chunk)
                       .exclude(activity__status=ActivityStatus.CLOSED).select_related("activity__trade")):
                acts[ms.member_id].append(ms.activity)
            new_ids = writer.reserve_ids(DirectoryProfile, len(members))
            rows, texts = [], []
            for pk, m in zip(new_ids, members, strict=True):
                choices, km = patterns[m.pk % len(patterns)]
                p = services.default_profile(m)
                p.pk = pk
                for field, level in choices.items():
                    setattr(p, f"{field}_visibility", int(level))
                trade = next(iter(m.trades.all()), None)
                if choices:
                    p.headline = f"{trade.name_fr if trade else 'Entrepreneur'} — {m.city}"[:120]
                    p.configured_at = p.updated_at = m.created_at
                if km and m.postcode:
                    p.zone_city, p.zone_postcode, p.zone_km = m.city, m.postcode, km
                words = services._fill(p, m, acts[m.pk])
                p.updated_at = m.created_at
                rows.append((pk, *(f.get_db_prep_save(getattr(p, f.attname), connection) for f in fields)))
                texts.append((pk, *(words[c] for c in services.TEXT_COLUMNS)))
            writer.insert(DirectoryProfile, names, rows)
            writer.insert(SearchText, text_names, texts)
            done += len(rows)
        started = time.perf_counter()
        services.update_vectors()
        print(f"bench.directory: full-text vectors of {done:,} profiles in {time.perf_counter() - started:.1f} s",
              flush=True)
    writer.analyze([DirectoryProfile, SearchText])
    return done


def time_get(client, url: str, n: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (and the check)
    if response.status_code != 200:
        raise SystemExit(f"bench.directory: GET {url} answered {response.status_code}")
    samples, queries = [], 0
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    return samples, queries


def _queries_for(viewer_member, office):
    """A mix the members would type: trades, keywords, zones and name fragments."""
    from urllib.parse import urlencode

    from compagnon.directory.models import DirectoryProfile

    common = list(DirectoryProfile.objects.filter(office_id=office.pk).exclude(sort_name="")
                  .values_list("sort_name", flat=True)[:200])
    fragments = sorted({n.split(" ")[0][:4] for n in common if len(n.split(" ")[0]) >= 4})[:3] or ["mar"]
    from compagnon.directory.search import locate

    candidates = [viewer_member.postcode, office.postcode, viewer_member.city, office.city, "44000"]
    postcode = next(c for c in candidates if c and locate(c, ["FR", "BE"]) is not None)
    return [
        ("trade", urlencode({"trade": "gardening"})),
        ("trade", urlencode({"trade": "it-repair"})),
        ("keyword", urlencode({"q": "permaculture"})),
        ("keyword", urlencode({"q": "jardin"})),
        ("keyword", urlencode({"q": "éco"})),
        ("zone", urlencode({"postcode": postcode, "km": 15})),
        ("zone", urlencode({"postcode": postcode, "km": 40, "trade": "gardening"})),
        *[("name", urlencode({"q": f})) for f in fragments],
    ]


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from compagnon.accounts.models import Role, RoleAssignment
    from compagnon.members.models import Member, MemberStatus

    started = time.perf_counter()
    call_command("seed_scale", members=args.members, stdout=io.StringIO())
    print(f"bench.directory: {connection.vendor}, {args.members:,} members written by seed_scale in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    n = write_profiles()
    print(f"bench.directory: {n:,} directory profiles written in {time.perf_counter() - started:.1f} s", flush=True)

    office_id = (Member.objects.values("office_id").annotate(n=Count("id")).order_by("-n").first())["office_id"]
    viewer = (Member.objects.filter(office_id=office_id).exclude(status=MemberStatus.LEFT)
              .select_related("user", "office").order_by("pk").first())
    office = viewer.office
    size = Member.objects.filter(office_id=office.pk).count()
    http = Client()
    http.force_login(viewer.user)

    search_url = reverse("directory-search")
    by_kind: dict[str, list[float]] = {}
    all_samples, max_queries = [], 0
    for kind, query in _queries_for(viewer, office):
        samples, queries = time_get(http, f"{search_url}?{query}", args.requests)
        by_kind.setdefault(kind, []).extend(samples)
        all_samples += samples
        max_queries = max(max_queries, queries)
    # the same searches through the API (token auth, JSON), counted like the page
    from compagnon.accounts.services import create_api_token

    _token, raw = create_api_token(actor=viewer.user, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}", HTTP_ACCEPT="application/json")
    api_samples, api_queries = [], 0
    for _kind, query in _queries_for(viewer, office):
        samples, queries = time_get(api, f"/api/v1/directory/members/?{query}", args.requests)
        api_samples += samples
        api_queries = max(api_queries, queries)
    map_samples, map_queries = time_get(http, f"{reverse('directory-map-data')}?office={office.pk}", args.requests)

    admin = RoleAssignment.objects.filter(role=Role.ADMIN, entity_id=office.entity_id).select_related("user").first()
    staff = Client()
    staff.force_login(admin.user)
    list_samples, list_queries = time_get(staff, f"{reverse('member-list')}?office={office.pk}", args.requests)
    plain = []
    for _ in range(args.requests):
        t = time.perf_counter()
        qs = Member.objects.filter(office_id=office.pk).select_related("user").order_by("user__last_name", "id")
        qs.count()
        list(qs[:20])
        plain.append((time.perf_counter() - t) * 1000)

    def p(values):
        return percentile(values, 0.5), percentile(values, 0.95)

    s50, s95 = p(all_samples)
    m50, m95 = p(map_samples)
    l50, l95 = p(list_samples)
    b50, b95 = p(plain)
    print(f"scale: {args.members:,} members, {n:,} profiles; office {office.name!r}: {size:,} members; "
          f"{args.requests} requests per query")
    for kind, values in by_kind.items():
        k50, k95 = p(values)
        print(f"  search by {kind:<8} p50 {k50:6.1f} ms  p95 {k95:6.1f} ms")
    print(f"directory search (all queries): p50 {s50:.1f} ms, p95 {s95:.1f} ms, at most {max_queries} queries")
    a50, a95 = p(api_samples)
    print(f"directory search, API:          p50 {a50:.1f} ms, p95 {a95:.1f} ms, at most {api_queries} queries")
    print(f"map data of the office:         p50 {m50:.1f} ms, p95 {m95:.1f} ms, {map_queries} queries")
    print(f"baseline member-list page:      p50 {l50:.1f} ms, p95 {l95:.1f} ms, {list_queries} queries")
    print(f"baseline indexed lookup (ORM):  p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(f"ratio search / member-list: p95 {s95 / l95:.2f}x; search / lookup: p95 {s95 / b95:.1f}x")
    print(f"ratio map / member-list:    p95 {m95 / l95:.2f}x; map / lookup: p95 {m95 / b95:.1f}x")
    ok_search, ok_map = s95 < SEARCH_BUDGET_MS and a95 < SEARCH_BUDGET_MS, m95 < MAP_BUDGET_MS
    print(f"budget search p95 < {SEARCH_BUDGET_MS:.0f} ms (page and API): {'met' if ok_search else 'MISSED'}; "
          f"map p95 < {MAP_BUDGET_MS:.0f} ms: {'met' if ok_map else 'MISSED'}")
    return 0 if ok_search and ok_map else 1


if __name__ == "__main__":
    sys.exit(main())
