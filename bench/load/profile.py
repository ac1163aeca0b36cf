"""Where a request of the load bench spends its time: run after ``python -m bench load``, on the
database it left (var/bench/load/users.json names the accounts).

    .venv/bin/python -m bench.load.profile                 # queries and CPU per endpoint
    .venv/bin/python -m bench.load.profile --cprofile "document page"   # plus the top functions

In this process, through Django's test client (no server, no network), as the first browser
member and the first API member: each endpoint of the locustfile a few times (warm), then timed
``--repeat`` times: CPU ms (this thread: the median, and the least, steadier on a busy machine), the CPU of its PostgreSQL backend (same machine), SQL
queries and their time. The autosave and the PDF of
the draft change the draft. "issue and send" issues invoices: before it is measured, the profile
makes one new draft invoice per call (outside the measure; the member's client and the bench's two
lines), then each call posts the send page's form as the page has it (email to the client's address),
as the load bench's members do; ``--no-issue`` leaves it out.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL",
                                                           "postgres://postgres@127.0.0.1:5432/compagnon_bench_load"))
    p.add_argument("--users", default=str(ROOT / "var" / "bench" / "load" / "users.json"))
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--cprofile", default="", help="endpoint name to profile with cProfile")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--queries", action="store_true", help="list the SQL of each endpoint (first 150 characters)")
    p.add_argument("--no-issue", action="store_true", help="leave out issue and send (it issues invoices)")
    args = p.parse_args(argv)

    os.environ.update(DATABASE_URL=args.database_url, DJANGO_ENV="development", DEBUG="0",
                      DJANGO_SETTINGS_MODULE="compagnon.settings", ALLOWED_HOSTS="testserver,127.0.0.1",
                      MEDIA_ROOT=str(ROOT / "var" / "bench" / "load" / "media"))
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from compagnon.accounts.models import User

    data = json.loads(Path(args.users).read_text())
    member, api = data["members"][0], data["api"][0]
    browser = Client(HTTP_X_FORWARDED_FOR=member["ip"])
    browser.force_login(User.objects.get(email=member["email"]))
    token = Client(HTTP_AUTHORIZATION=f"Token {api['token']}", HTTP_ACCEPT="application/json")
    variant = [0]

    def autosave():
        variant[0] += 1
        from bench.load.forms import editor_form

        return browser.post(f"/documents/{member['draft']}/autosave/", editor_form(member, variant[0], quote=True),
                            HTTP_HX_REQUEST="true", HTTP_HX_TARGET="totals")

    pages = {}  # "issue and send": the send page of each fresh draft, read before the measure

    def fresh_drafts(count):
        from bench.load.forms import form_fields
        from compagnon.clients.models import Client as Customer
        from compagnon.sales import services
        from compagnon.sales.models import Document, Kind

        user = User.objects.get(email=member["email"])
        model = Document.objects.get(pk=member["draft"])
        customer = Customer.objects.filter(activity_id=model.activity_id).exclude(email="").order_by("pk").first()
        queue = []
        for _ in range(count):
            document = services.create_document(actor=user, activity=model.activity, client=customer,
                                                kind=Kind.INVOICE, lines=[
                                                    {"description": "Garden work", "quantity": 3, "unit": "HUR",
                                                     "unit_price": 40, "vat_category": "S",
                                                     "vat_rate": services_rate(model)}])
            url = f"/documents/{document.pk}/email/"
            fields = form_fields(browser.get(url).content.decode(), url)
            fields.pop("csrfmiddlewaretoken", None)
            queue.append((url, fields))
        pages["queue"] = queue

    def services_rate(model):
        from compagnon.sales.forms import parse_vat, standard_vat

        return parse_vat(standard_vat(model.entity))[1]

    def issue_and_send():
        url, fields = pages["queue"].pop()
        return browser.post(url, fields)

    def send_page():
        url, _fields = pages["queue"][-1]
        return browser.get(url)

    endpoints = {
        "home": lambda: browser.get("/home/"),
        "documents list": lambda: browser.get("/documents/"),
        "clients list": lambda: browser.get("/clients/"),
        "document page": lambda: browser.get(f"/documents/{member['issued']}/"),
        "editor (draft)": lambda: browser.get(f"/documents/{member['draft']}/"),
        "money page": lambda: browser.get(f"/activities/{member['activity']}/money/"),
        "autosave (htmx)": autosave,
        "PDF, issued": lambda: browser.get(f"/documents/{member['issued']}/pdf/"),
        "PDF, draft preview": lambda: browser.get(f"/documents/{member['draft']}/pdf/"),
        "API documents list": lambda: token.get("/api/v1/documents/?kind=invoice"),
        "API document": lambda: token.get(f"/api/v1/documents/{api['issued']}/"),
        "API clients list": lambda: token.get("/api/v1/clients/"),
        "send page": send_page,
        "issue and send": issue_and_send,
    }
    if args.no_issue:
        del endpoints["send page"], endpoints["issue and send"]
    def backend_cpu_ms() -> float | None:
        """CPU used so far by this connection's PostgreSQL backend (same machine only)."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except Exception:  # noqa: BLE001 - SQLite, another machine: the column stays empty
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    print(f"{'endpoint':<22} {'status':>6} {'CPU ms':>8} {'min':>6} {'PG CPU':>7} {'wall ms':>8} {'queries':>8} {'SQL ms':>7}"
          "  slowest query")
    for name, call in endpoints.items():
        if args.cprofile and name != args.cprofile:
            continue
        if name in ("send page", "issue and send"):
            fresh_drafts(1 if name == "send page" else 8 + args.repeat + 1 + (args.repeat if args.cprofile else 0))
        for _ in range(8):  # past the prepare threshold and PostgreSQL's 5 custom plans
            response = call()
        cpu, wall = [], []
        pg_before = backend_cpu_ms()
        for _ in range(args.repeat):
            t0, w0 = time.thread_time(), time.perf_counter()
            response = call()
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            cpu.append((time.thread_time() - t0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        pg_after = backend_cpu_ms()
        pg = f"{(pg_after - pg_before) / args.repeat:>7.1f}" if pg_before is not None and pg_after is not None else f"{'':>7}"
        with CaptureQueriesContext(connection) as ctx:
            call()
        queries = ctx.captured_queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        slowest = max(queries, key=lambda q: float(q["time"]), default=None)
        cpu.sort()
        wall.sort()
        print(f"{name:<22} {response.status_code:>6} {cpu[len(cpu) // 2]:>8.1f} {cpu[0]:>6.1f} {pg} {wall[len(wall) // 2]:>8.1f} "
              f"{len(queries):>8} {sql_ms:>7.1f}  "
              + (f"{float(slowest['time']) * 1000:.1f} ms {' '.join(slowest['sql'].split())[:110]}" if slowest else ""))
        if args.queries:
            for q in queries:
                print(f"    {float(q['time']) * 1000:5.1f} ms  {' '.join(q['sql'].split())[:150]}")
        if args.cprofile:
            profiler = cProfile.Profile(time.thread_time)  # CPU, not the waits for PostgreSQL
            profiler.enable()
            for _ in range(args.repeat):
                call()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
