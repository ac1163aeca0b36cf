"""The balances of a statement are checked: opening balance + entries = closing balance, and the
opening balance is the previous statement's closing balance. A mismatch warns (page, import
summary, API) and never blocks the import: the file is the bank's own record."""

from decimal import Decimal

import pytest
from django.utils import translation

from compagnon.audit.models import AuditEvent
from compagnon.banking import balances, services
from compagnon.banking.models import BankTransaction, ImportState
from compagnon.core.tests.factories import api_token_for

from .helpers import BE_IBAN, camt, csv_mapping, data, entry, upload

pytestmark = pytest.mark.django_db
D = Decimal

ENTRIES = [entry("1250.00", ref="A1"), entry("-200.50", ref="A2")]  # 1,049.50 in all


def run(actor, account, content, name="statement.xml"):
    return services.import_statement(actor=actor, account=account, data=content, filename=name)


def test_a_statement_whose_entries_do_not_add_up_is_imported_with_the_figures(
    accountant, be_account
):
    # two entries of 100 and 50 are missing from the file: the bank closes at 1,199.50
    content = camt(BE_IBAN, ENTRIES, opening="1000.00", closing="2199.50")
    statement = run(accountant, be_account, content)

    assert statement.state == ImportState.IMPORTED
    assert BankTransaction.objects.filter(statement=statement).count() == 2
    assert statement.entries_total == D("1049.50")
    assert statement.expected_closing_balance == D("2049.50")
    assert statement.balance_difference == D("150.00")
    assert statement.balance_mismatch
    with translation.override("en"):
        (warning,) = balances.warnings(statement)
    assert "1,000.00 EUR" in warning and "1,049.50 EUR" in warning
    assert "2,049.50 EUR" in warning and "2,199.50 EUR" in warning and "150.00 EUR" in warning
    assert "may be missing" in warning
    with translation.override("fr"):
        (warning,) = balances.warnings(statement)
    assert "2\u202f199,50 EUR" in warning or "2 199,50 EUR" in warning or "2\xa0199,50" in warning
    assert "150,00 EUR" in warning and "manquer" in warning
    assert AuditEvent.objects.filter(action="bank_statement.balance_mismatch").exists()


def test_a_statement_that_does_not_follow_on_from_the_previous_one_warns(accountant, be_account):
    first = run(
        accountant,
        be_account,
        camt(BE_IBAN, ENTRIES, opening="1000.00", statement_id="S-4", end="2026-04-30",
             start="2026-04-01"),
        "april.xml",
    )
    assert not first.balance_mismatch and first.previous_closing_balance is None
    # April closed at 2,049.50; May says it opens at 2,000.00: 49.50 went somewhere unseen
    may = run(
        accountant,
        be_account,
        camt(BE_IBAN, [entry("10.00", ref="B1")], opening="2000.00", statement_id="S-5"),
        "may.xml",
    )
    assert may.state == ImportState.IMPORTED
    assert may.balance_difference == 0
    assert (may.previous_closing_balance, may.opening_gap) == (D("2049.50"), D("-49.50"))
    with translation.override("en"):
        (warning,) = balances.warnings(may)
    assert "2,000.00 EUR" in warning and "2,049.50 EUR" in warning and "-49.50 EUR" in warning


def test_statements_that_follow_on_and_add_up_say_so(accountant, be_account):
    run(accountant, be_account, camt(BE_IBAN, ENTRIES, opening="1000.00", start="2026-04-01",
                                     end="2026-04-30", statement_id="S-4"))
    may = run(accountant, be_account,
              camt(BE_IBAN, [entry("10.00", ref="B1")], opening="2049.50", statement_id="S-5"))
    assert not may.balance_mismatch and may.opening_gap == 0
    assert balances.warnings(may) == []
    with translation.override("en"):
        assert "add up" in balances.check_note(may)


def test_a_csv_export_gives_no_balances_so_nothing_is_checked(accountant, be_account):
    csv_mapping(be_account)
    statement = run(accountant, be_account, data("export_belfius.csv"), "export.csv")
    assert statement.state == ImportState.IMPORTED, statement.error
    assert not statement.balances_checked and not statement.balance_mismatch
    assert balances.warnings(statement) == []
    with translation.override("fr"):
        assert "aucun solde" in balances.check_note(statement)


def test_the_page_and_the_import_summary_show_the_mismatch(client, accountant, be_account):
    client.force_login(accountant)
    content = camt(BE_IBAN, ENTRIES, opening="1000.00", closing="2199.50")
    response = client.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(content, "may.xml")},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Entries may be missing" in page or "Des écritures peuvent manquer" in page
    assert "150" in page
    summary = [str(m) for m in response.context["messages"]]
    assert any("150" in m for m in summary) and len(summary) == 2


def test_the_api_gives_the_balance_figures(client, accountant, be_account):
    content = camt(BE_IBAN, ENTRIES, opening="1000.00", closing="2199.50")
    response = client.post(
        "/api/v1/bank-statements/",
        {"account": be_account.pk, "file": upload(content, "may.xml")},
        HTTP_AUTHORIZATION=f"Token {api_token_for(accountant)}",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "imported"
    assert (body["entries_total"], body["expected_closing_balance"], body["balance_difference"]) == (
        "1049.50",
        "2049.50",
        "150.00",
    )
    assert body["balance_mismatch"] is True and len(body["balance_warnings"]) == 1
