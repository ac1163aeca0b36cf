"""The rules of a batch's life: what a line accepts, a credit note refunded once, the states, and
the audit log of every step."""

import sys
import types
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.accounts.models import Role
from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import OfficeFactory, advisor_of, staff
from compagnon.payouts import services
from compagnon.payouts.models import BatchState, PayoutBatch, PayoutLine, Purpose

from .factories import CLIENT_IBAN, BankAccountFactory, refund_setting, tomorrow

pytestmark = pytest.mark.django_db


def new_batch(setting, **kw):
    return services.create_batch(actor=setting.accountant, account=setting.account,
                                 requested_execution_date=tomorrow(), **kw)


def refund(setting, batch, **kw):
    kw.setdefault("iban", CLIENT_IBAN)
    return services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, **kw)


def test_a_refund_takes_the_credit_notes_amount_client_and_a_message(setting):
    line = refund(setting, new_batch(setting))
    assert line.purpose == Purpose.REFUND
    assert line.amount == setting.note.payable == Decimal("544.50")
    assert line.creditor_name == setting.note.client.name
    assert line.client == setting.note.client and line.source_document == setting.note
    # the client's language (Dutch) when the catalogs have it; the numbers in any case
    assert setting.note.number in line.remittance and setting.invoice.number in line.remittance
    assert line.iban == CLIENT_IBAN and line.position == 1


def test_an_invalid_iban_is_refused_on_its_field(setting):
    batch = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        refund(setting, batch, iban="BE71 0961 2345 6768")
    assert refused.value.message_dict == {"iban": [
        "This IBAN is not valid: check the country code, the length and the two check digits."]}
    with pytest.raises(ValidationError) as refused:
        refund(setting, batch, iban="TR330006100519786457841326")
    assert "outside the SEPA zone (TR)" in refused.value.message_dict["iban"][0]
    with pytest.raises(ValidationError) as refused:
        refund(setting, batch, bic="GKCC")
    assert "This BIC is not valid" in refused.value.message_dict["bic"][0]
    assert not batch.lines.exists()


def test_every_wrong_field_of_a_typed_line_is_named_at_once(setting):
    batch = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        services.add_line(actor=setting.accountant, batch=batch, creditor_name="X" * 71, iban="nope",
                          amount="-3", remittance_kind="ogm", remittance="+++123/4567/89012+++",
                          end_to_end_id="/bad//id")
    errors = refused.value.message_dict
    assert set(errors) == {"creditor_name", "iban", "amount", "remittance", "end_to_end_id"}
    assert "71 characters" in errors["creditor_name"][0] and "at most 70" in errors["creditor_name"][0]
    assert errors["amount"] == ["The amount must be more than 0."]
    assert "Belgian structured communication" in errors["remittance"][0]
    with pytest.raises(ValidationError) as refused:
        services.add_line(actor=setting.accountant, batch=batch, creditor_name="Someone", iban=CLIENT_IBAN,
                          amount="1.234", remittance="x" * 141)
    errors = refused.value.message_dict
    assert errors["amount"] == ["The amount has at most two decimals (cents)."]
    assert "141 characters" in errors["remittance"][0]


def test_end_to_end_ids_are_unique_in_a_batch(setting):
    batch = new_batch(setting)
    services.add_line(actor=setting.accountant, batch=batch, creditor_name="A", iban=CLIENT_IBAN, amount="1",
                      remittance="first", end_to_end_id="SUPPLIER-18")
    with pytest.raises(ValidationError) as refused:
        services.add_line(actor=setting.accountant, batch=batch, creditor_name="B", iban=CLIENT_IBAN,
                          amount="2", remittance="second", end_to_end_id="SUPPLIER-18")
    assert "SUPPLIER-18" in refused.value.message_dict["end_to_end_id"][0]


def test_a_refund_cannot_exceed_the_credit_note(setting):
    batch = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        refund(setting, batch, amount=Decimal("544.51"))
    assert refused.value.message_dict["amount"] == ["The refund cannot exceed the credit note's total, 544.50 EUR."]
    assert refund(setting, batch, amount=Decimal("100")).amount == Decimal("100.00")  # partial refund


def test_the_same_credit_note_is_not_refunded_twice(setting):
    first = new_batch(setting)
    refund(setting, first)
    second = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        refund(setting, second)
    message = refused.value.message_dict["credit_note"][0]
    assert setting.note.number in message and f"batch {first.pk}" in message
    # also once generated and sent
    services.generate(actor=setting.accountant, batch=first)
    services.mark_sent(actor=setting.accountant, batch=first)
    with pytest.raises(ValidationError):
        refund(setting, second)
    assert not second.lines.exists()


def test_cancelling_a_batch_frees_its_credit_notes(setting):
    first = new_batch(setting)
    refund(setting, first)
    services.generate(actor=setting.accountant, batch=first)
    services.cancel(actor=setting.accountant, batch=first)
    second = new_batch(setting)
    assert refund(setting, second).source_document == setting.note
    assert PayoutLine.objects.filter(source_document=setting.note).count() == 2
    assert PayoutLine.objects.filter(source_document=setting.note, active=True).get().batch == second


def test_only_issued_credit_notes_of_the_entity_are_refunded(setting):
    batch = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.invoice,
                                 iban=CLIENT_IBAN)
    assert "Only an issued credit note" in refused.value.message_dict["credit_note"][0]
    elsewhere = refund_setting()
    with pytest.raises(ValidationError):
        services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=elsewhere.note,
                                 iban=CLIENT_IBAN)


