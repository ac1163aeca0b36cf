import os
import sys
import threading

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

# Processes that serve members (web) or run tasks (worker) compile the e-invoice rule sets when they
# start, so that the first issue after a restart costs what the others do. Other commands and the
# tests compile lazily (still outside any lock: see sales.steps preparations).
# COMPAGNON_PREPARE_RULES=1 forces the warm-up, =0 turns it off.
SERVER_COMMANDS = {"runserver", "db_worker", "runworker"}
SERVER_PROGRAMS = {"gunicorn", "uwsgi", "uvicorn", "daphne"}


class EinvoiceConfig(AppConfig):
    name = "compagnon.einvoice"
    verbose_name = _("E-invoicing")

    def ready(self):
        checks.register(rules_check, checks.Tags.compatibility)
        # E-invoicing builds on issued documents: sales never imports it, it registers its steps.
        from compagnon.sales import steps

        from . import services

        steps.register_preparation("einvoice.prepare_rules", services.prepare_for_issue)
        steps.register_issue_step("einvoice.check", services.check_for_issue, order=10)
        steps.register_pdf_step("einvoice.archive", services.archive, order=10)
        if is_server_process():
            warm_up = start_warm_up()
            if sys.argv[1:2] == ["db_worker"]:
                warm_up.join()  # nobody waits on a worker's start: warm before its first task


def is_server_process(argv=None, environ=None) -> bool:
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    forced = environ.get("COMPAGNON_PREPARE_RULES", "")
    if forced in ("0", "1"):
        return forced == "1"
    program = os.path.basename(argv[0]) if argv else ""
    if program in SERVER_PROGRAMS:
        return True
    return program.endswith("manage.py") and len(argv) > 1 and argv[1] in SERVER_COMMANDS


def start_warm_up() -> threading.Thread:
    """Compile the rule sets in the background: the process serves at once, and an issue arriving
    meanwhile waits for the compilation before taking any database lock."""

    def run():
        import logging
        import time

        from . import validation

        started = time.monotonic()
        try:
            validation.prepare_all()
        except Exception:  # a warm-up never stops a process; the first issue compiles instead
            logging.getLogger(__name__).exception("e-invoice rule sets could not be compiled at start")
        else:
            logging.getLogger(__name__).info(
                "E-invoice rule sets ready in %.1f s", time.monotonic() - started)

    thread = threading.Thread(target=run, name="einvoice-warm-up", daemon=True)
    thread.start()
    return thread


def rules_check(app_configs=None, **kwargs):
    """Every official rule set must be installed; in production their absence stops the start."""
    from django.conf import settings

    from .validation import missing_rule_sets

    missing = missing_rule_sets()
    if not missing:
        return []
    level = checks.Error if getattr(settings, "ENV", "development") == "production" else checks.Warning
    return [level(
        f"E-invoice rule sets not found: {', '.join(missing)}. Invoices are issued without these checks.",
        hint=f"Set EINVOICE_RULES_DIR to a folder holding the official rule files (now {settings.EINVOICE_RULES_DIR}).",
        id="einvoice.E001" if level is checks.Error else "einvoice.W001",
    )]
