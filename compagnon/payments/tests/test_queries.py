"""The money page and the matching queue cost a constant number of queries; a matching run costs
a bounded number whatever the number of transactions."""

import datetime
import uuid
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.einvoice.tests.scenarios import business_client
from compagnon.ledger.models import Entry, EntryLine
from compagnon.payments.matching import match_transactions
from compagnon.payments.models import Allocation, MatchRun
from compagnon.sales import payment
from compagnon.sales.models import Document, Kind, PaymentState, State

from .helpers import World, days_ago, ogm, statement

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def grow(w, n):
    """n more clients, each with an overdue invoice, a due one, a payment this month and a credit."""
    for i in range(n):
        c = business_client(w.activity, "BE", name=f"Client {i} BV")
        late, due, paid = w.invoice("10", client=c), w.invoice("20", client=c), w.invoice("30", client=c)
        Document.objects.filter(pk=late.pk).update(due_date=days_ago(5 + i))
        match_transactions([w.receive("40.00", remittance=ogm(paid), name=f"CLIENT {i}")])
        w.receive(due.payable, name=f"Client {i}", remittance="?")  # left in the queue, with suggestions


def test_money_page_and_queue_cost_the_same_with_more_data(client, django_assert_max_num_queries):
    w = World("BE")
    grow(w, 1)
    client.force_login(w.member.user)
    money = f"/activities/{w.activity.pk}/money/"
    small_money = count(client, money)
    client.force_login(w.accountant)
    queue = f"/payments/entities/{w.entity.pk}/"
    small_queue = count(client, queue)
    small_transaction = count(client, f"/payments/transactions/{BankTransaction.objects.first().pk}/")
    grow(w, 4)
    client.force_login(w.member.user)
    with django_assert_max_num_queries(small_money):
        assert client.get(money).status_code == 200
    client.force_login(w.accountant)
    with django_assert_max_num_queries(small_queue):
        response = client.get(queue)
    assert response.content.decode().count("same amount as what is still due") >= 5
    with django_assert_max_num_queries(small_transaction):
        assert client.get(f"/payments/transactions/{BankTransaction.objects.last().pk}/").status_code == 200


def test_a_matching_run_of_2000_transactions_against_20000_open_invoices_is_a_bounded_number_of_queries():
    w = World("BE")
    today = timezone.localdate()
    clients = [business_client(w.activity, "BE", name=f"Client {i}") for i in range(50)]
    docs = []
    for seq in range(1, 20_001):
        docs.append(Document(
            entity=w.entity, activity=w.activity, client=clients[seq % 50], kind=Kind.INVOICE, state=State.ISSUED,
            series="invoice", year=2020, sequence=seq, number=f"F2020-{seq:05d}", issue_date=today,
            due_date=today + datetime.timedelta(days=30), payment_reference=payment.structured_communication(2020, seq),
            tax_inclusive=D("100.00"), payable=D("100.00"), payment_state=PaymentState.AWAITING))
    Document.objects.bulk_create(docs, batch_size=2000)
    st = statement(w.account)
    transactions = []
    for i in range(2000):
        seq = i * 7 + 1
        if i % 5 < 3:  # structured communication, some in part
            remittance, amount = payment.display(payment.STRUCTURED, payment.structured_communication(2020, seq)), "100.00" if i % 2 else "60.00"
        elif i % 5 == 3:  # the number, paying two invoices
            remittance, amount = f"Factures F2020-{seq:05d} et F2020-{seq + 1:05d}", "200.00"
        else:  # nothing to go by
            remittance, amount = "merci", "42.00"
        transactions.append(BankTransaction(account=w.account, statement=st, fingerprint=uuid.uuid4().hex,
                                            booking_date=today, amount=D(amount), remittance=remittance))
    transactions = BankTransaction.objects.bulk_create(transactions)
    with CaptureQueriesContext(connection) as ctx:
        result = match_transactions(transactions, actor=w.accountant)
    print(f"matching run: {len(ctx)} queries")
    assert (result.matched, result.to_match) == (1600, 400)
    assert len(ctx) <= 200, len(ctx)  # one query per transaction would be more than 2000  # one query per transaction would be > 2000
    assert Allocation.objects.count() == 2000
    # one run, one entry: a suspense line and one receivable line per client
    assert MatchRun.objects.count() == 1 and Entry.objects.filter(kind="payment").count() == 1
    assert EntryLine.objects.filter(entry__kind="payment").count() <= 1 + 50
    assert BankTransaction.objects.filter(state=TransactionState.MATCHED).count() == 1600
    full = sum(1 for t in transactions if t.amount == D("100.00"))
    part = sum(1 for t in transactions if t.amount == D("60.00"))
    assert Document.objects.filter(payment_state=PaymentState.PAID).count() == full + 2 * 400
    assert Document.objects.filter(payment_state=PaymentState.PARTIAL).count() == part
