"""With DJANGO_ENV=production the app refuses an unsafe configuration; a safe one passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"PYTEST_VERSION", "DJANGO_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL"}
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_development_defaults():
    result = run_manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    for rule in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"):
        assert rule in result.stderr


def test_production_refuses_debug():
    result = run_manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DEBUG="1",
        ALLOWED_HOSTS="coop.example.org",
        EMAIL_URL="submission://user:pw@mail.example.org:587",
    )
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_a_safe_production_configuration_passes_check_deploy_cleanly():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="coop.example.org",
        EMAIL_URL="submission://user:pw@mail.example.org:587",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
