"""The staff matching queue and transaction page, the money page, the template tags — and who may
see what."""

from decimal import Decimal as D

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.banking.models import TransactionState
from compagnon.core.tests.factories import member_with_activity, staff
from compagnon.einvoice.tests.scenarios import business_client
from compagnon.ledger.models import Entry
from compagnon.payments import services
from compagnon.payments.matching import match_transactions
from compagnon.payments.models import Allocation, AllocationKind, Method
from compagnon.sales.models import PaymentState

from .helpers import World, balance, books_are_sound, days_ago, invoice, ogm

pytestmark = pytest.mark.django_db


def refresh(*objs):
    for o in objs:
        o.refresh_from_db()


def render(template: str, user, **context) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return Template("{% load payments_tags %}" + template).render(Context({"request": request, **context}))


# --- suggestions and manual matching ---------------------------------------------------------------


def test_suggestions_by_amount_name_and_known_iban():
    w = World("BE")
    client = w.client  # "Brasserie De Klok BV"
    other = business_client(w.activity, "BE", name="Bakkerij Peeters")
    by_amount = invoice(w.member, w.activity, other, "77")  # 93.17, only by its amount
    known = w.invoice("100")
    paid_before = w.invoice("10")
    match_transactions([w.receive(paid_before.payable, remittance=ogm(paid_before), iban="BE71096123456769")])

    t_amount = w.receive(by_amount.payable, name="Someone Else", remittance="merci")
    t_name = w.receive("10.00", name="BRASSERIE DE KLOK", remittance="voorschot")
    t_iban = w.receive("5.00", name="X", iban="BE71 0961 2345 6769")
    from compagnon.payments import selectors

    found = selectors.suggestions(w.entity, [t_amount, t_name, t_iban])
    assert [s.document for s in found[t_amount.pk]] == [by_amount]
    assert found[t_amount.pk][0].labels == ["same amount as what is still due"]
    assert [s.document for s in found[t_name.pk]] == [known]
    assert found[t_name.pk][0].labels == ["name similar to the client's"] and found[t_name.pk][0].amount == D("10.00")
    assert [s.document for s in found[t_iban.pk]] == [known]
    assert found[t_iban.pk][0].labels == ["account already used by this client"]
    assert client.name


