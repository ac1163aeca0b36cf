"""Gunicorn settings for Compagnon in production (`make serve-prod`, deploy/systemd/).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py compagnon.wsgi

Environment (all optional):
    BIND               where to listen: 127.0.0.1:8000, 0.0.0.0:8000 or unix:/run/compagnon/web.sock
    PORT               the port when BIND is unset (default 8000, always on 127.0.0.1)
    WEB_CONCURRENCY    worker processes (default 2 x CPU cores + 1)
    GUNICORN_WORKER_CLASS  gthread (default) or sync
    GUNICORN_THREADS   threads per worker (default 2)
    GUNICORN_KEEPALIVE seconds an idle keep-alive connection is kept (default 5)
    FORWARDED_ALLOW_IPS  read by gunicorn itself: addresses whose X-Forwarded-Proto it believes
                       (default 127.0.0.1,::1: a proxy on the same machine)

Signals to the master process (its pid is the MAINPID of compagnon-web.service):
    HUP   graceful reload: re-reads this file, starts new workers on the new code (the app is not
          preloaded, see preload_app), then stops the old ones once their requests are done.
          Requests that arrive meanwhile wait in the listen queue for the new workers (seconds:
          each loads the app and compiles its rule sets); none is dropped. Migrate first.
    TERM  graceful stop (graceful_timeout); INT/QUIT: quick stop.
    TTIN / TTOU  one worker more / less.

Everything is explained in docs/production.md.
"""

import contextlib
import os
from types import SimpleNamespace

# --- where -------------------------------------------------------------------------------------
# Loopback by default: a reverse proxy on the same machine terminates TLS and talks to us.
bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]
# Connections waiting to be accepted while every worker is busy or restarting (HUP).
backlog = 2048


# --- how many ----------------------------------------------------------------------------------
def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# The usual 2 x cores + 1: while one worker waits for PostgreSQL another computes. Each worker
# holds its compiled e-invoice rule sets (about 300 MB resident with Django), so on a small machine
# lower WEB_CONCURRENCY rather than let it swap.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)

# gthread with 2 threads: each worker serves two requests at once. Measured on this project (the
# member's home page, 20 clients, PostgreSQL on the same 2-core machine): a request spends about
# 80 % of its time on the CPU, so threads cannot add throughput there (the interpreter lock lets
# one thread of a process compute at a time), and they cost nothing either: 43-45 ms of CPU per
# request with 2 threads, 48-53 ms with sync workers, throughput equal within the noise. They are
# for the waits production adds: PostgreSQL on another machine, files streamed from S3
# (STORAGE_URL), keep-alive connections (the sync worker closes each one); a request waiting then
# holds a thread, not a whole 300 MB process. Not 4: no better in the same measurement, and every
# thread keeps its own PostgreSQL connection (workers x threads; mind max_connections). Rechecked
# with the load bench's whole mix (2026-12-06, 50 members, machine shared): 3 workers x 4 threads
# used 49 ms of CPU per page against 40 ms for 5 x 2, and 43 against 54 ms per autosave: no setting
# wins beyond the noise, so the defaults stay. Since drafts' PDFs are rendered by the task worker
# (docs/decisions/0016), no web request computes for long: nothing here needs more threads to stay
# responsive behind a slow one.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 2)

# --- time --------------------------------------------------------------------------------------
# With gthread, timeout is not a limit on one request: it is how long a worker's main loop may stay
# silent before the master kills it as stuck (a request still runs in its thread meanwhile; long
# requests are bounded by the proxy, proxy_read_timeout in the nginx example). The master starts
# watching a worker once it serves: its start (loading the app, compiling the rule sets, 38 s when
# five workers started together on two cores already busy with other work) is not counted.
timeout = 30
# On HUP or TERM a worker finishes its requests for up to this long (an upload or a bank statement
# import in progress). systemd's TimeoutStopSec is longer (compagnon-web.service).
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds: longer than the proxy's own
# upstream keepalive_timeout (4 s in the nginx example), so the proxy always closes first and never
# sends a request on a connection we are closing (a 502). Behind a load balancer that keeps idle
# connections longer (60 s for many), set GUNICORN_KEEPALIVE above it (e.g. 75).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)

# --- memory safety -----------------------------------------------------------------------------
# A worker is replaced after about 5000 requests (+ up to 500 at random, so that workers do not all
# restart together): whatever a long-lived process accumulates (fragmented memory after large PDFs
# or imports) is returned. Not lower: a new worker spends 3 s of CPU compiling the rule sets.
max_requests = 5000
max_requests_jitter = 500

# Not preloaded: each worker imports the app itself after the fork. HUP then reloads the code
# (an upgrade without downtime); with preload_app the master keeps the old code until a full
# restart. Preloading would also fork workers while the master's warm-up thread compiles the rule
# sets (einvoice/apps.py), and a fork in the middle of it can leave a worker holding a lock that no
# thread will ever release. The memory it would share fades anyway as reference counts are written.
preload_app = False


# --- warm before the first request -------------------------------------------------------------
def post_worker_init(worker):
    """Runs in each worker after it loaded the app and before it accepts a connection: compile the
    e-invoice rule sets now, so that no member's first issue waits for them (0.5-0.9 s each), and
    import every view (the URL configuration) so that the first page does not either.
    COMPAGNON_PREPARE_RULES=0 skips the rule sets, as it does for the other processes."""
    import time

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the URL configuration imports the views
    if os.environ.get("COMPAGNON_PREPARE_RULES") == "0":
        return
    from compagnon.einvoice import validation

    started = time.monotonic()
    validation.prepare_all()
    worker.log.info(
        "Rule sets ready in %.1f s (%d compiled)",
        time.monotonic() - started,
        validation.compilations,
    )


# --- logs --------------------------------------------------------------------------------------
# Access log on stdout, errors on stderr (journald or the container runtime collects both).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The combined log format (what nginx and Apache write, what log tools read) plus the request's
# duration in seconds, like nginx's $request_time.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'


def _client_logger():
    from gunicorn.glogging import Logger

    class ClientAddressLogger(Logger):
        """%(h)s is the client's address by the app's rule (compagnon/core/client_ip.py: behind
        TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For), not always the proxy's."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            with contextlib.suppress(Exception):  # a log line never fails a request
                from compagnon.core.client_ip import client_ip

                atoms["h"] = client_ip(SimpleNamespace(META=environ)) or atoms["h"]
            return atoms

    return ClientAddressLogger


logger_class = _client_logger()

# Responses go through Python rather than the kernel's sendfile(): gunicorn does not count the bytes
# it hands to sendfile(), so every static file would be logged as 0 bytes. Static files are small
# and browsers keep them a year (hashed names), so the shortcut would save little.
sendfile = False

# --- the rest ----------------------------------------------------------------------------------
proc_name = "compagnon-web"
# No control socket (gunicornc): signals do the same and leave nothing to secure in $HOME.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall.
# (gunicorn creates them with mkstemp: private names, mode 0600.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
