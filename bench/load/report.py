"""The load bench's tables: per endpoint (locust's view, with the server's CPU per request beside
it), the totals against the budgets, where the CPU went, the integrity checks."""

from __future__ import annotations

import re
from pathlib import Path

# (method, path pattern, name): the server's request log back to the names locust uses.
ROUTES = [
    ("GET", r"/accounts/login/", "login page"),
    ("POST", r"/accounts/login/", "login"),
    ("GET", r"/home/", "home"),
    ("GET", r"/documents/", "documents list"),
    ("GET", r"/clients/", "clients list"),
    ("GET", r"/activities/\d+/money/", "money page"),
    ("POST", r"/documents/\d+/autosave/", "autosave (htmx)"),
    ("POST", r"/documents/new/", "new invoice"),
    ("POST", r"/documents/\d+/issue/", "issue and send… (editor)"),
    ("GET", r"/documents/\d+/email/", "send page"),
    ("POST", r"/documents/\d+/email/", "issue and send"),
    ("GET", r"/api/v1/documents/", "API documents list"),
    ("POST", r"/api/v1/documents/", "API create draft"),
    ("GET", r"/api/v1/documents/\d+/", "API document"),
    ("POST", r"/api/v1/documents/\d+/issue/", "API issue"),
    ("GET", r"/api/v1/documents/\d+/pdf/", "API PDF, issued"),
    ("GET", r"/api/v1/clients/", "API clients list"),
    ("GET", r"/healthz", "healthz"),
]
_ROUTES = [(m, re.compile(p + "$"), n) for m, p, n in ROUTES]
_DOC = re.compile(r"/documents/(\d+)/(pdf/)?$")

# endpoint classes for the sizing (docs/sizing.md)
CLASSES = {
    "page": {"home", "documents list", "clients list", "document page", "editor (draft)", "money page",
             "editor (new invoice)", "send page", "login page"},
    "autosave / small write": {"autosave (htmx)", "new invoice", "issue and send… (editor)", "API create draft"},
    "issue": {"issue and send", "API issue"},
    "PDF download (archived)": {"PDF, issued", "API PDF, issued"},
    "PDF draft preview": {"PDF, draft preview", "PDF, draft preview (reload)"},
    "API read": {"API documents list", "API document", "API clients list"},
    "login (PBKDF2)": {"login"},
}
ISSUE_NAMES = ("POST issue and send", "POST API issue")


def classify(method: str, path: str, drafts: set[int], fresh: dict[int, int] | None = None,
             new_after: int | None = None) -> str:
    """The locustfile's name of a request the server logged. A document created during the stage
    (id above ``new_after``) is first opened in the editor, then, once issued, as its page:
    ``fresh`` counts the GETs seen of each (call in the order the server answered)."""
    m = _DOC.match(path)
    if m and method == "GET":
        pk = int(m.group(1))
        draft = pk in drafts
        if m.group(2):
            return "PDF, draft preview" if draft else "PDF, issued"
        if not draft and new_after is not None and fresh is not None and pk > new_after:
            fresh[pk] = fresh.get(pk, 0) + 1
            return "editor (new invoice)" if fresh[pk] == 1 else "document page"
        return "editor (draft)" if draft else "document page"
    for method_, pattern, name in _ROUTES:
        if method == method_ and pattern.match(path):
            return name
    return "other"


def server_requests(log_dir: Path, start: float, end: float, drafts: set[int],
                    new_after: int | None = None) -> dict:
    """Per endpoint: requests the web processes served in [start, end] and their CPU (ms)."""
    rows = []
    for f in sorted(log_dir.glob("requests-*.tsv")):
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) < 6:
                continue
            method, path, _status, cpu, _wall, ts = parts[:6]
            try:
                t = float(ts)
            except ValueError:
                continue
            if start <= t <= end:
                rows.append((t, method, path, float(cpu)))
    out: dict[str, list[float]] = {}
    fresh: dict[int, int] = {}
    for _t, method, path, cpu in sorted(rows):
        out.setdefault(classify(method, path, drafts, fresh, new_after), []).append(cpu)
    return out


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))]


def error_kinds(errors: list[dict]) -> dict[str, dict[str, int]]:
    """Per "METHOD name": counts of 5xx, unexpected 4xx (and redirects), other (connection)."""
    out: dict[str, dict[str, int]] = {}
    for e in errors:
        key = f"{e['method']} {e['name']}"
        text = e["error"]
        m = re.search(r"HTTP (\d)\d\d", text)
        kind = "5xx" if m and m.group(1) == "5" else "4xx" if m or "redirected" in text or "content type" in text else "other"
        out.setdefault(key, {"5xx": 0, "4xx": 0, "other": 0})[kind] += e["count"]
    return out