def test_the_clients_iban_must_be_typed_unless_payments_knows_it(setting, monkeypatch):
    batch = new_batch(setting)
    with pytest.raises(ValidationError) as refused:
        services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note)
    assert refused.value.message_dict["iban"] == ["Type the client's IBAN: no account of theirs is known yet."]
    # compagnon.payments may tell the IBAN the client paid from
    fake = types.ModuleType("compagnon.payments.selectors")
    fake.counterparty_iban_for_client = lambda client: "BE71 0961 2345 6769" if client == setting.note.client else ""
    monkeypatch.setitem(sys.modules, "compagnon.payments.selectors", fake)
    line = services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note)
    assert line.iban == CLIENT_IBAN


def test_lines_change_only_while_the_batch_is_a_draft(setting):
    batch = new_batch(setting)
    line = refund(setting, batch)
    other = services.add_line(actor=setting.accountant, batch=batch, creditor_name="B", iban=CLIENT_IBAN,
                              amount="2", remittance="second")
    services.remove_line(actor=setting.accountant, line=line)
    other.refresh_from_db()
    assert other.position == 1  # renumbered
    line = refund(setting, batch)
    assert line.position == 2
    services.generate(actor=setting.accountant, batch=batch)
    for attempt in (
        lambda: services.remove_line(actor=setting.accountant, line=line),
        lambda: services.add_line(actor=setting.accountant, batch=batch, creditor_name="C", iban=CLIENT_IBAN,
                                  amount="3", remittance="third"),
        lambda: services.generate(actor=setting.accountant, batch=batch),
        lambda: services.update_batch(actor=setting.accountant, batch=batch, scheme="pain.001.001.03"),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "can no longer change" in refused.value.message_dict["state"][0]
    assert batch.lines.count() == 2


def test_states_draft_generated_sent_and_cancelled(setting):
    batch = new_batch(setting)
    refund(setting, batch)
    with pytest.raises(ValidationError):
        services.mark_sent(actor=setting.accountant, batch=batch)  # no file yet
    services.generate(actor=setting.accountant, batch=batch)
    batch = services.mark_sent(actor=setting.accountant, batch=batch)
    assert batch.state == BatchState.SENT and batch.sent_by == setting.accountant and batch.sent_at
    assert services.cancel(actor=setting.accountant, batch=batch).state == BatchState.CANCELLED  # recalled
    draft = new_batch(setting)
    assert services.cancel(actor=setting.accountant, batch=draft).state == BatchState.CANCELLED
    with pytest.raises(ValidationError):
        services.cancel(actor=setting.accountant, batch=draft)


def test_batches_need_a_usable_account_and_date(setting):
    with pytest.raises(ValidationError) as refused:
        services.create_batch(actor=setting.accountant, account=setting.account,
                              requested_execution_date=tomorrow().replace(year=tomorrow().year - 1))
    assert "in the past" in refused.value.message_dict["requested_execution_date"][0]
    usd = BankAccountFactory(entity=setting.entity, currency="USD")
    with pytest.raises(ValidationError) as refused:
        services.create_batch(actor=setting.accountant, account=usd, requested_execution_date=tomorrow())
    assert "in euros" in refused.value.message_dict["account"][0]
    closed = BankAccountFactory(entity=setting.entity, active=False)
    with pytest.raises(ValidationError):
        services.create_batch(actor=setting.accountant, account=closed, requested_execution_date=tomorrow())


def test_only_the_entitys_accountants_and_administrators_prepare_transfers(setting):
    other = refund_setting()
    advisor = advisor_of(OfficeFactory(entity=setting.entity))
    for outsider in (other.accountant, advisor, staff(Role.SUPPORT, setting.entity, service="accounting")):
        with pytest.raises(PermissionDenied):
            services.create_batch(actor=outsider, account=setting.account, requested_execution_date=tomorrow())
    batch = services.create_batch(actor=staff(Role.ADMIN, setting.entity), account=setting.account,
                                  requested_execution_date=tomorrow())
    with pytest.raises(PermissionDenied):
        services.add_refund_line(actor=other.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    with pytest.raises(PermissionDenied):
        services.generate(actor=other.accountant, batch=batch)


def test_every_step_is_audited_on_the_entitys_log(setting):
    batch = new_batch(setting)
    line = refund(setting, batch)
    extra = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Drukkerij Peeters",
                              iban=CLIENT_IBAN, amount="12", remittance="Invoice 18")
    services.remove_line(actor=setting.accountant, line=extra)
    services.update_batch(actor=setting.accountant, batch=batch, scheme="pain.001.001.03")
    batch = services.generate(actor=setting.accountant, batch=batch)
    services.mark_sent(actor=setting.accountant, batch=batch)
    events = list(AuditEvent.objects.filter(object_type="payouts.payoutbatch", object_id=str(batch.pk))
                  .order_by("id"))
    assert [e.action for e in events] == [
        "payout_batch.created", "payout_batch.line_added", "payout_batch.line_added",
        "payout_batch.line_removed", "payout_batch.updated", "payout_batch.generated", "payout_batch.sent",
    ]
    assert all(e.entity_id == setting.entity.pk and e.actor == setting.accountant for e in events)
    assert setting.note.number in events[1].text and "544.50" in events[1].text
    assert "Drukkerij Peeters" in events[3].text
    generated = events[5].text
    assert batch.file_sha256[:16] in generated and batch.message_id in generated and "pain.001.001.03" in generated
    assert events[5].changes["file_sha256"] == ["", batch.file_sha256]
    assert line.end_to_end_id  # kept on the line, matched later on the bank statement
    assert PayoutBatch.objects.get(pk=batch.pk).state == BatchState.SENT
