"""A member declares a payment received directly (cheque, cash, a transfer to them by mistake): the
invoice waits for the bank, the bank line is matched to the declaration first, the accountants
confirm cash or reject, old declarations are flagged to the advisor, reminders wait — and who may
do what."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from compagnon.audit.models import AuditEvent
from compagnon.core.signals import collections_held
from compagnon.core.tests.factories import UserFactory, member_with_activity
from compagnon.notifications.models import Notification
from compagnon.payments import declarations
from compagnon.payments.matching import match_transactions
from compagnon.payments.models import (
    Allocation,
    Declaration,
    DeclarationState,
    Method,
    PaymentSettings,
)
from compagnon.sales.models import Document, PaymentState

from .helpers import World, balance, books_are_sound, days_ago

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def declare(w, inv, amount="121.00", means="cheque", **kw):
    return declarations.declare(
        actor=w.member.user,
        document=inv,
        amount=D(amount),
        received_on=kw.pop("received_on", days_ago(1)),
        means=means,
        **kw,
    )


def fresh(inv) -> Document:
    return Document.objects.get(pk=inv.pk)


# --- declaring -------------------------------------------------------------------------------------


def test_a_member_declares_a_cheque_with_its_photo_and_the_invoice_waits_for_the_bank(client):
    w = World("BE")
    inv = w.invoice("100")  # 121.00
    client.force_login(w.member.user)
    page = client.get(f"/documents/{inv.pk}/")
    assert "The client paid me directly" in page.content.decode()
    form = client.get(f"/payments/documents/{inv.pk}/declare/")
    assert form.status_code == 200 and "121.00" in form.content.decode()
    response = client.post(
        f"/payments/documents/{inv.pk}/declare/",
        {
            "amount": "121,00",
            "received_on": days_ago(2).isoformat(),
            "means": "cheque",
            "note": "cheque 123 BNP",
            "photo": SimpleUploadedFile("cheque.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    d = Declaration.objects.get(document=inv)
    assert (d.state, d.amount, d.means, d.note, d.member) == (
        DeclarationState.OPEN,
        D("121.00"),
        "cheque",
        "cheque 123 BNP",
        w.member,
    )
    assert d.photo.name.startswith("payments/declarations/")
    assert (
        fresh(inv).payment_state == PaymentState.AWAITING and fresh(inv).paid_amount == 0
    )  # not money yet
    html = client.get(f"/documents/{inv.pk}/").content.decode()
    assert (
        "declared by you, waiting for the bank" in html
        and "The client paid me directly" not in html
    )
    photo = client.get(f"/payments/declarations/{d.pk}/photo/")
    # reading the whole file closes it (the test client closes a streamed response once read)
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG
    assert AuditEvent.objects.filter(action="payment.declared", object_id=str(inv.pk)).exists()
    assert not Allocation.objects.exists()


def test_bad_declarations_are_refused_with_a_clear_message_and_nothing_typed_is_lost(client):
    w = World("BE")
    inv = w.invoice("100")
    client.force_login(w.member.user)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/payments/documents/{inv.pk}/declare/",
        {"amount": "500", "received_on": tomorrow, "means": "cash", "note": "à la main"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "At most 121.00" in html and "cannot be in the future" in html and "à la main" in html
    bad_photo = client.post(
        f"/payments/documents/{inv.pk}/declare/",
        {
            "amount": "121",
            "received_on": days_ago(1).isoformat(),
            "means": "cheque",
            "photo": SimpleUploadedFile(
                "cheque.exe", b"MZ\x90\x00 not an image", content_type="image/jpeg"
            ),
        },
    )
    assert bad_photo.status_code == 400 and "JPEG, PNG or WebP" in bad_photo.content.decode()
    assert not Declaration.objects.exists()
    declare(w, inv)
    with pytest.raises(Exception, match="already declared"):
        declare(w, inv)
    assert Declaration.objects.count() == 1


# --- the bank line, the office, the rejection -----------------------------------------------------------


def test_the_deposit_is_matched_to_the_declaration_first_by_amount_and_reference():
    w = World("BE")
    inv, other = w.invoice("100"), w.invoice("50")
    d = declare(w, inv)
    no_reference = w.receive(
        "121.00", remittance="remise de cheques"
    )  # the amount alone is not enough
    assert match_transactions([no_reference]).to_match == 1
    assert Declaration.objects.get(pk=d.pk).state == DeclarationState.OPEN
    deposit = w.receive("121.00", remittance=f"Remise cheque {inv.number}")
    assert match_transactions([deposit]).matched == 1
    d.refresh_from_db()
    allocation = Allocation.objects.get(transaction=deposit)
    assert (
        d.state == DeclarationState.MATCHED
        and d.allocation == allocation
        and d.resolved_at is not None
    )
    assert allocation.method == Method.DECLARATION and allocation.document_id == inv.pk
    assert allocation.text.startswith("Matched to the cheque declared received on")
    assert fresh(inv).payment_state == PaymentState.PAID
    assert fresh(other).payment_state == PaymentState.AWAITING
    books_are_sound(w.entity)


def test_a_line_naming_the_invoice_with_another_amount_is_matched_as_usual():
    w = World("BE")
    inv = w.invoice("100")
    d = declare(w, inv)
    part = w.receive("21.00", remittance=f"acompte {inv.number}")
    match_transactions([part])
    assert Allocation.objects.get(transaction=part).method == Method.NUMBER
    assert fresh(inv).payment_state == PaymentState.PARTIAL
    assert (
        Declaration.objects.get(pk=d.pk).state == DeclarationState.OPEN
    )  # for the accountant to settle


def test_a_declared_deposit_alone_pays_the_invoice_in_full():
    w = World("FR")
    inv = w.invoice("100")  # 120.00
    declare(w, inv, "120.00")
    match_transactions([w.receive("120.00", remittance=f"REMISE CHQ {inv.number}")])
    assert fresh(inv).payment_state == PaymentState.PAID
    assert Declaration.objects.get().state == DeclarationState.MATCHED


def test_the_accountant_confirms_cash_at_the_office_on_the_cash_account(
    client, django_capture_on_commit_callbacks
):
    w = World("BE")
    inv = w.invoice("100")
    d = declare(w, inv, means="cash")
    client.force_login(w.accountant)
    queue = client.get(f"/payments/entities/{w.entity.pk}/declarations/").content.decode()
    assert inv.number in queue and "Cash received at the office" in queue
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/payments/declarations/{d.pk}/confirm/").status_code == 302
    d.refresh_from_db()
    assert d.state == DeclarationState.CONFIRMED and d.allocation.method == Method.CASH
    assert d.allocation.transaction_id is None and d.allocation.date == d.received_on
    assert fresh(inv).payment_state == PaymentState.PAID
    assert balance(w.entity, "cash") == D("121.00")
    assert balance(w.entity, "receivable") == 0  # issued, then paid in cash
    books_are_sound(w.entity)
    assert Notification.objects.filter(
        user=w.member.user, title="Cash received at the office"
    ).exists()


def test_a_cheque_is_not_confirmed_at_the_office_and_a_rejection_is_read_by_the_member(
    client, django_capture_on_commit_callbacks
):
    w = World("BE")
    inv = w.invoice("100")
    d = declare(w, inv)
    with pytest.raises(Exception, match="Only cash"):
        declarations.confirm_cash(actor=w.accountant, declaration=d)
    client.force_login(w.accountant)
    client.post(f"/payments/declarations/{d.pk}/reject/", {"reason": ""})
    assert Declaration.objects.get(pk=d.pk).state == DeclarationState.OPEN  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/payments/declarations/{d.pk}/reject/", {"reason": "No cheque received at the office"}
        )
    d.refresh_from_db()
    assert d.state == DeclarationState.REJECTED and d.resolved_by == w.accountant
    client.force_login(w.member.user)
    html = client.get(f"/documents/{inv.pk}/").content.decode()
    assert (
        "No cheque received at the office" in html and "The client paid me directly" in html
    )  # may declare again
    assert Notification.objects.filter(
        user=w.member.user, body__contains="No cheque received"
    ).exists()
    assert fresh(inv).payment_state == PaymentState.AWAITING


# --- reminders wait; old declarations are flagged ---------------------------------------------------------


def test_reminders_of_an_invoice_with_an_open_declaration_wait():
    from compagnon.dunning.models import AutomatedAction

    w = World("BE")
    inv, other = w.invoice("100"), w.invoice("50")
    d = declare(w, inv)
    held = set(Document.objects.filter(collections_held("pk")).values_list("pk", flat=True))
    assert held == {inv.pk}
    assert (
        list(AutomatedAction.objects.filter(collections_held("document"))) == []
    )  # a condition, no action yet
    declarations.reject(actor=w.accountant, declaration=d, reason="no")
    assert not Document.objects.filter(collections_held("pk")).exists()
    assert other.pk not in held


def test_the_daily_run_leaves_the_reminder_of_a_declared_invoice_for_later(
    django_capture_on_commit_callbacks,
):
    from compagnon.core.tests.factories import staff
    from compagnon.dunning import daily
    from compagnon.dunning import services as dunning
    from compagnon.dunning.models import AutomatedAction

    w = World("FR")
    inv = w.invoice("100")
    Document.objects.filter(pk=inv.pk).update(due_date=days_ago(30))
    with django_capture_on_commit_callbacks(execute=True):
        dunning.create_default_plan(actor=staff("admin", w.entity), entity=w.entity)
    actions = set(AutomatedAction.objects.filter(document_id=inv.pk).values_list("id", flat=True))
    far = timezone.localdate() + datetime.timedelta(days=365)
    assert actions & set(daily.select_due(far))
    d = declare(w, inv, "120.00")
    assert not actions & set(daily.select_due(far))
    declarations.reject(actor=w.accountant, declaration=d, reason="bounced")
    assert actions & set(daily.select_due(far))


def test_an_old_declaration_is_flagged_to_the_advisor_once(client):
    w = World("BE")
    advisor = UserFactory()
    w.member.advisor = advisor
    w.member.save(update_fields=["advisor"])
    PaymentSettings.objects.create(entity=w.entity, declaration_alert_days=5)
    old, recent = w.invoice("100"), w.invoice("10")
    d_old, d_recent = declare(w, old), declare(w, recent, "12.10")
    Declaration.objects.filter(pk=d_old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=6)
    )
    assert declarations.flag_old() == 1
    assert declarations.flag_old() == 0  # idempotent
    note = Notification.objects.get(user=advisor)
    assert old.number in note.body and note.url == f"/documents/{old.pk}/"
    assert Declaration.objects.get(pk=d_recent.pk).flagged_at is None
    client.force_login(w.accountant)
    html = client.get(f"/payments/entities/{w.entity.pk}/declarations/").content.decode()
    assert "flagged" in html and "after 5 days" in html


def test_without_a_setting_the_flag_comes_after_15_days():
    w = World("BE")
    d = declare(w, w.invoice("100"))
    Declaration.objects.filter(pk=d.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=14)
    )
    assert declarations.flag_old() == 0
    Declaration.objects.filter(pk=d.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=15)
    )
    assert declarations.flag_old() == 1


# --- who may do what (HTML and API) ---------------------------------------------------------------------


def test_only_the_members_of_the_activity_declare_and_see_declarations(client):
    w = World("BE")
    inv = w.invoice("100")
    d = declare(w, inv)
    stranger, _activity = member_with_activity(office=w.member.office)
    client.force_login(stranger.user)
    assert client.get(f"/payments/documents/{inv.pk}/declare/").status_code == 404
    assert client.post(f"/payments/documents/{inv.pk}/declare/", {"amount": "1"}).status_code == 404
    assert client.get(f"/payments/declarations/{d.pk}/photo/").status_code == 404
    assert (
        client.post(
            "/api/v1/payments/declarations/",
            {
                "document": inv.pk,
                "amount": "1.00",
                "received_on": days_ago(1).isoformat(),
                "means": "cash",
            },
        ).status_code
        == 404
    )
    assert client.get("/api/v1/payments/declarations/").json()["results"] == []
    assert client.get(f"/api/v1/payments/declarations/{d.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/payments/declarations/{d.pk}/reject/", {"reason": "x"}).status_code
        == 404
    )
    # the member is no accountant: the queue and the staff actions are closed
    client.force_login(w.member.user)
    assert client.get(f"/payments/entities/{w.entity.pk}/declarations/").status_code in (403, 404)
    assert client.post(f"/payments/declarations/{d.pk}/reject/", {"reason": "x"}).status_code == 404
    assert client.post(f"/api/v1/payments/declarations/{d.pk}/confirm/").status_code == 404
    # an accountant sees the invoice but does not declare for the member
    client.force_login(w.accountant)
    assert client.get(f"/payments/documents/{inv.pk}/declare/").status_code == 403


def test_accountants_of_another_entity_get_404():
    from django.test import Client

    w, other = World("BE"), World("BE")
    d = declare(w, w.invoice("100"), means="cash")
    c = Client()
    c.force_login(other.accountant)
    assert c.get(f"/payments/entities/{w.entity.pk}/declarations/").status_code == 404
    assert c.post(f"/payments/declarations/{d.pk}/confirm/").status_code == 404
    assert c.post(f"/api/v1/payments/declarations/{d.pk}/confirm/").status_code == 404
    assert c.get("/api/v1/payments/declarations/").json()["results"] == []
    assert Declaration.objects.get(pk=d.pk).state == DeclarationState.OPEN


def test_the_api_declares_with_a_photo_then_the_accountant_confirms_or_rejects(client):
    w = World("BE")
    cash, cheque = w.invoice("100"), w.invoice("10")
    client.force_login(w.member.user)
    response = client.post(
        "/api/v1/payments/declarations/",
        {
            "document": cash.pk,
            "amount": "121.00",
            "received_on": days_ago(1).isoformat(),
            "means": "cash",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "open" and response.json()["document_number"] == cash.number
    response = client.post(
        "/api/v1/payments/declarations/",
        {
            "document": cheque.pk,
            "amount": "12.10",
            "received_on": days_ago(1).isoformat(),
            "means": "cheque",
            "photo": SimpleUploadedFile(
                "c.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png"
            ),
        },
    )
    assert response.status_code == 201 and response.json()["has_photo"] is True
    too_much = client.post(
        "/api/v1/payments/declarations/",
        {
            "document": cheque.pk,
            "amount": "12.10",
            "received_on": days_ago(1).isoformat(),
            "means": "cheque",
        },
    )
    assert too_much.status_code == 400 and "already declared" in str(too_much.json())
    ids = {
        r["document"]: r["id"]
        for r in client.get("/api/v1/payments/declarations/?state=open").json()["results"]
    }
    assert set(ids) == {cash.pk, cheque.pk}
    client.force_login(w.accountant)
    assert (
        client.post(f"/api/v1/payments/declarations/{ids[cash.pk]}/confirm/").json()["state"]
        == "confirmed"
    )
    rejected = client.post(
        f"/api/v1/payments/declarations/{ids[cheque.pk]}/reject/",
        {"reason": "bounced"},
        content_type="application/json",
    )
    assert (
        rejected.json()["state"] == "rejected" and rejected.json()["rejection_reason"] == "bounced"
    )
    assert (
        fresh(cash).payment_state == PaymentState.PAID
        and fresh(cheque).payment_state == PaymentState.AWAITING
    )


def test_the_queue_reads_a_constant_number_of_queries(client):
    w = World("BE")
    client.force_login(w.accountant)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/payments/entities/{w.entity.pk}/declarations/").status_code == 200
        return len(captured.captured_queries)

    declare(w, w.invoice("100"))
    one = count()
    for net in ("10", "20", "30"):
        declare(w, w.invoice(net), D(net) * D("1.21"))
    assert count() == one


def test_the_panel_speaks_french_and_dutch():
    from django.template import Context, Template
    from django.test import RequestFactory

    w = World("BE")
    inv = w.invoice("100")
    declare(w, inv)
    request = RequestFactory().get("/")
    request.user = w.member.user
    for language, words in (
        ("fr", "déclaré par vous, en attente de la banque"),
        ("nl", "door u gemeld, wacht op de bank"),
    ):
        with translation.override(language):
            html = Template("{% load payments_tags %}{% payment_panel document %}").render(
                Context({"request": request, "document": fresh(inv)})
            )
        assert words in html, language


def test_the_document_page_reads_declarations_in_a_constant_number_of_queries(client):
    w = World("BE")
    inv = w.invoice("100")
    client.force_login(w.member.user)

    def count():
        client.get(f"/documents/{inv.pk}/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/documents/{inv.pk}/").status_code == 200
        return len(captured.captured_queries)

    declare(w, inv)
    one = count()
    for _ in range(3):
        declarations.reject(
            actor=w.accountant, declaration=Declaration.objects.get(state="open"), reason="no"
        )
        declare(w, inv)
    assert count() == one
    print(f"document page: {one} queries")
