"""Many transfers at once (``services.add_lines``, a month's net salaries): the same rules as one
line, all or nothing, a constant number of queries, and the bank settles them like any other."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.audit.models import AuditEvent
from compagnon.payouts import services
from compagnon.payouts.models import BatchState, LineState, PayoutLine, Purpose

from .factories import CLIENT_IBAN, FR_IBAN, refund_setting, tomorrow
from .test_books import send
from .test_settlement import heard, import_camt  # noqa: F401 - heard is a fixture

pytestmark = pytest.mark.django_db


def new_batch(setting):
    return services.create_batch(actor=setting.accountant, account=setting.account,
                                 requested_execution_date=tomorrow())


def salary(n, **kw):
    return {"creditor_name": f"Member {n}", "iban": CLIENT_IBAN, "amount": D("1800.00") + n,
            "purpose": Purpose.SALARY, "remittance": "Net salary 05/2026", **kw}


def test_lines_are_added_in_order_after_the_batch_s_own_with_their_accounts_and_ids(setting):
    batch = new_batch(setting)
    first = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Papeterie SA", iban=FR_IBAN,
                              amount="100", remittance="Invoice 118")
    activity = setting.note.activity
    made = services.add_lines(actor=setting.accountant, batch=batch, lines=[
        salary(1, activity=activity),
        salary(2, end_to_end_id="PAY-2026-05-2"),
        {"creditor_name": "Ann Member", "iban": FR_IBAN, "amount": "42.50", "purpose": Purpose.EXPENSE,
         "remittance": "Expense claim 7", "debit_account": "member_current", "activity": activity},
    ])
    assert [line.position for line in made] == [2, 3, 4]
    stored = {line.pk: line for line in PayoutLine.objects.filter(batch=batch).select_related("debit_account")}
    assert {line.pk for line in made} | {first.pk} == set(stored)
    for line in made:  # what the caller keeps is what the batch holds
        assert stored[line.pk].end_to_end_id == line.end_to_end_id
    assert made[0].end_to_end_id == f"CMP-{batch.pk}-{made[0].pk}"
    assert made[1].end_to_end_id == "PAY-2026-05-2"
    assert stored[made[0].pk].debit_account.code == "455" and stored[made[0].pk].activity == activity
    assert stored[made[2].pk].debit_account.role == "member_current"
    assert stored[made[2].pk].amount == D("42.50") and stored[made[2].pk].state == LineState.PENDING
    events = list(AuditEvent.objects.filter(action="payout_batch.lines_added", object_id=str(batch.pk)))
    assert len(events) == 1  # one event for the set
    assert events[0].text == f"Transfers added to transfer batch {batch.pk}: 3, total 3645.50 EUR."
    assert services.add_lines(actor=setting.accountant, batch=batch, lines=[]) == []


def test_one_wrong_line_among_good_ones_saves_nothing_and_is_named(setting):
    batch = new_batch(setting)
    services.add_line(actor=setting.accountant, batch=batch, creditor_name="A", iban=CLIENT_IBAN, amount="1",
                      remittance="first", end_to_end_id="SUPPLIER-18")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.add_lines(actor=setting.accountant, batch=batch, lines=[
            salary(1),
            salary(2, iban="BE71 0961 2345 6768", amount="-3"),
            salary(3, end_to_end_id="SUPPLIER-18"),  # the batch has it already
            salary(4, end_to_end_id="PAY-4"),
            salary(5, end_to_end_id="PAY-4"),  # twice in the set
            salary(6, debit_account="999999"),
        ])
    errors = refused.value.message_dict
    assert set(errors) == {"lines.2.iban", "lines.2.amount", "lines.3.end_to_end_id", "lines.5.end_to_end_id",
                           "lines.6.debit_account"}
    assert errors["lines.2.iban"] == ["Line 2 (Member 2), IBAN: This IBAN is not valid: check the country code, "
                                      "the length and the two check digits."]
    assert errors["lines.2.amount"] == ["Line 2 (Member 2), amount: The amount must be more than 0."]
    assert "SUPPLIER-18" in errors["lines.3.end_to_end_id"][0]
    assert "line 4 has the same end-to-end id" in errors["lines.5.end_to_end_id"][0]
    assert "999999" in errors["lines.6.debit_account"][0]
    assert batch.lines.count() == 1 and AuditEvent.objects.count() == before  # all or nothing


def test_the_rules_of_the_batch_hold_for_a_set(setting):
    batch = new_batch(setting)
    other = refund_setting()
    with pytest.raises(PermissionDenied):
        services.add_lines(actor=other.accountant, batch=batch, lines=[salary(1)])
    with pytest.raises(ValidationError) as refused:  # an activity of another entity
        services.add_lines(actor=setting.accountant, batch=batch, lines=[salary(1, activity=other.note.activity)])
    assert set(refused.value.message_dict) == {"lines.1.activity"}
    services.add_lines(actor=setting.accountant, batch=batch, lines=[salary(1)])
    send(setting, batch)
    with pytest.raises(ValidationError) as refused:
        services.add_lines(actor=setting.accountant, batch=batch, lines=[salary(2)])
    assert set(refused.value.message_dict) == {"state"}
    assert batch.lines.count() == 1


def count(setting, n, typed=False):
    batch = new_batch(setting)
    lines = [salary(i, end_to_end_id=f"PAY-{i}" if typed else "") for i in range(n)]
    with CaptureQueriesContext(connection) as ctx:
        made = services.add_lines(actor=setting.accountant, batch=batch, lines=lines)
    assert len(made) == n == batch.lines.count()
    inserts = sum(q["sql"].startswith('INSERT INTO "payouts_payoutline"') for q in ctx.captured_queries)
    # Django cuts an INSERT at 999 parameters on SQLite (37 lines), at BULK_SIZE lines elsewhere
    rows = min(services.BULK_SIZE, connection.ops.bulk_batch_size(
        [f for f in PayoutLine._meta.concrete_fields if not f.primary_key], made))
    assert inserts == -(-n // rows)
    return len(ctx) - inserts


def test_the_number_of_queries_does_not_grow_with_the_lines(setting):
    count(setting, 1)  # warm-up: the chart's accounts exist from now on
    for typed in (False, True):  # typed end-to-end ids are looked up in the batch, once
        one, fifty = count(setting, 1, typed), count(setting, 50, typed)
        assert one == fifty, f"{one} queries for 1 line, {fifty} for 50 (besides the inserts)"
        assert fifty <= 11, fifty


def test_the_bank_settles_lines_added_as_a_set_and_their_contexts_hear_it(setting, heard):  # noqa: F811
    batch = new_batch(setting)
    made = services.add_lines(actor=setting.accountant, batch=batch, lines=[salary(1), salary(2)])
    send(setting, batch)
    from compagnon.banking.tests.helpers import entry

    import_camt(setting, [entry(f"-{line.amount}", e2e=line.end_to_end_id) for line in made])
    for line in made:
        line.refresh_from_db()
        assert line.state == LineState.SETTLED
    batch.refresh_from_db()
    assert batch.status == BatchState.SETTLED
    assert sorted(heard) == sorted(("settled", line.pk, line.transaction_id) for line in made)
