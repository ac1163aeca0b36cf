"""The web server and the task worker side by side, for `make serve-prod`.

    python deploy/serve_prod.py --preflight   # refuse a missing or unsafe environment, clearly
    python deploy/serve_prod.py               # run both

Ctrl-C or TERM stops both, each gracefully and once: gunicorn finishes its requests, the worker
its current task. A second Ctrl-C stops them at once. When one of them exits on its own, the other
is stopped too and the exit status says something went wrong. On a server, systemd runs the two
as separate services instead (deploy/systemd/).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def commands() -> dict[str, list[str]]:
    return {
        "web": [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "compagnon.wsgi",
        ],
        # below the web processes (nice 10): on a shared machine a member's page comes before a PDF
        "worker": [*(["nice", "-n", "10"] if shutil.which("nice") else []),
                   sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload"],
    }


# Without these the settings would fall back to development values (a local SQLite file, emails
# printed on the console): refuse before touching anything.
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL")


def preflight() -> int:
    """`serve_prod.py --preflight`: the environment names every required variable and the
    settings accept it (compagnon.core.checks.unsafe_production_settings), said in plain words."""
    missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
    if missing:
        print(
            f"Refusing to start in production: set {', '.join(missing)} in the environment\n"
            "(every variable is described in deploy/compagnon.env.example and docs/production.md).",
            file=sys.stderr,
        )
        return 1
    sys.path.insert(0, str(ROOT))
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.SECRET_KEY  # noqa: B018 - loading the settings runs the production checks
    except ImproperlyConfigured as exc:
        print(exc, file=sys.stderr)
        return 1
    if not settings.PRODUCTION:
        print("Refusing to start: DJANGO_ENV must be production.", file=sys.stderr)
        return 1
    warn_slow_pdfs()
    return 0


def warn_slow_pdfs() -> None:
    """A warning, not a refusal: without HarfBuzz's subsetter every PDF costs about four times the CPU."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except Exception:  # noqa: BLE001 - WeasyPrint itself missing: Django's checks say so
        return
    if harfbuzz_subset is None:
        print(
            "Warning: libharfbuzz-subset0 is not installed: every PDF will take about four times the CPU "
            "(Debian/Ubuntu: apt-get install libharfbuzz-subset0; docs/production.md).",
            file=sys.stderr,
        )


def main() -> int:
    # Each child in its own session: the terminal's Ctrl-C reaches this process only, which then
    # signals each child once (a second signal makes the worker abandon the task it is running).
    children = {
        name: subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # noqa: S603 - fixed commands
        for name, command in commands().items()
    }
    signals_received = 0

    def stop(signum=None, frame=None):
        nonlocal signals_received
        signals_received += 1
        quick = signals_received > 1
        for process in children.values():
            if process.poll() is None:
                # gunicorn: TERM = graceful, INT = at once; the worker: the first TERM is graceful.
                process.send_signal(signal.SIGINT if quick else signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(
        f"Compagnon: web pid {children['web'].pid}, worker pid {children['worker'].pid}; "
        "Ctrl-C stops both.",
        flush=True,
    )
    while not signals_received and all(p.poll() is None for p in children.values()):
        time.sleep(0.5)
    exited_first = next((name for name, p in children.items() if p.poll() is not None), None)
    if exited_first and not signals_received:
        code = children[exited_first].returncode
        print(
            f"Compagnon: the {exited_first} process stopped (exit {code}); stopping the other one.",
            file=sys.stderr,
            flush=True,
        )
        stop()
        for process in children.values():
            process.wait()
        return code or 1  # one of the two stopping on its own is a failure
    for process in children.values():
        process.wait()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    sys.exit(preflight() if sys.argv[1:] == ["--preflight"] else main())
