"""What an accountant does on the pages: add an account, set its CSV columns with a preview,
upload statements, read a statement (or why it was rejected)."""

import pytest

from compagnon.audit.models import AuditEvent
from compagnon.banking.models import BankAccount, BankStatement, CsvMapping

from .helpers import BE_IBAN, csv_mapping, data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, accountant):
    client.force_login(accountant)
    return client


def test_add_an_account_with_a_valid_iban_and_edit_it(logged, be_entity):
    response = logged.post(
        "/bank/accounts/new/",
        {
            "entity": be_entity.pk,
            "name": "Belfius",
            "iban": "be68 5390 0754 7034",
            "bic": "gkccbebb",
            "currency": "EUR",
        },
    )
    account = BankAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bank/accounts/{account.pk}/"
    assert (account.iban, account.bic, account.entity) == (BE_IBAN, "GKCCBEBB", be_entity)
    assert AuditEvent.objects.filter(action="bank_account.created").exists()

    response = logged.post(
        f"/bank/accounts/{account.pk}/edit/",
        {
            "name": "Belfius courant",
            "iban": BE_IBAN,
            "bic": "GKCCBEBB",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Belfius courant" and account.active is False  # unticked box


def test_invalid_or_duplicate_ibans_and_bics_are_refused_by_field(logged, be_entity, be_account):
    response = logged.post(
        "/bank/accounts/new/",
        {
            "entity": be_entity.pk,
            "name": "X",
            "iban": "BE68539007547035",
            "bic": "XX",
            "currency": "EUR",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This IBAN is not valid" in page and "This BIC is not valid" in page
    response = logged.post(
        "/bank/accounts/new/",
        {
            "entity": be_entity.pk,
            "name": "X",
            "iban": BE_IBAN,
            "currency": "EUR",
        },
    )
    assert "This IBAN is already registered as a bank account." in response.content.decode()
    assert BankAccount.objects.count() == 1


def test_the_iban_of_an_account_with_statements_cannot_change(logged, be_account):
    logged.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "k.xml")},
    )
    response = logged.post(
        f"/bank/accounts/{be_account.pk}/edit/",
        {"name": "X", "iban": "BE71096123456769", "currency": "EUR", "active": "on"},
    )
    assert response.status_code == 400
    assert "its IBAN cannot change" in response.content.decode()


def test_upload_a_statement_and_read_it(logged, be_account):
    page = logged.get(f"/bank/statements/upload/?account={be_account.pk}").content.decode()
    assert f'<option value="{be_account.pk}" selected>' in page

    response = logged.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(data("camt053_v08_kbc.xml"), "kbc.xml")},
        follow=True,
    )

    page = response.content.decode()
    assert (
        "Statement imported: 6 new transactions, 0 already known, 0 matched automatically, "
        "2 left to match." in page
    )
    assert "Bakkerij Janssens BV" in page
    assert "+++261/0000/04391+++" in page  # the reference shown as printed on the invoice
    assert "Loon april 2026" in page
    assert page.count('class="badge warning"') == 6  # every transaction is still to match
    statement = BankStatement.objects.get()
    filtered = logged.get(f"/bank/statements/{statement.pk}/?status=matched").content.decode()
    assert "Bakkerij Janssens BV" not in filtered
    account_page = logged.get(f"/bank/accounts/{be_account.pk}/").content.decode()
    assert "2026-00104" in account_page and "6 new" in account_page
    download = logged.get(f"/bank/statements/{statement.pk}/file/")
    assert b"".join(download.streaming_content) == data("camt053_v08_kbc.xml")


def test_a_rejected_statement_shows_the_reason_and_the_place(logged, be_account):
    content = data("camt053_v08_kbc.xml").replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>DEBIT</CdtDbtInd>", 1
    )
    response = logged.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(content, "kbc.xml")},
        follow=True,
    )
    page = response.content.decode()
    assert "This statement was not imported: nothing was added." in page
    assert "The problem is on line 121 of the file." in page
    assert "/Document/BkToCstmrStmt/Stmt/Ntry[2]/CdtDbtInd" in page


def test_an_upload_without_file_keeps_the_form(logged, be_account):
    response = logged.post("/bank/statements/upload/", {"account": be_account.pk})
    assert response.status_code == 400
    assert "Choose a statement file" in response.content.decode()


def test_set_the_csv_columns_with_a_preview_of_a_sample(logged, be_account):
    fields = {
        "delimiter": ";",
        "encoding": "utf-8",
        "skip_rows": "0",
        "date_format": "%d/%m/%Y",
        "decimal_comma": "on",
        "booking_date": "Date",
        "value_date": "Valeur",
        "amount": "Montant",
        "counterparty_name": "Contrepartie",
        "counterparty_iban": "Compte",
        "remittance": "Communication",
        "bank_reference": "Référence",
    }
    url = f"/bank/accounts/{be_account.pk}/csv-columns/"
    response = logged.post(
        url, {**fields, "action": "preview", "sample": upload(data("export_belfius.csv"), "e.csv")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Boulangerie Dupont SPRL" in page and "Atelier &quot;Le Chêne&quot; SRL" in page
    assert "Sofie Claes" not in page  # line 7: only the first five transactions
    assert "1.210,00" in page or "1,210.00" in page or "1 210,00" in page
    assert not CsvMapping.objects.exists()  # a preview saves nothing

    response = logged.post(
        url,
        {
            **fields,
            "amount": "Bedrag",
            "action": "preview",
            "sample": upload(data("export_belfius.csv"), "e.csv"),
        },
    )
    page = response.content.decode()
    assert "there is no column “Bedrag”" in page
    assert "<code>Montant</code>" in page  # the sample's columns are listed

    response = logged.post(url, {**fields, "action": "save"})
    assert response.status_code == 302
    mapping = CsvMapping.objects.get()
    assert (mapping.amount, mapping.decimal_comma, mapping.delimiter) == ("Montant", True, ";")
    assert AuditEvent.objects.filter(action="bank_account.csv_mapping_saved").exists()


def test_a_mapping_needs_a_date_and_an_amount_column(logged, be_account):
    response = logged.post(
        f"/bank/accounts/{be_account.pk}/csv-columns/",
        {
            "delimiter": ";",
            "encoding": "utf-8",
            "skip_rows": "0",
            "date_format": "%d/%m/%Y",
            "booking_date": "Date",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "Give the column of the signed amount" in response.content.decode()
    assert not CsvMapping.objects.exists()


def test_a_csv_statement_uploads_through_the_page(logged, be_account):
    csv_mapping(be_account)
    response = logged.post(
        "/bank/statements/upload/",
        {"account": be_account.pk, "file": upload(data("export_belfius.csv"), "export.csv")},
        follow=True,
    )
    assert "Statement imported: 6 new transactions" in response.content.decode()
