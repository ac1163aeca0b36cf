"""The workflow's pages and API: the member enters and approves from the phone, the reviewer and
the accountant act, everyone else gets 404 (invisible) or 403 (visible, not theirs to change)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.core.tests.factories import (
    OfficeFactory,
    advisor_of,
    api_token_for,
    member_with_activity,
)
from compagnon.payouts import services as payouts
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow
from compagnon.purchases.models import SupplierInvoiceState

from .workflow_helpers import cooperative, paper_invoice, photo

pytestmark = pytest.mark.django_db
S = SupplierInvoiceState


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


def test_member_photographs_completes_and_approves_on_pages(client):
    coop = cooperative()
    client.force_login(coop["camille"].user)
    assert client.get("/purchases/").status_code == 200
    activity = coop["activity"]
    response = client.post(f"/activities/{activity.pk}/supplier-invoices/new/", {"file": photo()})
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    edit = response["Location"]
    page = client.get(edit)
    assert page.status_code == 200
    html = page.content.decode()
    assert "/view/" in html and 'capture' not in html  # the file beside the form
    form = {"supplier": coop["supplier"].pk, "category": "supplies", "kind": "invoice", "number": "F-77",
            "issue_date": "2026-01-15", "vat_rate_0": "20", "net_0": "50,00", "vat_0": "10,00", "approve": "1"}
    response = client.post(edit, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = client.get(response["Location"])
    assert "approved" in detail.content.decode().lower()
    invoice = activity.supplier_invoices.get()
    assert invoice.state == S.APPROVED and str(invoice.tax_inclusive) == "60.00"
    view = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/view/")
    assert view.status_code == 200 and view["Content-Type"] == "image/jpeg"
    b"".join(view.streaming_content)


def test_a_wrong_vat_amount_keeps_what_was_typed(client):
    coop = cooperative()
    invoice = paper_invoice(coop)
    client.force_login(coop["camille"].user)
    edit = f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}/edit/"
    response = client.post(edit, {"supplier": coop["supplier"].pk, "category": "supplies", "kind": "invoice",
                                  "number": "F-1", "issue_date": "2026-01-15", "vat_rate_0": "20",
                                  "net_0": "50.00", "vat_0": "13.00"})
    assert response.status_code == 400
    assert "13.00" in response.content.decode() and "F-1" in response.content.decode()


def test_reviewer_queue_refuse_and_the_member_reads_why(client):
    coop = cooperative()
    invoice = paper_invoice(coop, rows=[("20", "2000.00", "400.00")], approve=True)
    client.force_login(coop["advisor"])
    queue = client.get("/purchases/queue/").content.decode()
    assert invoice.number in queue
    base = f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}"
    client.post(f"{base}/refuse/", {"refuse-reason": "Please attach the delivery note."})
    invoice.refresh_from_db()
    assert invoice.state == S.REFUSED
    client.force_login(coop["camille"].user)
    assert "Please attach the delivery note." in client.get("/purchases/").content.decode()
    assert "Please attach the delivery note." in client.get(f"{base}/").content.decode()


def test_accountant_pays_from_the_due_list(client):
    coop = cooperative()
    invoice = paper_invoice(coop, days_ago=40, approve=True)
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630006000011234567890189", bic="AGRIFRPP")
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    client.force_login(coop["accountant"])
    page = client.get("/purchases/pay/").content.decode()
    assert invoice.number in page
    response = client.post("/purchases/pay/?within=7", {"batch": batch.pk, "invoices": [invoice.pk]})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.state == S.IN_BATCH
    client.force_login(coop["camille"].user)
    assert client.get("/purchases/pay/").status_code == 404


def test_other_members_and_advisors_get_404_in_pages_and_api(client):
    coop = cooperative()
    invoice = paper_invoice(coop)
    stranger, _activity = member_with_activity(coop["office"])
    other_advisor = advisor_of(OfficeFactory(entity=coop["entity"]))
    base = f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}"
    for user in (stranger.user, other_advisor):
        client.force_login(user)
        for url in (f"{base}/", f"{base}/edit/", f"{base}/view/", f"{base}/file/",
                    f"/activities/{coop['activity'].pk}/supplier-invoices/new/"):
            assert client.get(url).status_code == 404, url
        for action in ("approve", "refuse", "cancel"):
            assert client.post(f"{base}/{action}/").status_code == 404
        headers = auth(user)
        assert client.get(f"/api/v1/supplier-invoices/{invoice.pk}/", **headers).status_code == 404
        for action in ("approve", "refuse", "cancel", "details"):
            assert client.post(f"/api/v1/supplier-invoices/{invoice.pk}/{action}/", {}, **headers,
                               content_type="application/json").status_code == 404
        client.logout()
    invoice.refresh_from_db()
    assert invoice.state == S.DRAFT


def test_the_advisor_sees_but_does_not_approve_for_the_member(client):
    coop = cooperative()
    invoice = paper_invoice(coop)
    client.force_login(coop["advisor"])
    base = f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}"
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/edit/").status_code == 403
    assert client.post(f"{base}/approve/").status_code == 403
    assert client.post(f"/api/v1/supplier-invoices/{invoice.pk}/approve/", **auth(coop["advisor"])).status_code == 403


def test_suppliers_are_shared_within_the_entity_only(client):
    coop = cooperative()
    stranger, _activity = member_with_activity()  # another entity
    supplier = coop["supplier"]
    client.force_login(coop["yanis"].user)
    assert supplier.name in client.get("/purchases/suppliers/").content.decode()
    assert client.get(f"/purchases/suppliers/{supplier.pk}/").status_code == 200
    assert client.post(f"/purchases/suppliers/{supplier.pk}/", {"name": "X"}).status_code == 403
    assert client.get(f"/api/v1/suppliers/{supplier.pk}/", **auth(coop["yanis"].user)).status_code == 200
    client.force_login(stranger.user)
    assert supplier.name not in client.get("/purchases/suppliers/").content.decode()
    assert client.get(f"/purchases/suppliers/{supplier.pk}/").status_code == 404
    assert client.get(f"/api/v1/suppliers/{supplier.pk}/", **auth(stranger.user)).status_code == 404


def test_api_paper_invoice_details_approve_and_supplier_create(client):
    coop = cooperative()
    headers = auth(coop["camille"].user)
    created = client.post("/api/v1/suppliers/", {"name": "Imprimerie Loire", "country": "FR",
                                                 "company_number": "73282932000074", "iban": "FR76 3000 4000 0312 3456 7890 143"},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    assert created.json()["iban"] == "FR7630004000031234567890143"
    bad = client.post("/api/v1/suppliers/", {"name": "X", "country": "FR", "company_number": "123"},
                      content_type="application/json", **headers)
    assert bad.status_code == 400
    response = client.post("/api/v1/supplier-invoices/paper/", {"activity": coop["activity"].pk, "file": photo()},
                           **headers)
    assert response.status_code == 201 and response.json()["source"] == "paper"
    pk = response.json()["id"]
    details = client.post(f"/api/v1/supplier-invoices/{pk}/details/", {
        "supplier": created.json()["id"], "category": "advertising", "number": "IL-12", "issue_date": "2026-02-01",
        "vat": [{"rate": "20.00", "net": "300.00", "vat": "60.00"}]}, content_type="application/json", **headers)
    assert details.status_code == 200, details.json()
    approved = client.post(f"/api/v1/supplier-invoices/{pk}/approve/", **headers)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_lists_take_a_fixed_number_of_queries(client):
    coop = cooperative()
    paper_invoice(coop, approve=True)
    client.force_login(coop["camille"].user)
    client.get("/purchases/")
    with CaptureQueriesContext(connection) as few:
        client.get("/purchases/")
    for n in range(5):
        paper_invoice(coop, number=f"F-{n}", approve=n % 2 == 0)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/purchases/").status_code == 200
    assert len(more) == len(few)
    headers = auth(coop["camille"].user)
    client.get("/api/v1/supplier-invoices/", **headers)
    with CaptureQueriesContext(connection) as api:
        client.get("/api/v1/supplier-invoices/", **headers)
    paper_invoice(coop, number="F-99")
    with CaptureQueriesContext(connection) as api_more:
        client.get("/api/v1/supplier-invoices/", **headers)
    assert len(api_more) == len(api)


def test_what_was_read_from_the_photo_is_suggested_never_imposed(client, monkeypatch):
    import datetime
    from decimal import Decimal

    import compagnon.ocr
    from compagnon.ocr import Reading
    from compagnon.purchases.tasks import read_paper_invoice
    from compagnon.purchases.workflow import enter_paper_invoice

    coop = cooperative()
    reading = Reading(total_incl_vat=Decimal("36.00"), total_excl_vat=Decimal("30.00"),
                      vat_lines=[(Decimal("20"), Decimal("30.00"), Decimal("6.00"))],
                      issue_date=datetime.date(2026, 3, 2), supplier_name="PAPETERIE DURAND",
                      supplier_ids={"siren": "732829320"}, invoice_number="FA-2026-0042", iban="", text="")
    monkeypatch.setattr(compagnon.ocr, "read_document", lambda data, content_type, **kw: reading)
    invoice = enter_paper_invoice(actor=coop["camille"].user, activity=coop["activity"], uploaded_file=photo())
    assert read_paper_invoice.call(invoice_id=invoice.pk) == "done"
    client.force_login(coop["camille"].user)
    html = client.get(f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}/edit/").content.decode()
    assert "FA-2026-0042" in html and "2026-03-02" in html and "Suggested from the file" in html
    assert f'<option value="{coop["supplier"].pk}" selected' in html  # found again by its SIREN
    invoice.refresh_from_db()
    assert invoice.number == ""  # nothing is saved before the member confirms
