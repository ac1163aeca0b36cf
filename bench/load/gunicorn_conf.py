"""deploy/gunicorn.conf.py as it is, plus two hooks that measure each request's CPU time.

    gunicorn -c bench/load/gunicorn_conf.py compagnon.wsgi      (BENCH_REQUEST_LOG=dir)

``pre_request`` / ``post_request`` run in the thread that serves the request (sync and gthread
workers alike), so ``time.thread_time()`` between them is that request's CPU in the web process:
Django, templates, PDF rendering, the database driver — not PostgreSQL's own work, which the bench
measures apart. One line per request in ``<BENCH_REQUEST_LOG>/requests-<pid>.tsv``:
method, path, status, CPU ms, wall ms, time it ended. Without BENCH_REQUEST_LOG nothing is written.
"""

import os
import time
from pathlib import Path

_DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
if _DEPLOY.exists():
    exec(compile(_DEPLOY.read_text(encoding="utf-8"), str(_DEPLOY), "exec"))  # noqa: S102 - our own file
else:  # before deploy/gunicorn.conf.py existed: the same choices, explicitly
    bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
    workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
    worker_class = "gthread"
    threads = int(os.environ.get("GUNICORN_THREADS") or 4)
    timeout = 30
    accesslog = "-"
    errorlog = "-"

_LOG_DIR = os.environ.get("BENCH_REQUEST_LOG")
_files = {}


def _file():
    pid = os.getpid()
    f = _files.get(pid)
    if f is None:
        f = _files[pid] = open(Path(_LOG_DIR) / f"requests-{pid}.tsv", "a", buffering=1, encoding="utf-8")  # noqa: SIM115
    return f


def pre_request(worker, req):  # noqa: F811 - replaces the deploy file's, if it ever has one
    req._bench_started = (time.thread_time(), time.perf_counter())


def post_request(worker, req, environ, resp):  # noqa: F811
    started = getattr(req, "_bench_started", None)
    if not _LOG_DIR or started is None:
        return
    cpu = (time.thread_time() - started[0]) * 1000
    wall = (time.perf_counter() - started[1]) * 1000
    status = str(getattr(resp, "status", "") or "").split(" ", 1)[0]
    try:
        _file().write(f"{req.method}\t{req.path}\t{status}\t{cpu:.2f}\t{wall:.2f}\t{time.time():.3f}\n")
    except OSError:
        pass