def test_queue_shows_suggestions_and_one_tap_accepts_one(client):
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive(inv.payable, name="Brasserie De Klok", remittance="factuur")
    client.force_login(w.accountant)
    page = client.get(f"/payments/entities/{w.entity.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert inv.number in html and "same amount as what is still due" in html and "name similar" in html
    response = client.post(f"/payments/transactions/{t.pk}/accept/", {"document": inv.pk})
    assert response.status_code == 302
    refresh(inv, t)
    assert inv.payment_state == PaymentState.PAID and t.state == TransactionState.MATCHED
    allocation = Allocation.objects.get()
    assert allocation.method == Method.SUGGESTION and allocation.created_by == w.accountant
    assert allocation.text == "Matched on a suggestion: same amount as what is still due, name similar to the client's"


def test_manual_allocation_to_two_invoices_and_the_rest_as_credit(client):
    w = World("BE")
    a, b = w.invoice("100"), w.invoice("100")  # 121.00 each
    t = w.receive("200.00", name="De Klok", remittance="betaling")
    client.force_login(w.accountant)
    page = client.get(f"/payments/transactions/{t.pk}/?q={a.number}")
    assert page.status_code == 200 and a.number in page.content.decode()
    response = client.post(f"/payments/transactions/{t.pk}/allocate/", {
        "documents": [a.pk, b.pk], f"amount_{a.pk}": "121,00", f"amount_{b.pk}": "50", "rest_to_credit": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    refresh(a, b, t)
    assert (a.payment_state, b.payment_state, b.paid_amount) == (PaymentState.PAID, PaymentState.PARTIAL, D("50.00"))
    assert t.state == TransactionState.MATCHED
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    assert credit.amount == D("29.00") and credit.text == "Rest of the payment kept as the client's credit, by hand"
    assert balance(w.entity, "suspense") == 0
    books_are_sound(w.entity)


def test_manual_allocation_errors_name_the_rule_and_keep_what_was_typed(client):
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive("500.00", remittance="x")
    client.force_login(w.accountant)
    response = client.post(f"/payments/transactions/{t.pk}/allocate/", {"documents": [inv.pk], f"amount_{inv.pk}": "300"})
    assert response.status_code == 400
    assert f"At most 121.00 EUR is still due on {inv.number}." in response.content.decode()
    response = client.post(f"/payments/transactions/{t.pk}/allocate/", {"documents": [inv.pk], f"amount_{inv.pk}": "abc"})
    assert response.status_code == 400 and "is not a number" in response.content.decode()
    assert not Allocation.objects.exists()


def test_refund_of_a_client_credit_and_set_aside(client):
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive("150.00", remittance=ogm(inv))])
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    out = w.receive("-29.00", remittance="terugbetaling")
    client.force_login(w.accountant)
    assert client.post(f"/payments/transactions/{out.pk}/refund/", {"credit": credit.pk}).status_code == 302
    refresh(credit, out)
    assert credit.open_credit == 0 and out.state == TransactionState.MATCHED
    assert balance(w.entity, "suspense") == 0 and balance(w.entity, "receivable", client=w.client) == 0
    transfer = w.receive("-1000.00", remittance="interne overschrijving")
    assert client.post(f"/payments/transactions/{transfer.pk}/set-aside/", {"reason": "internal transfer"}).status_code == 302
    refresh(transfer)
    assert transfer.state == TransactionState.IGNORED
    assert "internal transfer" in AuditEvent.objects.get(action="payment.set_aside").text
    books_are_sound(w.entity)


# --- undo ---------------------------------------------------------------------------------------------


def test_reversal_restores_states_and_posts_a_reversing_entry(client):
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive("150.00", remittance=ogm(inv))
    match_transactions([t])
    paid, credit = Allocation.objects.get(kind=AllocationKind.INVOICE), Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    client.force_login(w.accountant)
    page = client.get(f"/payments/transactions/{t.pk}/")
    assert "Matched by structured communication" in page.content.decode()
    client.post(f"/payments/allocations/{credit.pk}/undo/", {"reason": "typo"})
    client.post(f"/payments/allocations/{paid.pk}/undo/", {"reason": "wrong invoice"})
    refresh(inv, t, paid, credit)
    assert (inv.payment_state, inv.paid_amount, inv.paid_at) == (PaymentState.AWAITING, 0, None)
    assert (t.state, t.allocated) == (TransactionState.UNMATCHED, 0)
    assert paid.reversed_by == w.accountant and paid.reversal_reason == "wrong invoice"
    reversal = paid.reversal_entry
    assert reversal.kind == "payment_reversal" and reversal.source_type == "payments.allocation"
    assert Entry.objects.filter(kind="payment_reversal").count() == 2
    # the money is back in suspense, the receivable owed again
    assert balance(w.entity, "suspense") == D("-150.00")
    assert balance(w.entity, "receivable", client=w.client) == inv.payable
    undone = AuditEvent.objects.get(action="payment.reversed", object_type="sales.document", object_id=str(inv.pk))
    assert "wrong invoice" in undone.text and undone.actor == w.accountant
    # and it can be matched again
    assert match_transactions([t]).matched == 1
    books_are_sound(w.entity)


def test_a_used_credit_cannot_be_undone_before_its_use():
    from django.core.exceptions import ValidationError

    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive("150.00", remittance=ogm(inv))])
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    later = w.invoice("10")
    services.use_credit(actor=w.accountant, document=later, credit=credit)
    with pytest.raises(ValidationError):
        services.reverse_allocation(actor=w.accountant, allocation=credit)
    services.reverse_allocation(actor=w.accountant, allocation=Allocation.objects.get(kind=AllocationKind.CREDIT_USE))
    services.reverse_allocation(actor=w.accountant, allocation=credit)
    refresh(later)
    assert later.payment_state == PaymentState.AWAITING
    books_are_sound(w.entity)


# --- the money page and the tags -------------------------------------------------------------------


