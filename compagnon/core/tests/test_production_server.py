"""Production as an operator runs it: `make serve-prod`, deploy/gunicorn.conf.py, check --deploy,
static files hashed and compressed by WhiteNoise, proxy settings from the environment."""

import importlib.util
import json
import logging
import os
import re
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from compagnon.core.tests.factories import member_with_activity

ROOT = Path(__file__).resolve().parents[3]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
SERVE_PROD = ROOT / "deploy" / "serve_prod.py"
# Variables of the machine running the tests that would change what production settings read.
OURS = {
    "PYTEST_VERSION",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "DATABASE_URL",
    "CACHE_URL",
    "TRUSTED_PROXY_COUNT",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "COMPAGNON_PREPARE_RULES",
    "STORAGE_URL",
}


def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
        EMAIL_URL="submission://user:pw@mail.example.org:587",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        COMPAGNON_PREPARE_RULES="0",
    )
    env.update(extra)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"TRUSTED_PROXY_COUNT": "1", "CSRF_TRUSTED_ORIGINS": "https://example.org"},
        # The proxy redirects HTTP to HTTPS itself: switching Django's redirect off is deliberate.
        {"TRUSTED_PROXY_COUNT": "1", "SECURE_SSL_REDIRECT": "0"},
    ],
    ids=["no-proxy", "behind-a-proxy", "proxy-redirects"],
)
def test_check_deploy_is_clean_in_production(tmp_path, extra):
    result = manage(
        production_env(tmp_path, **extra),
        "check",
        "--deploy",
        "--database",
        "default",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


SHOW = textwrap.dedent(
    """
    import json
    from django.conf import settings as s
    print(json.dumps({
        "proxy_ssl_header": s.SECURE_PROXY_SSL_HEADER,
        "trusted": [s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT,
                    s.REST_FRAMEWORK["NUM_PROXIES"]],
        "csrf_origins": s.CSRF_TRUSTED_ORIGINS,
        "static": s.STORAGES["staticfiles"]["BACKEND"],
        "redirect_exempt": s.SECURE_REDIRECT_EXEMPT,
    }))
    """
)


def production_settings(tmp_path, **extra) -> dict:
    result = manage(production_env(tmp_path, **extra), "shell", "-c", SHOW)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_proxy_headers_are_believed_only_behind_a_declared_proxy(tmp_path):
    alone = production_settings(tmp_path)
    assert alone["proxy_ssl_header"] is None
    assert alone["trusted"] == [0, 0, 0]
    behind = production_settings(
        tmp_path,
        TRUSTED_PROXY_COUNT="1",
        CSRF_TRUSTED_ORIGINS="https://coop.example.org, https://www.coop.example.org",
    )
    assert behind["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind["trusted"] == [1, 1, 1]  # the app, allauth and DRF count the same proxies
    assert behind["csrf_origins"] == ["https://coop.example.org", "https://www.coop.example.org"]
    # Static files hashed and compressed; the health check answers over plain HTTP.
    assert behind["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert any(re.search(pattern, "healthz") for pattern in behind["redirect_exempt"])


# --- static files --------------------------------------------------------------------------------

STATIC_URL_RE = re.compile(r'(?:src|href)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


@pytest.fixture
def collected_static(tmp_path):
    """collectstatic with production's storage into a scratch STATIC_ROOT. Only CSS is compressed
    here: brotli on the API docs' megabytes of JavaScript would take a minute."""
    from django.contrib.staticfiles import finders

    extensions = {
        Path(path).suffix.lstrip(".")
        for finder in finders.get_finders()
        for path, _ in finder.list(None)
    } - {"css"}
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STORAGES=storages,
        STATIC_ROOT=tmp_path / "static",
        WHITENOISE_SKIP_COMPRESS_EXTENSIONS=sorted(extensions),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path / "static"


def static_urls(page: str) -> set[str]:
    urls = set(STATIC_URL_RE.findall(page))
    assert urls, "the page links no static file"
    return urls


@pytest.mark.django_db
def test_login_and_home_pages_render_with_hashed_static_files(collected_static, client):
    from django.templatetags.static import static

    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        static("core/no-such-file.css")  # what a template naming a missing file would raise

    login = client.get("/accounts/login/")
    assert login.status_code == 200
    member, activity = member_with_activity()
    client.force_login(member.user)
    home = client.get("/home/")
    assert home.status_code == 200 and activity.name in home.content.decode()

    urls = static_urls(login.content.decode()) | static_urls(home.content.decode())
    for url in urls:
        assert HASHED.search(url), f"{url} is not the hashed name"
        response = client.get(url)  # served by WhiteNoise from STATIC_ROOT
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "max-age=315360000, public, immutable", url
        response.close()


@pytest.mark.django_db
def test_stylesheets_are_served_compressed(collected_static, client):
    page = client.get("/accounts/login/").content.decode()
    css = next(url for url in static_urls(page) if url.endswith(".css"))
    for encoding in ("br", "gzip"):
        response = client.get(css, HTTP_ACCEPT_ENCODING=encoding)
        assert response["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response["Vary"]
        response.close()


# --- health check --------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_the_health_check_answers_over_plain_http_without_login(client):
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to HTTPS
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


@pytest.mark.django_db
def test_the_health_check_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError, connection

    def unreachable():
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "tasks": "unknown"}


# --- gunicorn ------------------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env) -> dict:
    """deploy/gunicorn.conf.py read as gunicorn reads it, each value through gunicorn's validation."""
    from gunicorn.config import Config

    for name in ("BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(GUNICORN_CONF))
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return {name: config.settings[name].get() for name in config.settings} | {"_ns": namespace}


def test_gunicorn_listens_on_loopback_and_sizes_itself_from_the_cores(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf["worker_class"] == "gthread" and conf["threads"] > 1
    assert conf["preload_app"] is False  # HUP reloads the code
    assert conf["max_requests"] > 0 and 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["graceful_timeout"] > 0 and conf["keepalive"] > 0
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    combined = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    assert conf["access_log_format"] == combined + " %(L)s"  # plus the duration in seconds

    assert gunicorn_settings(monkeypatch, PORT="8123")["bind"] == ["127.0.0.1:8123"]
    assert gunicorn_settings(monkeypatch, BIND="0.0.0.0:8000", PORT="8123")["bind"] == [
        "0.0.0.0:8000"
    ]
    sock = gunicorn_settings(monkeypatch, BIND="unix:/run/compagnon/web.sock")
    assert sock["bind"] == ["unix:/run/compagnon/web.sock"]
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_each_worker_compiles_the_rule_sets_before_its_first_request(monkeypatch):
    from compagnon.einvoice import validation

    calls = []
    monkeypatch.setattr(validation, "prepare_all", lambda: calls.append("compiled"))
    post_worker_init = gunicorn_settings(monkeypatch)["post_worker_init"]
    worker = SimpleNamespace(log=logging.getLogger("gunicorn.error"))
    post_worker_init(worker)
    assert calls == ["compiled"]
    monkeypatch.setenv("COMPAGNON_PREPARE_RULES", "0")
    post_worker_init(worker)
    assert calls == ["compiled"]


@pytest.mark.parametrize(
    "argv, waits",
    [(["manage.py", "db_worker", "--no-reload"], True), (["/srv/.venv/bin/gunicorn"], False)],
)
def test_the_task_worker_compiles_the_rule_sets_before_its_first_task(monkeypatch, argv, waits):
    """The worker waits for its warm-up when it starts; gunicorn workers warm up in the background
    and post_worker_init (above) waits for it before the first request."""
    from django.apps import apps

    from compagnon.einvoice import apps as einvoice_apps

    joined = []
    warm_up = SimpleNamespace(join=lambda: joined.append(True))
    monkeypatch.setattr(einvoice_apps, "start_warm_up", lambda: warm_up)
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("COMPAGNON_PREPARE_RULES", raising=False)
    apps.get_app_config("einvoice").ready()
    assert joined == ([True] if waits else [])


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_access_log_names_the_client_not_the_proxy(monkeypatch):
    from gunicorn.config import Config

    logger = gunicorn_settings(monkeypatch)["_ns"]["logger_class"](Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/home/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    assert (atoms["h"], atoms["s"], atoms["L"]) == ("203.0.113.7", "200", "0.042000")


# --- make serve-prod -----------------------------------------------------------------------------


def test_serve_prod_refuses_a_missing_or_unsafe_environment(tmp_path):
    env = production_env(tmp_path)
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        del env[name]
    missing = subprocess.run(
        [sys.executable, str(SERVE_PROD), "--preflight"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert "set SECRET_KEY, ALLOWED_HOSTS in the environment" in missing.stderr

    unsafe = subprocess.run(
        [sys.executable, str(SERVE_PROD), "--preflight"],
        env={**env, "SECRET_KEY": "change-me", "ALLOWED_HOSTS": "*"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unsafe.returncode == 1
    assert "SECRET_KEY must be set" in unsafe.stderr and "ALLOWED_HOSTS must" in unsafe.stderr
    assert "Traceback" not in unsafe.stderr

    fine = subprocess.run(
        [sys.executable, str(SERVE_PROD), "--preflight"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fine.returncode == 0, fine.stderr


# The supervisor of `make serve-prod`, with two stand-ins for gunicorn and the worker that write
# down every signal they receive.
CHILD = """
import signal, sys, time
from pathlib import Path
log, life, code, after = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def on(signum, frame):
    log.write_text(log.read_text() + signal.Signals(signum).name + "\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, on)
signal.signal(signal.SIGINT, on)
log.write_text("started\\n")
while after and not Path(after[0]).exists():  # the web stand-in dies once the worker runs
    time.sleep(0.05)
time.sleep(life)
sys.exit(code)
"""
DRIVER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("serve_prod", sys.argv[1])
serve_prod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(serve_prod)
child, tmp, web_life, web_exit = sys.argv[2:6]
serve_prod.commands = lambda: {
    "web": [sys.executable, "-c", child, f"{tmp}/web.log", web_life, web_exit, f"{tmp}/worker.log"],
    "worker": [sys.executable, "-c", child, f"{tmp}/worker.log", "600", "0"],
}
sys.exit(serve_prod.main())
"""


def supervise(tmp_path, web_life="600", web_exit="0"):
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(SERVE_PROD), CHILD, str(tmp_path), web_life, web_exit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, what):
    deadline = time.monotonic() + 60
    while not predicate():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def log_of(tmp_path, name) -> list[str]:
    path = tmp_path / f"{name}.log"
    return path.read_text().split() if path.exists() else []


def test_term_stops_the_web_server_and_the_worker_once_each(tmp_path):
    driver = supervise(tmp_path)
    wait_for(lambda: log_of(tmp_path, "web") and log_of(tmp_path, "worker"), "both to start")
    driver.send_signal(signal.SIGTERM)
    driver.communicate(timeout=60)
    assert driver.returncode == 0
    # One graceful TERM each: a second signal would make the worker abandon its task.
    assert log_of(tmp_path, "web") == ["started", "SIGTERM"]
    assert log_of(tmp_path, "worker") == ["started", "SIGTERM"]


def test_when_the_web_server_dies_the_worker_is_stopped_and_the_failure_shows(tmp_path):
    driver = supervise(tmp_path, web_life="0", web_exit="3")
    _, stderr = driver.communicate(timeout=60)
    assert driver.returncode == 3
    assert log_of(tmp_path, "worker") == ["started", "SIGTERM"]
    assert "the web process stopped (exit 3)" in stderr


def test_serve_prod_loads_as_a_module():
    spec = importlib.util.spec_from_file_location("serve_prod", SERVE_PROD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    web, worker = module.commands()["web"], module.commands()["worker"]
    assert web[1:] == ["-c", str(GUNICORN_CONF), "compagnon.wsgi"]
    assert worker[-2:] == ["db_worker", "--no-reload"]
    if shutil.which("nice"):  # the task worker yields to the web processes on a shared machine
        assert worker[:3] == ["nice", "-n", "10"]
