"""A member photographs a receipt: the photo is read in the background and the form is filled
with what was read, for the member to check; a Factur-X invoice is read at once and comes first."""

import datetime
from decimal import Decimal as D

import pytest

from compagnon.expenses import receipts
from compagnon.ocr import engine, jobs
from compagnon.ocr.models import JobState, ReadingJob
from compagnon.ocr.reading import Reading

from .helpers import cooperative, jpeg, upload

pytestmark = pytest.mark.django_db

READ = Reading(total_incl_vat=D("12.50"), total_excl_vat=D("10.42"), vat_lines=[(D("20.00"), None, D("2.08"))],
               issue_date=datetime.date(2026, 11, 14), supplier_name="BOULANGERIE DU MARCHÉ", engine="test")


@pytest.fixture
def fake_engine(monkeypatch):
    """The OCR engine answers at once with the bakery ticket (the real one is tested in ocr/)."""
    calls = []
    monkeypatch.setattr(engine, "available", lambda: True)

    def read(data, content_type, *, timeout=None):
        calls.append(content_type)
        return READ

    monkeypatch.setattr("compagnon.ocr.read_document", read)
    return calls


def suggest(client, activity, data, name="receipt.jpg", content_type="image/jpeg"):
    return client.post(f"/activities/{activity.pk}/expenses/suggest/", {"receipt": upload(data, name, content_type)})


def test_a_photo_is_read_in_the_background_and_its_reading_polled(client, fake_engine,
                                                                   django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = suggest(client, coop["activity"], jpeg(3000, 4000)).json()
    assert answer["suggestion"] is None and answer["off"] is False
    assert fake_engine == ["image/jpeg"]  # the photo was scaled down to a JPEG before it was stored
    polled = client.get(answer["reading"])
    assert polled.status_code == 200 and polled["Cache-Control"] == "private, no-store"
    reading = polled.json()
    assert reading["state"] == "done"
    assert reading["reading"]["total_incl_vat"] == "12.50"
    assert reading["reading"]["issue_date"] == "2026-11-14"
    assert reading["reading"]["vat_lines"] == [{"rate": "20.00", "base": None, "vat": "2.08"}]
    job = ReadingJob.objects.get()
    assert not job.file  # only what was read is kept, not the photo
    # another member cannot read it
    client.force_login(coop["yanis"].user)
    assert client.get(answer["reading"]).status_code == 404


def test_until_the_worker_has_read_it_the_reading_is_pending(client, fake_engine):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    answer = suggest(client, coop["activity"], jpeg()).json()  # the commit hook (enqueue) does not run
    assert client.get(answer["reading"]).json() == {"state": "pending", "reading": None}


def test_the_reading_task_is_idempotent(fake_engine, django_capture_on_commit_callbacks):
    from compagnon.ocr import tasks

    coop = cooperative()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(user=coop["camille"].user, data=jpeg(), content_type="image/jpeg", purpose="expenses")
    assert len(fake_engine) == 1
    assert tasks.read_job.call(job_id=str(job.pk)) == JobState.DONE
    assert len(fake_engine) == 1


def test_a_factur_x_invoice_comes_first_and_is_not_sent_to_ocr(client, fake_engine, monkeypatch):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    monkeypatch.setattr(receipts, "facturx_suggestion", lambda data, name="": {"date": "2026-11-02", "amount": "60.00"})
    answer = suggest(client, coop["activity"], b"%PDF-1.7 facturx", "invoice.pdf", "application/pdf").json()
    assert answer["suggestion"]["amount"] == "60.00" and answer["reading"] is None
    assert not ReadingJob.objects.exists() and fake_engine == []


def test_without_an_ocr_engine_the_form_says_photos_are_not_read(client, settings):
    settings.OCR_ENABLED = False
    coop = cooperative()
    client.force_login(coop["camille"].user)
    answer = suggest(client, coop["activity"], jpeg()).json()
    assert answer == {"suggestion": None, "reading": None, "off": True}
    assert not ReadingJob.objects.exists()
    page = client.get(f"/activities/{coop['activity'].pk}/expenses/new/").content.decode()
    assert "Photos are not read automatically on this server" in page


def test_the_form_tells_photos_are_read_when_the_engine_is_there(client, fake_engine):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    page = client.get(f"/activities/{coop['activity'].pk}/expenses/new/").content.decode()
    assert "are read from the photo or the PDF" in page and "Fields you have typed in are never changed" in page


def test_nobody_reads_receipts_for_an_activity_they_do_not_work_in(client, fake_engine):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    assert suggest(client, coop["yanis_activity"], jpeg()).status_code == 404
    assert not ReadingJob.objects.exists()


def test_a_file_that_is_not_a_receipt_is_not_read(client, fake_engine):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    answer = suggest(client, coop["activity"], b"GIF89a not a receipt", "x.gif", "image/gif").json()
    assert answer["reading"] is None and not ReadingJob.objects.exists()


def test_through_the_api_a_photo_is_read_and_polled(client, fake_engine, django_capture_on_commit_callbacks):
    from compagnon.core.tests.factories import api_token_for

    coop = cooperative()
    camille = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['camille'].user)}"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/v1/expense-receipt-reading/", {"receipt": upload(jpeg())}, **camille).json()
    assert answer["suggestion"] is None and answer["off"] is False
    polled = client.get(f"/api/v1/receipt-readings/{answer['reading']}/", **camille).json()
    assert polled["state"] == "done"
    assert polled["reading"]["total_incl_vat"] == "12.50" and polled["reading"]["supplier_name"] == READ.supplier_name
    yanis = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['yanis'].user)}"}
    assert client.get(f"/api/v1/receipt-readings/{answer['reading']}/", **yanis).status_code == 404