def test_money_page_shows_due_overdue_paid_this_month_and_credits(client):
    w = World("BE")
    late, due, paid = w.invoice("100"), w.invoice("200"), w.invoice("50")
    late.__class__.objects.filter(pk=late.pk).update(due_date=days_ago(12))
    match_transactions([w.receive("80.00", remittance=ogm(paid))])  # 60.50 due: 19.50 credit
    client.force_login(w.member.user)
    response = client.get(f"/activities/{w.activity.pk}/money/")
    assert response.status_code == 200
    html = response.content.decode()
    assert late.number in html and "12 days late" in html
    assert due.number in html and paid.number in html
    assert "19.50" in html and "Clients' credits" in html
    assert "COLLECTIONS" not in html  # the placeholder is a template comment
    totals = response.context["totals"]
    assert totals["overdue"] == late.payable and totals["due"] == due.payable and totals["paid"] == D("80.00")


def test_payment_panel_and_client_behaviour_tags():
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive("21.00", remittance=ogm(inv))])
    html = render("{% payment_panel document %}", w.member.user, document=inv.__class__.objects.get(pk=inv.pk))
    assert "partially paid" in html and "Matched by structured communication" in html and "100.00" in html
    assert "Undo" not in html  # members cannot undo
    staff_html = render("{% payment_panel document %}", w.accountant, document=inv.__class__.objects.get(pk=inv.pk))
    assert "Undo" in staff_html
    inv.__class__.objects.filter(pk=inv.pk).update(due_date=days_ago(20))
    html = render("{% client_payment_behaviour client %}", w.member.user, client=w.client)
    assert "100.00" in html and "20 days late" in html


# --- who sees what ----------------------------------------------------------------------------------


def test_a_member_gets_404_on_another_members_money_and_payments(client):
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive(inv.payable, remittance=ogm(inv))])
    stranger, _activity = member_with_activity(office=w.member.office)
    client.force_login(stranger.user)
    assert client.get(f"/activities/{w.activity.pk}/money/").status_code == 404
    assert client.get(f"/documents/{inv.pk}/").status_code == 404
    assert client.get(f"/api/v1/payments/allocations/?document={inv.pk}").status_code == 404
    assert client.get("/api/v1/payments/allocations/").json()["results"] == []
    assert client.get(f"/api/v1/payments/activity-money/{w.activity.pk}/").status_code == 404
    client.force_login(w.member.user)
    assert client.get(f"/api/v1/payments/allocations/?document={inv.pk}").json()["results"][0]["explanation"].startswith(
        "Matched by structured communication")


def test_a_member_cannot_reach_the_staff_queue(client):
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive(inv.payable, remittance="?")
    client.force_login(w.member.user)
    assert client.get("/payments/").status_code == 404
    assert client.get(f"/payments/entities/{w.entity.pk}/").status_code == 403
    assert client.get(f"/payments/transactions/{t.pk}/").status_code == 404
    assert client.post(f"/payments/transactions/{t.pk}/allocate/", {"documents": [inv.pk]}).status_code == 404
    assert client.get("/api/v1/payments/transactions/").status_code == 403
    assert client.get(f"/api/v1/payments/transactions/{t.pk}/").status_code == 404
    assert client.post(f"/api/v1/payments/transactions/{t.pk}/allocate/", {}, content_type="application/json").status_code == 404
    # an advisor or a support agent of the entity does not match payments either
    for role, service in ((Role.SUPPORT, "collections"),):
        client.force_login(staff(role, w.entity, service=service))
        assert client.get(f"/payments/entities/{w.entity.pk}/").status_code == 403
    refresh(t)
    assert t.state == TransactionState.UNMATCHED


def test_the_risk_level_shows_no_other_members_data():
    """Two members of one entity invoice the same company (two clients, one company number). The
    other member's late invoices make the level, and nothing else of them shows."""
    w = World("BE")
    other, other_activity = member_with_activity(office=w.member.office)
    theirs = business_client(other_activity, "BE", name="Klok Holding Secret NV",
                             company_number=w.client.company_number, vat_number=w.client.vat_number)
    late = [invoice(other, other_activity, theirs, net) for net in ("4321.09", "1234.56", "987.65")]
    for doc in late:
        doc.__class__.objects.filter(pk=doc.pk).update(due_date=days_ago(80))
    html = render("{% client_payment_behaviour client %}", w.member.user, client=w.client)
    assert "pays very late" in html
    for secret in ("Klok Holding", "Secret", other_activity.name, *(d.number for d in late),
                   "4321", "4 321", "1234", "1 234", "987", str(other.user)):
        assert secret not in html, secret
    # the member's own figures show no trace of the other activity either
    assert "0.00" in html and "no invoice due yet" in html


