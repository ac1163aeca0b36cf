"""A draft's PDF is rendered once per content: asked again unchanged it comes from the preview cache
(or a 304), and any change a member makes renders it again."""

import io
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from compagnon.core.cache_url import PREVIEWS, caches_from_url
from compagnon.core.tests.factories import api_token_for, member_with_activity
from compagnon.sales import pdf_cache, services
from compagnon.sales.freeze import snapshot
from compagnon.sales.models import Document, Kind
from compagnon.sales.pdf import render_pdf

from .factories import GARDEN_LINES, ClientFactory, draft, issued_invoice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings(
        "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
    ),
]


@pytest.fixture
def renders():
    """Counts the real renderer's calls."""
    with mock.patch.object(pdf_cache, "render_pdf", wraps=render_pdf) as spy:
        yield spy


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    customer = ClientFactory(activity=activity)
    client.force_login(member.user)
    return member, activity, customer


def pdf_of(client, document, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/documents/{document.pk}/pdf/", headers=headers)


def png(color) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def test_a_draft_asked_twice_is_rendered_once(client, gardener, renders):
    member, activity, customer = gardener
    quote = draft(member, activity, customer, title="Spring maintenance")
    first = pdf_of(client, quote)
    second = pdf_of(client, quote)
    assert first.status_code == second.status_code == 200
    assert first.content.startswith(b"%PDF-") and second.content == first.content
    assert second["Content-Type"] == "application/pdf"
    assert second["Content-Disposition"] == f'inline; filename="quote-draft-{quote.pk}.pdf"'
    assert renders.call_count == 1


def test_every_change_to_a_draft_renders_it_again(client, gardener, renders):
    member, activity, customer = gardener
    invoice = draft(member, activity, customer, kind=Kind.INVOICE)
    tags = {pdf_of(client, invoice)["ETag"]}

    more = [
        *GARDEN_LINES,
        {
            "description": "Lawn mowing",
            "quantity": D("2"),
            "unit": "HUR",
            "unit_price": D("30"),
            "vat_category": "S",
            "vat_rate": D("20"),
        },
    ]
    services.save_draft(actor=member.user, document=invoice, lines=more)
    tags.add(pdf_of(client, invoice)["ETag"])

    customer.street = "12 quai de la Fosse"  # the client moved
    customer.save()
    tags.add(pdf_of(client, invoice)["ETag"])

    services.save_draft(actor=member.user, document=invoice, language="nl")
    tags.add(pdf_of(client, invoice)["ETag"])

    activity.logo.save("logo.png", png("green"))
    tags.add(pdf_of(client, invoice)["ETag"])
    activity.logo.save("logo.png", png("blue"))  # a new logo under the same file name
    tags.add(pdf_of(client, invoice)["ETag"])

    assert len(tags) == 6 and renders.call_count == 6
    pdf_of(client, invoice)  # and the last version, unchanged, is not rendered again
    assert renders.call_count == 6


def test_a_browser_asking_again_gets_304_without_a_render_nor_a_cache_read(
    client, gardener, renders
):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    first = pdf_of(client, quote)
    etag = first["ETag"]
    assert etag.startswith('W/"') and "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as cached:
        assert pdf_of(client, quote).status_code == 200
    with CaptureQueriesContext(connection) as revalidated:
        again = pdf_of(client, quote, etag=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert renders.call_count == 1
    # the same reads as the cached answer (session, user, the document and what it prints),
    # less the one that reads the PDF from the cache
    assert len(revalidated) == len(cached) - 1
    assert not any("_pdf_previews" in q["sql"] for q in revalidated)
    services.save_draft(actor=member.user, document=quote, title="Autumn maintenance")
    assert pdf_of(client, quote, etag=etag).status_code == 200
    assert renders.call_count == 2


def test_the_cached_answer_costs_a_fixed_number_of_queries(client, gardener, renders):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    pdf_of(client, quote)
    with CaptureQueriesContext(connection) as small:
        pdf_of(client, quote)
    lines = [{**GARDEN_LINES[1], "description": f"Visit {n}"} for n in range(20)]
    services.save_draft(actor=member.user, document=quote, lines=lines)
    pdf_of(client, quote)
    with CaptureQueriesContext(connection) as large:
        pdf_of(client, quote)
    # session, user, scope (2), the document and its 4 prefetches, the cache: whatever the lines
    assert len(large) == len(small) <= 10
    assert renders.call_count == 2


def test_another_member_gets_404_and_never_the_cached_pdf(client, renders):
    owner, activity = member_with_activity()
    quote = draft(owner, activity, ClientFactory(activity=activity))
    client.force_login(owner.user)
    etag = pdf_of(client, quote)["ETag"]
    other, _theirs = member_with_activity(owner.office)
    client.force_login(other.user)
    with mock.patch.object(pdf_cache, "cached_pdf", wraps=pdf_cache.cached_pdf) as reads:
        assert pdf_of(client, quote).status_code == 404
        assert pdf_of(client, quote, etag=etag).status_code == 404
        auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(other.user)}"}
        api = client.get(f"/api/v1/documents/{quote.pk}/pdf/", HTTP_IF_NONE_MATCH=etag, **auth)
        assert api.status_code == 404
    assert reads.call_count == 0 and renders.call_count == 1


def test_the_api_serves_the_same_cached_draft_pdf_and_304(client, gardener, renders):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    page = pdf_of(client, quote)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(member.user)}"}
    api = client.get(f"/api/v1/documents/{quote.pk}/pdf/", **auth)
    assert api.status_code == 200 and api.content == page.content and api["ETag"] == page["ETag"]
    again = client.get(f"/api/v1/documents/{quote.pk}/pdf/", HTTP_IF_NONE_MATCH=api["ETag"], **auth)
    assert again.status_code == 304
    assert renders.call_count == 1


