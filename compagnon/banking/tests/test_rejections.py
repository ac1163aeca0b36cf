"""A file that cannot be imported is rejected with the reason and its place (line, element or
column); it is kept, and nothing else is written."""

import pytest
from django.core.exceptions import ValidationError

from compagnon.audit.models import AuditEvent
from compagnon.banking import services
from compagnon.banking.models import BankStatement, BankTransaction, ImportState
from compagnon.ledger.models import Entry, EntryLine

from .helpers import BE_IBAN, as_version, camt, data, entry

pytestmark = pytest.mark.django_db


def counts():
    return (
        BankStatement.objects.filter(state=ImportState.IMPORTED).count(),
        BankTransaction.objects.count(),
        Entry.objects.count(),
        EntryLine.objects.count(),
        AuditEvent.objects.exclude(action="bank_statement.rejected").count(),
    )


def reject(actor, account, content, name="statement.xml"):
    before = counts()
    statement = services.import_statement(actor=actor, account=account, data=content, filename=name)
    assert statement.state == ImportState.REJECTED
    assert counts() == before, "something was half-imported"
    # the file is kept, as it was sent
    with statement.file.open("rb") as f:
        assert f.read() == content
    assert statement.filename == name
    assert AuditEvent.objects.filter(
        action="bank_statement.rejected", object_id=str(statement.pk)
    ).exists()
    return statement


def test_malformed_xml_is_rejected_naming_the_line(accountant, be_account):
    content = data("camt053_v02_belfius.xml").replace(
        b"</Amt>\n        <CdtDbtInd>DBIT", b"</Amount>\n        <CdtDbtInd>DBIT", 1
    )
    line = content[: content.index(b"</Amount>")].count(b"\n") + 1

    statement = reject(accountant, be_account, content)

    assert "not well-formed" in statement.error
    assert f"line {line}" in statement.error
    assert statement.error_line == line


def test_a_file_breaking_the_xsd_is_rejected_naming_the_element(accountant, be_account):
    content = data("camt053_v08_kbc.xml").replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DEBIT</CdtDbtInd>", 1
    )
    line = content[: content.index(b"DEBIT")].count(b"\n") + 1

    statement = reject(accountant, be_account, content)

    assert "camt.053.001.08 schema" in statement.error
    assert "CdtDbtInd" in statement.error and "DEBIT" in statement.error
    assert statement.error_line == line
    assert statement.error_place == "/Document/BkToCstmrStmt/Stmt/Ntry[2]/CdtDbtInd"


def test_a_missing_required_element_is_named(accountant, be_account):
    content = data("camt053_v02_belfius.xml").replace(b"<Id>2026/031</Id>", b"", 1)
    statement = reject(accountant, be_account, content)
    assert "Stmt" in statement.error_place and "Id" in statement.error


def test_a_version_without_xsd_gets_the_structural_check(accountant, be_account):
    content = as_version(camt(BE_IBAN, [entry(10, ref="A"), entry(20, ref="B")]), "06")
    content = content.replace(
        b"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", b"<CdtDbtInd>CR</CdtDbtInd><Sts>"
    )
    statement = reject(accountant, be_account, content)
    assert "CdtDbtInd must be CRDT" in statement.error
    assert statement.error_place == "/Document/BkToCstmrStmt/Stmt/Ntry[1]/CdtDbtInd"


def test_an_entry_without_booking_date_is_refused_in_a_version_without_xsd(accountant, be_account):
    content = as_version(camt(BE_IBAN, [entry(10, ref="A")]), "07")
    content = content.replace(b"<BookgDt><Dt>2026-05-04</Dt></BookgDt>", b"")
    statement = reject(accountant, be_account, content)
    assert "BookgDt" in statement.error
    assert statement.error_place == "/Document/BkToCstmrStmt/Stmt/Ntry"


def test_a_statement_of_another_account_is_rejected_with_a_clear_message(
    accountant, be_account, be_entity
):
    from .helpers import bank_account

    other = bank_account(be_entity, name="Savings")
    statement = reject(accountant, other, data("camt053_v08_kbc.xml"))
    assert statement.error == (
        f"This statement is for the account {BE_IBAN}, not for Savings ({other.iban}). "
        f"Choose the account {BE_IBAN}, or add it to the bank accounts first."
    )
    assert statement.error_place == "/Document/BkToCstmrStmt/Stmt/Acct/Id/IBAN"
    assert statement.account == other


def test_a_doctype_is_refused_and_entities_are_never_expanded(accountant, be_account):
    content = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        + data("camt053_v08_kbc.xml").split(b"?>", 1)[1].replace(b"Kosten", b"&x; Kosten")
    )
    statement = reject(accountant, be_account, content)
    assert "DOCTYPE" in statement.error or "not well-formed" in statement.error
    assert "root:" not in statement.error


@pytest.mark.parametrize(
    "content, words",
    [
        (b"%PDF-1.7\n...", "This is a PDF"),
        (b"PK\x03\x04rest", "ZIP archive"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>',
            "camt.054",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.13"/>',
            "not supported",
        ),
        (b"<html><body>Login</body></html>", "not a camt.053"),
    ],
)
def test_files_that_are_not_statements_are_rejected(accountant, be_account, content, words):
    statement = reject(accountant, be_account, content)
    assert words in statement.error
    if not content.startswith(b"<"):
        assert statement.format == ""  # neither camt.053 nor CSV


def test_a_failure_while_booking_rolls_everything_back(accountant, be_account, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"date": "The books are closed."})

    monkeypatch.setattr("compagnon.banking.services.post_entry", refuse)
    statement = reject(accountant, be_account, data("camt053_v08_kbc.xml"))
    assert "could not be booked" in statement.error and "closed" in statement.error


def test_a_failure_in_the_matcher_rolls_everything_back(accountant, be_account, monkeypatch):
    def crash(transactions, *, actor=None):
        raise RuntimeError("matcher bug")

    monkeypatch.setattr("compagnon.banking.hooks.MATCHERS", [crash])
    statement = reject(accountant, be_account, data("camt053_v08_kbc.xml"))
    assert "unexpected error" in statement.error
    assert BankTransaction.objects.count() == 0


def test_an_empty_file_or_a_closed_account_is_refused_without_a_statement(accountant, be_account):
    with pytest.raises(ValidationError) as empty:
        services.import_statement(actor=accountant, account=be_account, data=b"", filename="x")
    assert "file" in empty.value.message_dict
    be_account.active = False
    be_account.save()
    with pytest.raises(ValidationError) as closed:
        services.import_statement(
            actor=accountant, account=be_account, data=data("camt053_v08_kbc.xml"), filename="x.xml"
        )
    assert "account" in closed.value.message_dict
    assert not BankStatement.objects.exists()