def test_risk_levels():
    from compagnon.payments.selectors import RiskLevel, _level

    assert _level([0, 0]) == RiskLevel.UNKNOWN
    assert _level([0, 0, 3, 20]) == RiskLevel.ON_TIME  # one late invoice is not a habit
    assert _level([0, 20, 25, 2]) == RiskLevel.LATE
    assert _level([40, 60, 35]) == RiskLevel.VERY_LATE


def test_api_staff_lists_with_suggestions_allocates_and_reverses(client):
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive(inv.payable, name="Brasserie De Klok", remittance="?")
    client.force_login(w.accountant)
    listing = client.get(f"/api/v1/payments/transactions/?entity={w.entity.pk}").json()
    row = listing["results"][0]
    assert row["id"] == t.pk and row["suggestions"][0]["number"] == inv.number
    bad = client.post(f"/api/v1/payments/transactions/{t.pk}/allocate/",
                      {"items": [{"document": inv.pk, "amount": "999.00"}]}, content_type="application/json")
    assert bad.status_code == 400 and "amount" in bad.json()["error"]["fields"]
    done = client.post(f"/api/v1/payments/transactions/{t.pk}/accept/", {"document": inv.pk},
                       content_type="application/json")
    assert done.status_code == 201 and done.json()["transaction"]["state"] == "matched"
    allocation_id = done.json()["allocations"][0]["id"]
    undone = client.post(f"/api/v1/payments/allocations/{allocation_id}/reverse/", {"reason": "test"},
                         content_type="application/json")
    assert undone.status_code == 200 and undone.json()["reversed_at"]
    refresh(inv)
    assert inv.payment_state == PaymentState.AWAITING
    # a member may read the allocation of their document but not undo it
    client.force_login(w.member.user)
    assert client.post(f"/api/v1/payments/allocations/{allocation_id}/reverse/", {},
                       content_type="application/json").status_code == 403
    money = client.get(f"/api/v1/payments/activity-money/{w.activity.pk}/").json()
    assert money["totals"]["due"] == str(inv.payable) and money["due"][0]["number"] == inv.number


def test_money_out_tab_transaction_page_search_and_set_aside_tab(client):
    w = World("BE")
    out = w.receive("-12.00", remittance="frais")
    client.force_login(w.accountant)
    assert client.get("/payments/").url == f"/payments/entities/{w.entity.pk}/"
    assert "frais" in client.get(f"/payments/entities/{w.entity.pk}/?tab=out").content.decode()
    assert "Book as bank charges" in client.get(f"/payments/transactions/{out.pk}/").content.decode()
    partial = client.get(f"/payments/transactions/{out.pk}/?q=nothing", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="choices")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "No credit note or client credit to refund" in partial.content.decode()
    client.post(f"/payments/transactions/{out.pk}/set-aside/", {"reason": "salary"})
    assert "frais" in client.get(f"/payments/entities/{w.entity.pk}/?tab=aside").content.decode()
    client.post(f"/payments/transactions/{out.pk}/bring-back/")
    refresh(out)
    assert out.state == TransactionState.UNMATCHED


def test_money_received_before_the_invoice_becomes_the_clients_credit_through_the_api(client):
    w = World("BE")
    t = w.receive("300.00", name="De Klok", remittance="voorschot")
    client.force_login(w.accountant)
    response = client.post(f"/api/v1/payments/transactions/{t.pk}/allocate/", {"credit_client": w.client.pk},
                           content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["allocations"][0]["kind"] == "client_credit"
    stranger = World("BE").client
    other = w.receive("10.00")
    response = client.post(f"/api/v1/payments/transactions/{other.pk}/allocate/", {"credit_client": stranger.pk},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["client"]
    inv = w.invoice("100")
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    used = client.post(f"/api/v1/payments/allocations/{credit.pk}/use/", {"document": inv.pk},
                       content_type="application/json")
    assert used.status_code == 201 and used.json()[0]["kind"] == "credit_use"
    refresh(inv)
    assert inv.payment_state == PaymentState.PAID
    books_are_sound(w.entity)
