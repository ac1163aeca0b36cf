"""A member photographs a receipt on a phone without network: the claim and its photo wait on the
phone (the photo in IndexedDB), the header counts it, and it is sent by itself, once, when the
network is back — with the very file chosen.

360 × 740, French (member1's language).
"""

import hashlib
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from compagnon.expenses.models import ExpenseClaim

from .test_offline import camille, log_in, queue_count, wait_until, worker_ready

pytestmark = pytest.mark.browser


def receipt_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (230, 225, 210)).save(out, "JPEG")
    return out.getvalue()


def test_a_receipt_photographed_offline_is_sent_once_when_the_network_is_back(phone, shot):
    page = phone
    log_in(page)
    activity = camille()
    page.goto(f"/activities/{activity.pk}/expenses/new/")
    worker_ready(page)
    photo = receipt_photo()
    page.context.set_offline(True)
    page.fill("input[name=supplier]", "Jardinerie de l'Erdre")
    page.select_option("select[name=category]", "equipment")
    page.fill("input[name=amount]", "18,90")
    page.set_input_files("input[name=receipt]", files=[{"name": "ticket.jpg", "mimeType": "image/jpeg",
                                                        "buffer": photo}])
    page.locator("form[data-queue='expense'] button[name=submit]").tap()
    expect(queue_count(page)).to_be_visible()
    expect(queue_count(page)).to_contain_text("1")
    stored = page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open('compagnon-files', 1);
        open.onsuccess = () => {
            const req = open.result.transaction('files').objectStore('files').getAll();
            req.onsuccess = () => resolve(req.result.map(r => [r.name, r.blob.size]));
        };
    })""")
    assert stored == [["ticket.jpg", len(photo)]]
    assert not ExpenseClaim.objects.filter(supplier="Jardinerie de l'Erdre", receipt_name="ticket.jpg").exists()
    shot(page, "expense-offline-queued")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    claim = wait_until(lambda: ExpenseClaim.objects.filter(receipt_name="ticket.jpg").first(),
                       "the queued claim to reach the server")
    expect(queue_count(page)).to_be_hidden()
    with claim.receipt.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(photo).hexdigest()
    assert claim.receipt_name == "ticket.jpg" and str(claim.amount) == "18.90"
    assert claim.state in ("submitted", "approved")
    page.evaluate("window.CompagnonQueue.flush()")
    assert ExpenseClaim.objects.filter(receipt_name="ticket.jpg").count() == 1
    left = page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open('compagnon-files', 1);
        open.onsuccess = () => {
            const req = open.result.transaction('files').objectStore('files').count();
            req.onsuccess = () => resolve(req.result);
        };
    })""")
    assert left == 0  # the photo does not stay on the phone
    assert page.problems == []
