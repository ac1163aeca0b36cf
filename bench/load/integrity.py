"""After a stage: wait for the task worker, then check what the load left in the database.

* **numbering**: for every ``DocumentCounter`` of invoices and credit notes (entity, series, year),
  the numbered documents carry exactly the sequences 1…last, each once, all issued;
* **every document issued during the stage is complete**: frozen snapshot, e-invoice validated and
  archived, one ledger entry, the archived PDF in storage with the SHA-256 recorded for it;
* ``manage.py check_books`` passes (every entity);
* **the issue count**: documents issued during the stage = issue requests locust saw succeed. An
  issue whose answer never arrived (a killed web instance, a 502) may or may not have committed: it
  is counted apart as "unknown outcome" and the check allows it.

Runs in the orchestrator with Django set up (development settings) on the bench database.
"""

from __future__ import annotations

import hashlib
import io
import time

LEGAL = ("invoice", "deposit", "credit_note")
LEGAL_SERIES = ("invoice", "credit_note")  # sales.models.SERIES of the legal kinds (deposits share "invoice")


def snapshot() -> dict:
    from django.db.models import Max
    from django.utils import timezone

    from compagnon.sales.models import Document

    return {
        "max_id": Document.objects.aggregate(m=Max("id"))["m"] or 0,
        "issued": Document.objects.filter(kind__in=LEGAL, state="issued").count(),
        "at": timezone.now(),
    }


def _new_issued(since: dict):
    from django.utils import timezone

    from compagnon.sales.models import Document

    # not after now: seed_scale dates some of today's invoices later today (07:00), which a run
    # before that hour would take for documents issued during the stage (with no e-invoice)
    return Document.objects.filter(kind__in=LEGAL, state="issued", issued_at__gte=since["at"],
                                   issued_at__lte=timezone.now())


def drain(since: dict, timeout: float, log=print) -> dict:
    """Wait (at most ``timeout`` s) until every document issued since ``since`` has its archived
    PDF and the queue holds no ready or running task."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    last_report = started
    while True:
        close_old_connections()
        missing = _new_issued(since).filter(pdf="").count()
        queued = DBTaskResult.objects.ready().count() + DBTaskResult.objects.running().count()
        if not missing and not queued:
            break
        now = time.perf_counter()
        if now - started > timeout:
            break
        if now - last_report > 15:
            log(f"  waiting for the worker: {missing} PDFs to archive, {queued} tasks queued or running")
            last_report = now
        time.sleep(1.0)
    failed = DBTaskResult.objects.failed().filter(enqueued_at__gte=since["at"])
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "pdfs_missing": missing,
        "tasks_left": queued,
        "tasks_failed": failed.count(),
        "failed_examples": [f"{r.task_path}: {r.exception_class_path}" for r in failed[:5]],
    }


def numbering() -> list[str]:
    from compagnon.sales.models import Document, DocumentCounter

    problems = []
    legal = DocumentCounter.objects.filter(series__in=LEGAL_SERIES).order_by("entity_id", "series", "year")
    for counter in legal:
        rows = list(
            Document.objects.filter(entity_id=counter.entity_id, series=counter.series, year=counter.year,
                                    sequence__isnull=False)
            .order_by("sequence").values_list("sequence", "state")
        )
        sequences = [s for s, _ in rows]
        if sequences != list(range(1, counter.last + 1)):
            have = set(sequences)
            gaps = [n for n in range(1, counter.last + 1) if n not in have][:5]
            dupes = sorted({s for s in sequences if sequences.count(s) > 1})[:5]
            beyond = [s for s in sequences if s > counter.last][:5]
            problems.append(f"{counter}: {len(sequences)} numbered, gaps {gaps}, duplicates {dupes}, beyond {beyond}")
        problems += [f"{counter}: number {s} is {state}" for s, state in rows if state != "issued"][:5]
    return problems


def complete(since: dict) -> tuple[int, list[str]]:
    """Every legal document issued since ``since``: frozen, e-invoice, entry, PDF (checked)."""
    from django.core.files.storage import default_storage

    from compagnon.ledger.models import Entry

    docs = list(_new_issued(since).select_related("einvoice").prefetch_related("vat_breakdown"))
    entries = {}
    for source_id in Entry.objects.filter(source_type="sales.document", kind="issue",
                                          source_id__in=[d.pk for d in docs]).values_list("source_id", flat=True):
        entries[source_id] = entries.get(source_id, 0) + 1
    problems = []
    for d in docs:
        label = d.number or f"document {d.pk}"
        if not d.frozen:
            problems.append(f"{label}: no frozen snapshot")
        try:
            e = d.einvoice
        except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
            e = None
        if e is None:
            problems.append(f"{label}: no e-invoice")
        elif not e.passed or e.archived_at is None:
            problems.append(f"{label}: e-invoice passed={e.passed}, archived={e.archived_at is not None}")
        moves = any(v.taxable_amount or v.tax_amount for v in d.vat_breakdown.all()) or bool(d.prepaid)
        if entries.get(d.pk, 0) != (1 if moves else 0):
            problems.append(f"{label}: {entries.get(d.pk, 0)} ledger entries")
        if not d.pdf or not d.pdf_sha256:
            problems.append(f"{label}: no archived PDF")
            continue
        try:
            with default_storage.open(d.pdf.name, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            problems.append(f"{label}: archived PDF unreadable ({type(exc).__name__})")
            continue
        if digest != d.pdf_sha256:
            problems.append(f"{label}: archived PDF does not match its SHA-256")
    return len(docs), problems


def check_books() -> tuple[bool, str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command("check_books", stdout=out, max_shown=5)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def run(since: dict, *, issued_ok: int, issue_unknown: int, drain_timeout: float, log=print) -> dict:
    from django.db import close_old_connections

    waited = drain(since, drain_timeout, log=log)
    close_old_connections()
    added = snapshot()["issued"] - since["issued"]
    n, incomplete = complete(since)
    gaps = numbering()
    books_ok, books_out = check_books()
    count_ok = issued_ok <= added <= issued_ok + issue_unknown
    return {
        "worker": waited,
        "issued_added": added,
        "issued_checked": n,
        "issue_requests_ok": issued_ok,
        "issue_requests_unknown": issue_unknown,
        "count_ok": count_ok,
        "incomplete": incomplete,
        "numbering": gaps,
        "check_books_ok": books_ok,
        "check_books_output": books_out.strip().splitlines()[-12:],
        "ok": count_ok and not incomplete and not gaps and books_ok and not waited["tasks_failed"],
    }
