"""The accountants' queue of outgoing bank lines and the transfer actions, on the pages and the
API: for the entity's accountants only (404 for anyone else)."""

from decimal import Decimal as D

import pytest

from compagnon.accounts.models import Role
from compagnon.banking.models import TransactionState
from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity, staff
from compagnon.payments.tests.helpers import transaction
from compagnon.payouts.models import LineState, PayoutLine

from .factories import refund_setting
from .test_books import batch_with_lines, send

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}


def api(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_token_for(user)}"}


@pytest.fixture
def sent(setting):
    batch, (claim, supplier) = batch_with_lines(setting)
    batch = send(setting, batch)
    # CSV-like bank line: the amount and a name, nothing else
    t = transaction(setting.account, "-42.50", name="A. Member")
    return setting, batch, claim, supplier, t


def outsiders(setting):
    member, _a = member_with_activity(OfficeFactory(entity=setting.entity))
    return [member.user, staff(Role.SUPPORT, setting.entity, service="collections"), refund_setting().accountant]


def test_the_queue_suggests_the_transfer_and_one_tap_confirms(client, sent):
    setting, batch, claim, _supplier, t = sent
    client.force_login(setting.accountant)
    page = client.get("/payouts/bank/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="t-{t.pk}"' in html and "Ann Member" in html and claim.end_to_end_id in html
    confirmed = client.post(f"/payouts/bank/{t.pk}/confirm/", {"lines": [claim.pk]})
    assert confirmed.status_code == 302
    claim.refresh_from_db()
    t.refresh_from_db()
    assert claim.state == LineState.SETTLED and claim.settled_by == setting.accountant
    assert t.state == TransactionState.MATCHED
    assert f'id="t-{t.pk}"' not in client.get("/payouts/bank/").content.decode()
    detail = client.get(f"/payouts/{batch.pk}/").content.decode()
    assert "Came back" in detail and "Rejected by the bank" in detail  # paid line / line on its way


def test_a_rejection_is_recorded_from_the_batch_page(client, sent):
    setting, batch, _claim, supplier, _t = sent
    client.force_login(setting.accountant)
    response = client.post(f"/payouts/{batch.pk}/lines/{supplier.pk}/rejected/", {"reason": "AC04 closed account"})
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.state == LineState.RETURNED and supplier.return_reason == "AC04 closed account"


def test_a_paid_transfer_that_came_back_is_chosen_among_money_in(client, sent):
    setting, batch, claim, _supplier, t = sent
    client.force_login(setting.accountant)
    client.post(f"/payouts/bank/{t.pk}/confirm/", {"lines": [claim.pk]})
    back = transaction(setting.account, "42.50", remittance="RETURN")
    page = client.get(f"/payouts/{batch.pk}/lines/{claim.pk}/returned/")
    assert page.status_code == 200 and f'value="{back.pk}"' in page.content.decode()
    client.post(f"/payouts/{batch.pk}/lines/{claim.pk}/returned/", {"transaction": back.pk})
    claim.refresh_from_db()
    assert claim.state == LineState.RETURNED and claim.return_transaction == back


def test_outsiders_get_404_on_the_queue_and_the_actions(client, sent):
    setting, batch, claim, supplier, t = sent
    for user in outsiders(setting):
        client.force_login(user)
        queue = client.get("/payouts/bank/")
        # another entity's accountant has a queue of their own, without this bank line
        assert queue.status_code == 404 or f'id="t-{t.pk}"' not in queue.content.decode()
        assert client.post(f"/payouts/bank/{t.pk}/confirm/", {"lines": [claim.pk]}).status_code == 404
        assert client.post(f"/payouts/{batch.pk}/lines/{supplier.pk}/rejected/").status_code == 404
        assert client.get(f"/payouts/{batch.pk}/lines/{claim.pk}/returned/").status_code == 404
        client.logout()
        headers = api(user)
        listing = client.get("/api/v1/payout-outgoing/", **headers)
        assert listing.status_code == 404 or listing.json()["results"] == []
        assert client.post(f"/api/v1/payout-batches/{batch.pk}/lines/{claim.pk}/settle/", {"transaction": t.pk},
                           **JSON, **headers).status_code == 404
    assert set(PayoutLine.objects.filter(batch=batch).values_list("state", flat=True)) == {LineState.SENT}


def test_the_api_lists_outgoing_lines_with_suggestions_and_settles(client, sent):
    setting, batch, claim, supplier, t = sent
    headers = api(setting.accountant)
    listing = client.get("/api/v1/payout-outgoing/", **headers)
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert row["id"] == t.pk and row["amount"] == "-42.50"
    assert row["suggestions"] == [{"lines": [claim.pk], "batch": batch.pk, "names": ["Ann Member"], "reasons": []}]
    # a bank line of another entity is not offered
    stranger = refund_setting()
    foreign = transaction(stranger.account, "-100.00")
    refused = client.post(f"/api/v1/payout-batches/{batch.pk}/lines/{supplier.pk}/settle/",
                          {"transaction": foreign.pk}, **JSON, **headers)
    assert refused.status_code == 400
    settled = client.post(f"/api/v1/payout-batches/{batch.pk}/lines/{claim.pk}/settle/", {"transaction": t.pk},
                          **JSON, **headers)
    assert settled.status_code == 200, settled.content
    assert settled.json()[0]["state"] == "settled" and settled.json()[0]["transaction"] == t.pk
    rejected = client.post(f"/api/v1/payout-batches/{batch.pk}/lines/{supplier.pk}/return/",
                           {"reason": "AC01"}, **JSON, **headers)
    assert rejected.status_code == 200 and rejected.json()["state"] == "returned"
    body = client.get(f"/api/v1/payout-batches/{batch.pk}/", **headers).json()
    assert body["state"] == "settled" and body["entry"] == batch.entry_id
    assert [line["state"] for line in body["lines"]] == ["settled", "returned"]
    assert body["lines"][0]["debit_account"] == "489" and body["lines"][0]["amount"] == str(D("42.50"))


def test_the_queue_costs_the_same_queries_for_more_bank_lines(client, setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compagnon.payouts import services as payouts

    from .factories import CLIENT_IBAN, tomorrow

    def add(n):
        batch = payouts.create_batch(actor=setting.accountant, account=setting.account,
                                     requested_execution_date=tomorrow())
        for i in range(n):
            payouts.add_line(actor=setting.accountant, batch=batch, creditor_name=f"Supplier {i}", iban=CLIENT_IBAN,
                             amount=D(f"{10 + i}.00"), remittance=f"Invoice {i}")
        send(setting, batch)
        for i in range(n):
            transaction(setting.account, f"-{10 + i}.00", name=f"Supplier {i}")

    client.force_login(setting.accountant)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/payouts/bank/").status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as more:
        assert client.get("/payouts/bank/").status_code == 200
    assert len(more) == len(few)
