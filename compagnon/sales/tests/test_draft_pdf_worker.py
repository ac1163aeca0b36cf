"""A draft's PDF is rendered by the task worker, once per content: the member who downloads it sees
the HTML preview meanwhile, which reloads itself into the PDF; asking again costs no render; no
worker at all only delays it (docs/decisions/0016-draft-pdf-cache.md)."""

from unittest import mock

import pytest
from django.core.cache import caches

from compagnon.core.cache_url import PREVIEWS
from compagnon.core.tests.factories import member_with_activity
from compagnon.sales import pdf_cache, services, tasks
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import Document
from compagnon.sales.pdf import render_pdf

from .factories import ClientFactory, draft, issued_invoice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def renders():
    with mock.patch.object(pdf_cache, "render_pdf", wraps=render_pdf) as spy:
        yield spy


@pytest.fixture
def worker(settings):
    """A task backend that keeps jobs until the test runs them, as the worker process would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = tasks.render_draft_pdf.get_backend()

    def jobs():
        return [r for r in backend.results if r.task.name == "render_draft_pdf"]

    def run_all():
        for job in jobs():
            tasks.render_draft_pdf.call(**job.kwargs)
        backend.clear()

    return jobs, run_all


@pytest.fixture
def quote(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return draft(member, activity, ClientFactory(activity=activity), title="Spring maintenance")


def pdf_of(client, document):
    return client.get(f"/documents/{document.pk}/pdf/")


def test_the_member_sees_the_preview_while_the_worker_renders_then_the_pdf(client, quote, worker, renders):
    jobs, run_all = worker
    waiting = pdf_of(client, quote)
    assert waiting.status_code == 200 and waiting["Content-Type"].startswith("text/html")
    page = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Spring maintenance" in page  # the draft itself, as it will print
    assert "The PDF is being prepared and opens by itself in a moment." in page
    assert waiting["Cache-Control"] == "no-store"
    assert renders.call_count == 0 and len(jobs()) == 1

    again = pdf_of(client, quote)  # the page reloading itself before the worker is done
    assert again["Content-Type"].startswith("text/html")
    assert len(jobs()) == 1, "one job per content, however often the page reloads"

    run_all()
    assert renders.call_count == 1
    ready = pdf_of(client, quote)
    assert ready["Content-Type"] == "application/pdf" and ready.content.startswith(b"%PDF-")
    assert pdf_of(client, quote).content == ready.content
    assert renders.call_count == 1, "the same content asked again renders nothing"
    assert not jobs()


def test_a_changed_draft_is_rendered_once_more(client, quote, worker, renders):
    jobs, run_all = worker
    pdf_of(client, quote)
    run_all()
    services.save_draft(actor=quote.created_by, document=quote, title="Autumn maintenance")
    assert pdf_of(client, quote)["Content-Type"].startswith("text/html")
    run_all()
    assert pdf_of(client, quote)["Content-Type"] == "application/pdf"
    assert renders.call_count == 2


def test_the_worker_renders_the_draft_as_it_is_when_it_gets_to_it(client, quote, worker, renders):
    jobs, run_all = worker
    pdf_of(client, quote)
    services.save_draft(actor=quote.created_by, document=quote, title="Autumn maintenance")
    run_all()  # the job was asked for the spring title; the member has typed since
    response = pdf_of(client, quote)
    assert response["Content-Type"] == "application/pdf"
    assert renders.call_count == 1 and not jobs()


def test_without_a_worker_the_web_process_renders_it_after_a_while(client, quote, worker, renders):
    jobs, _run_all = worker
    assert pdf_of(client, quote)["Content-Type"].startswith("text/html")
    later = pdf_cache.time.time() + pdf_cache.FALLBACK_AFTER + 1
    with mock.patch.object(pdf_cache.time, "time", return_value=later):
        response = pdf_of(client, quote)
    assert response["Content-Type"] == "application/pdf"
    assert renders.call_count == 1 and len(jobs()) == 1


def test_an_issued_draft_is_not_rendered_by_the_preview_job(client, worker, renders):
    member, activity = member_with_activity()
    invoice = issued_invoice(member, activity, ClientFactory(activity=activity))
    assert tasks.render_draft_pdf.call(document_id=invoice.pk) == ""
    assert renders.call_count == 0


def test_another_member_gets_404_and_asks_nothing_of_the_worker(client, quote, worker, renders):
    jobs, _run_all = worker
    other, _theirs = member_with_activity()
    client.force_login(other.user)
    assert pdf_of(client, quote).status_code == 404
    assert not jobs() and renders.call_count == 0


def test_the_job_fills_the_key_the_page_reads(quote, worker):
    document = Document.objects.get(pk=quote.pk)
    digest = pdf_cache.content_digest(document, snapshot(document, freeze_logo=False))
    assert tasks.render_draft_pdf.call(document_id=quote.pk) == digest
    assert caches[PREVIEWS].get(f"pdf:{digest}").startswith(b"%PDF-")