def endpoint_table(result: dict, cpu: dict[str, list[float]], title: str, print_=print) -> list[dict]:
    steady = result["steady"]
    kinds = error_kinds(steady["errors"])
    header = (f"{'endpoint':<28} {'requests':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'4xx':>5} {'5xx':>5} "
              f"{'other':>5} {'CPU ms':>7}")
    print_(f"\n{title}")
    print_(header)
    print_("-" * len(header))
    rows = []
    for key, e in sorted(steady["entries"].items(), key=lambda kv: -kv[1]["requests"]):
        if not e["requests"]:
            continue
        k = kinds.get(key, {"5xx": 0, "4xx": 0, "other": 0})
        cpu_values = cpu.get(e["name"], [])
        cpu_mean = sum(cpu_values) / len(cpu_values) if cpu_values else float("nan")
        rows.append({**{x: e[x] for x in ("name", "method", "requests", "failures", "p50", "p95", "p99", "avg")},
                     **k, "server_cpu_ms_mean": round(cpu_mean, 1) if cpu_values else None,
                     "server_cpu_ms_p95": round(_pct(cpu_values, 0.95), 1) if cpu_values else None,
                     "server_requests": len(cpu_values)})
        print_(f"{e['name'][:28]:<28} {e['requests']:>8} {_ms(e['p50'])} {_ms(e['p95'])} {_ms(e['p99'])} "
               f"{k['4xx']:>5} {k['5xx']:>5} {k['other']:>5} {cpu_mean:>7.1f}")
    t = steady["total"]
    errors = sum(sum(v.values()) for v in kinds.values())
    print_("-" * len(header))
    print_(f"{'total':<28} {t['requests']:>8} {_ms(t['p50'])} {_ms(t['p95'])} {_ms(t['p99'])} "
           f"{sum(v['4xx'] for v in kinds.values()):>5} {sum(v['5xx'] for v in kinds.values()):>5} "
           f"{sum(v['other'] for v in kinds.values()):>5}")
    print_(f"  {t['requests'] / max(1e-9, steady['seconds']):.1f} requests/s over {steady['seconds']:.0f} s "
           f"(+{steady['stop_seconds']:.0f} s letting users finish), {errors} errors")
    return rows


def _ms(v) -> str:
    return f"{v:>5.0f}ms" if v is not None else f"{'—':>7}"


def ramp_line(result: dict, print_=print) -> None:
    ramp = result["ramp"]
    login = ramp["entries"].get("POST login")
    kinds = error_kinds(ramp["errors"])
    errors = sum(sum(v.values()) for v in kinds.values())
    text = (f"  ramp: {ramp['users']} users started in {ramp['seconds']:.0f} s ({result['rate']:g}/s), "
            f"{ramp['total']['requests']} requests, {errors} errors")
    if login:
        text += (f"; login (PBKDF2) p50 {login['p50']:.0f} ms, p95 {login['p95']:.0f} ms, "
                 f"{login['requests']} logins")
    print_(text)


def budget_line(result: dict, budget_ms: float, print_=print) -> dict:
    t = result["steady"]["total"]
    errors = sum(e["count"] for e in result["steady"]["errors"])
    p95_ok = t["p95"] is not None and t["p95"] <= budget_ms
    verdict = "PASS" if p95_ok and errors == 0 else "FAIL"
    print_(f"  budget {result['users']} members: p95 ≤ {budget_ms:.0f} ms and 0 errors → "
           f"p95 {t['p95']:.0f} ms, {errors} errors: {verdict}")
    return {"budget_ms": budget_ms, "p95": t["p95"], "errors": errors, "verdict": verdict}


def cpu_lines(used: dict[str, float], result: dict, server: dict[str, list[float]], cores: int,
              print_=print) -> dict:
    wall = result["locust_cpu"]["steady_wall"]
    locust = result["locust_cpu"]["steady_seconds"]
    requests = result["steady"]["total"]["requests"]
    served = sum(len(v) for k, v in server.items() if k != "healthz")  # the balancer's checks apart
    web, worker, db = used.get("web", 0.0), used.get("worker", 0.0), used.get("postgres", 0.0)
    total = web + worker + db + locust + sum(v for k, v in used.items() if k in ("haproxy", "pgbouncer", "moto"))
    machine = used.get("machine", 0.0)
    others = max(0.0, machine - total)
    print_(f"  CPU over {wall:.0f} s ({cores} cores = {cores * wall:.0f} core-seconds): web {web:.1f} s, "
           f"task worker {worker:.1f} s, PostgreSQL {db:.1f} s, "
           + "".join(f"{k} {used[k]:.1f} s, " for k in ("haproxy", "pgbouncer", "moto") if k in used)
           + f"locust {locust:.1f} s "
           f"({100 * locust / wall:.0f} % of one core, {100 * locust / (cores * wall):.0f} % of the machine); "
           f"all {100 * total / (cores * wall):.0f} % of the machine"
           + (f"; other processes of the machine (not the bench) {100 * others / (cores * wall):.0f} %" if machine else ""))
    per = {
        "web_ms_per_request": round(1000 * web / max(1, served), 1),
        "db_ms_per_request": round(1000 * db / max(1, served), 1),
        "locust_share_of_one_core": round(locust / wall, 3),
        "locust_share_of_machine": round(locust / (cores * wall), 3),
        "others_share_of_machine": round(others / (cores * wall), 3),
    }
    checks = len(server.get("healthz", []))
    print_(f"  per request served ({served}; locust counted {requests}"
           + (f"; plus {checks} health checks of the balancer" if checks else "")
           + f"): web {per['web_ms_per_request']} ms CPU, PostgreSQL {per['db_ms_per_request']} ms CPU")
    return {"seconds": {k: round(v, 2) for k, v in used.items()}, "locust_seconds": locust, "wall": wall, **per}