def test_an_issued_document_still_serves_its_archived_pdf(client, gardener, renders):
    member, activity, customer = gardener
    invoice = issued_invoice(member, activity, customer)
    invoice.pdf.save("archived.pdf", ContentFile(b"%PDF-1.7 archived"))
    response = pdf_of(client, invoice)
    assert b"".join(response.streaming_content) == b"%PDF-1.7 archived"
    assert "ETag" not in response and renders.call_count == 0


def digest_of(document) -> str:
    """The preview cache's key for the document as the page reads it."""
    document = Document.objects.get(pk=document.pk)
    return pdf_cache.content_digest(document, snapshot(document, freeze_logo=False))


def test_a_request_meeting_a_render_in_progress_waits_for_its_pdf(client, gardener, renders):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    digest = digest_of(quote)
    cache = caches[PREVIEWS]
    assert cache.add(f"pdf:{digest}:lock", 1, 30)  # another worker is rendering this content

    def other_worker_finishes(_seconds):
        cache.set(f"pdf:{digest}", b"%PDF-1.7 rendered by the other worker")

    with mock.patch.object(pdf_cache.time, "sleep", side_effect=other_worker_finishes) as waits:
        response = pdf_of(client, quote)
    assert response.content == b"%PDF-1.7 rendered by the other worker"
    assert waits.call_count == 1 and renders.call_count == 0


def test_a_stuck_render_elsewhere_only_delays_the_pdf(client, gardener, renders, monkeypatch):
    member, activity, customer = gardener
    quote = draft(member, activity, customer)
    digest = digest_of(quote)
    caches[PREVIEWS].add(f"pdf:{digest}:lock", 1, 30)
    monkeypatch.setattr(pdf_cache, "LOCK_WAIT", 0)
    response = pdf_of(client, quote)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert renders.call_count == 1


def test_previews_live_apart_from_the_rate_limits():
    for url in ("", "db://my_cache"):
        caches = caches_from_url(url)
        assert caches[PREVIEWS]["LOCATION"] != caches["default"]["LOCATION"]
        assert caches[PREVIEWS]["TIMEOUT"] == 24 * 3600
    redis = caches_from_url("redis://127.0.0.1:6379/0", redis_available=True)
    assert redis[PREVIEWS]["KEY_PREFIX"] and not redis["default"].get("KEY_PREFIX")
