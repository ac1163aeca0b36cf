"""Photo now, details later: a receipt sent from the phone's offline queue without its amount is
kept as a draft, read in the worker, filled in where still empty, and the member is told to check
and send it. Nothing is submitted for them, nothing they typed is overwritten."""

import datetime
import uuid
from decimal import Decimal as D

import pytest

from compagnon.expenses import later
from compagnon.expenses.models import ClaimState, ExpenseClaim, ReadingState
from compagnon.notifications.models import Notification
from compagnon.ocr import engine
from compagnon.ocr.reading import Reading

from .helpers import cooperative, upload

pytestmark = pytest.mark.django_db

READ = Reading(total_incl_vat=D("12.50"), total_excl_vat=D("10.42"), vat_lines=[(D("20.00"), None, D("2.08"))],
               issue_date=datetime.date(2026, 11, 14), supplier_name="BOULANGERIE DU MARCHÉ", engine="test")


@pytest.fixture
def reads(monkeypatch):
    """The OCR engine answers at once with the bakery ticket (the real one is tested in ocr/)."""
    answer = {"reading": READ}
    monkeypatch.setattr(engine, "available", lambda: True)
    monkeypatch.setattr("compagnon.ocr.read_document", lambda data, content_type, **kw: answer["reading"])
    return answer


def send_queued(client, activity, **fields):
    data = {"kind": "receipt", "receipt": upload(), "client_key": str(uuid.uuid4()), **fields}
    return client.post(f"/activities/{activity.pk}/expenses/new/", data, HTTP_X_COMPAGNON_QUEUED="1")


def test_a_photo_sent_offline_without_its_amount_is_kept_read_and_left_for_the_member_to_send(
        client, reads, django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = send_queued(client, coop["activity"])
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["kept"] is True and "errors" not in body
    claim = ExpenseClaim.objects.get()
    assert body["url"] == f"/expenses/{claim.pk}/"
    # read in the worker: what was empty is filled in, the claim waits for the member
    assert claim.state == ClaimState.DRAFT and claim.reading_state == ReadingState.DONE
    assert claim.amount == D("12.50") and claim.supplier == "BOULANGERIE DU MARCHÉ"
    assert claim.date == datetime.date(2026, 11, 14)  # the member gave no date: the receipt's
    assert [(v.rate, v.tax_amount) for v in claim.vat_lines.all()] == [(D("20.00"), D("2.08"))]
    assert sorted(claim.reading["filled"]) == ["amount", "date", "supplier", "vat"]
    note = Notification.objects.get(user=coop["camille"].user)
    assert note.url == f"/expenses/{claim.pk}/edit/"
    # the edit page says what happened and shows the amount read
    page = client.get(note.url).content.decode()
    assert "Read from the photo" in page and 'value="12.50"' in page


def test_what_the_member_typed_or_dated_is_never_overwritten(client, reads, django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        send_queued(client, coop["activity"], date="2026-12-01", description="Pain pour l'atelier")
    claim = ExpenseClaim.objects.get()
    assert claim.reading_state == ReadingState.PENDING and claim.amount == 0
    assert "reading the photo" in client.get(f"/expenses/{claim.pk}/").content.decode()
    # meanwhile, online again, the member typed the supplier
    ExpenseClaim.objects.filter(pk=claim.pk).update(supplier="Boulangerie Martin")
    for callback in pending:
        callback()
    claim.refresh_from_db()
    assert claim.supplier == "Boulangerie Martin"  # typed: kept
    assert claim.date == datetime.date(2026, 12, 1)  # given: kept
    assert claim.amount == D("12.50")  # empty: filled
    assert claim.description == "Pain pour l'atelier"
    # read once: running the task again changes nothing
    assert later.apply_reading(claim.pk, {"total_incl_vat": "99.00"}, ReadingState.DONE) == []
    claim.refresh_from_db()
    assert claim.amount == D("12.50")


def test_the_same_queued_photo_sent_twice_is_one_claim(client, reads, django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = send_queued(client, coop["activity"], client_key=key).json()
        second = send_queued(client, coop["activity"], client_key=key).json()
    assert first["url"] == second["url"] and second["replayed"] is True
    assert ExpenseClaim.objects.count() == 1


def test_an_unreadable_photo_stays_a_draft_and_the_member_is_asked_to_type(client, reads,
                                                                           django_capture_on_commit_callbacks):
    reads["reading"] = Reading(engine="test")  # nothing found
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        send_queued(client, coop["activity"])
    claim = ExpenseClaim.objects.get()
    assert claim.reading_state == ReadingState.NOTHING and claim.amount == 0 and claim.receipt
    note = Notification.objects.get(user=coop["camille"].user)
    assert "could not be read" in note.title
    # sending it as it is is refused with the field named, nothing is lost
    answer = client.post(f"/expenses/{claim.pk}/submit/", follow=True)
    assert answer.status_code == 200
    claim.refresh_from_db()
    assert claim.state == ClaimState.DRAFT and claim.receipt


def test_a_typed_amount_that_is_wrong_is_answered_with_the_error_not_kept(client, reads):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    answer = send_queued(client, coop["activity"], amount="douze")
    assert answer.status_code == 400 and answer.json()["errors"]
    assert not ExpenseClaim.objects.exists()
    # a trip has no photo to read: refused as before
    answer = client.post(f"/activities/{coop['activity'].pk}/expenses/new/",
                         {"kind": "mileage", "client_key": str(uuid.uuid4())}, HTTP_X_COMPAGNON_QUEUED="1")
    assert answer.status_code == 400 and not ExpenseClaim.objects.exists()


def test_only_the_member_sees_a_kept_claim_html_and_api(client, reads, django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        send_queued(client, coop["activity"])
    claim = ExpenseClaim.objects.get()
    client.force_login(coop["yanis"].user)
    assert client.get(f"/expenses/{claim.pk}/").status_code == 404
    assert client.get(f"/api/v1/expense-claims/{claim.pk}/").status_code == 404
    # another member's activity cannot receive a kept photo either
    answer = send_queued(client, coop["activity"])
    assert answer.status_code in (403, 404)
    assert ExpenseClaim.objects.count() == 1


def test_the_api_keeps_a_photo_for_later(client, reads, django_capture_on_commit_callbacks):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/api/v1/expense-claims/", {"activity": coop["activity"].pk, "receipt": upload(),
                                                         "details_later": "true"})
    assert answer.status_code == 201, answer.content
    claim = ExpenseClaim.objects.get(pk=answer.json()["id"])
    assert answer.json()["reading_state"] == "pending"  # answered before the worker ran
    assert claim.reading_state == ReadingState.DONE and claim.amount == D("12.50")
    read = client.get(f"/api/v1/expense-claims/{claim.pk}/").json()
    assert read["reading_state"] == "done" and read["amount"] == "12.50" and read["state"] == "draft"
    # without a receipt, the field is named
    bad = client.post("/api/v1/expense-claims/", {"activity": coop["activity"].pk, "details_later": "true"},
                      content_type="application/json")
    assert bad.status_code == 400 and "receipt" in bad.content.decode()