def class_table(server: dict[str, list[float]], print_=print) -> dict:
    out = {}
    for cls, names in CLASSES.items():
        values = [v for n in names for v in server.get(n, [])]
        if values:
            out[cls] = {"requests": len(values), "cpu_ms_mean": round(sum(values) / len(values), 1),
                        "cpu_ms_p95": round(_pct(values, 0.95), 1)}
    if out:
        print_("  web CPU per request by class: " + "; ".join(
            f"{k} {v['cpu_ms_mean']:.0f} ms ({v['requests']})" for k, v in out.items()))
    return out


def integrity_lines(check: dict, print_=print) -> None:
    w = check["worker"]
    print_(f"  worker: queue drained in {w['seconds']:.0f} s after the stage"
           + (f" — NOT drained: {w['pdfs_missing']} PDFs missing, {w['tasks_left']} tasks left" if w["pdfs_missing"]
              or w["tasks_left"] else "")
           + (f"; {w['tasks_failed']} FAILED tasks: {w['failed_examples']}" if w["tasks_failed"] else ""))
    mark = "ok" if check["count_ok"] else "MISMATCH"
    unknown = check["issue_requests_unknown"]
    print_(f"  issued: {check['issued_added']} documents added; issue requests answered OK: "
           f"{check['issue_requests_ok']}" + (f" (+{unknown} without an answer: outcome unknown)" if unknown else "")
           + f" → {mark}")
    print_(f"  complete (frozen, e-invoice, entry, PDF with its SHA-256): "
           f"{check['issued_checked'] - len(check['incomplete'])}/{check['issued_checked']}"
           + ("" if not check["incomplete"] else f" — {check['incomplete'][:5]}"))
    print_("  numbering gap-free per series: " + ("ok" if not check["numbering"] else f"PROBLEMS {check['numbering'][:5]}"))
    print_("  check_books: " + ("the books are sound" if check["check_books_ok"] else "FAILED"))
    if not check["check_books_ok"]:
        for line in check["check_books_output"]:
            print_(f"    {line}")
    print_(f"  integrity: {'PASS' if check['ok'] else 'FAIL'}")


def issue_counts(result: dict) -> tuple[int, int]:
    """(issue requests answered as expected, issue requests without a usable answer)."""
    ok = unknown = 0
    kinds = error_kinds(result["steady"]["errors"] + result["ramp"]["errors"])
    for phase in ("ramp", "steady"):
        for key in ISSUE_NAMES:
            e = result[phase]["entries"].get(key)
            if e:
                ok += e["requests"] - e["failures"]
    for key in ISSUE_NAMES:
        k = kinds.get(key)
        if k:
            unknown += k["5xx"] + k["other"]
    return ok, unknown


def kill_lines(result: dict, killed: dict, window: float = 15.0, print_=print) -> dict:
    """Errors before the kill, in the ``window`` seconds after it, and later; the ones in the window
    against the requests the killed instance held."""
    at = killed["at_seconds"]
    before = [f for f in result["failures"] if f[0] < at]
    during = [f for f in result["failures"] if at <= f[0] < at + window]
    after = [f for f in result["failures"] if f[0] >= at + window]
    verdict = "ok" if len(during) <= killed["held"] else "MORE errors than the requests it held"
    print_(f"  errors: {len(before)} before the kill, {len(during)} in the {window:.0f} s after it, "
           f"{len(after)} later; web1 held {killed['held']} requests → {verdict}")
    kinds: dict[tuple, int] = {}
    for _t, name, error in during:
        kinds[(name, error)] = kinds.get((name, error), 0) + 1
    for (name, error), n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print_(f"    {n} × {name}: {error[:100]}")
    killed.update(errors_before=len(before), errors_after_kill=len(during), errors_later=len(after),
                  verdict=verdict)
    return killed
