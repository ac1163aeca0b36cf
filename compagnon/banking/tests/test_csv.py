"""CSV exports, read with the account's saved column mapping."""

from decimal import Decimal

import pytest

from compagnon.banking import csvfile, services
from compagnon.banking.models import BankTransaction, CsvMapping, ImportState, StatementFormat
from compagnon.banking.reading import StatementError

from .helpers import csv_mapping, data, day

pytestmark = pytest.mark.django_db
D = Decimal


def run(actor, account, content, name="export.csv"):
    return services.import_statement(actor=actor, account=account, data=content, filename=name)


def test_a_csv_export_imports_with_decimal_comma_and_day_first_dates(accountant, be_account):
    csv_mapping(be_account)
    statement = run(accountant, be_account, data("export_belfius.csv"))

    assert statement.state == ImportState.IMPORTED, statement.error
    assert statement.format == StatementFormat.CSV
    assert statement.imported == 6
    assert (statement.period_start, statement.period_end) == (day("2026-03-02"), day("2026-03-06"))
    rows = list(statement.transactions.order_by("id"))
    assert [t.amount for t in rows] == [
        D("1210.00"),
        D("250.00"),
        D("-89.90"),
        D("-12.50"),
        D("1500.00"),
        D("75.25"),
    ]
    dupont, _peeters, _proximus, _charges, chene, _claes = rows
    assert dupont.structured_reference == "261000004290"  # typed with +++ in the column
    assert dupont.counterparty_iban == "BE71096123456769"  # spaces removed
    assert dupont.bank_reference == "B6C02BGZ00001"
    assert chene.counterparty_name == 'Atelier "Le Chêne" SRL'  # quoted cell
    assert chene.value_date == day("2026-03-06")
    assert chene.structured_reference == "RF7720260000007"
    assert chene.remittance == "Facture F-12 RF77 2026 0000 007"

    assert run(accountant, be_account, data("export_belfius.csv")).already_known == 6


def test_a_bad_amount_is_rejected_naming_its_line_and_column(accountant, be_account):
    csv_mapping(be_account)
    content = data("export_belfius.csv").replace(b"75,25", b"75,2x")

    statement = run(accountant, be_account, content)

    assert statement.state == ImportState.REJECTED
    assert statement.error.startswith("Line 7, column “Montant”: “75,2x” is not an amount")
    assert "decimal comma" in statement.error
    assert (statement.error_line, statement.error_place) == (7, "Montant")
    assert not BankTransaction.objects.exists()


def test_a_bad_date_names_the_expected_format(accountant, be_account):
    csv_mapping(be_account)
    content = data("export_belfius.csv").replace(b"04/03/2026;04/03/2026", b"2026-03-04;04/03/2026")
    statement = run(accountant, be_account, content)
    assert statement.error == (
        "Line 4, column “Date”: “2026-03-04” is not a date in the format DD/MM/YYYY "
        "(for example 31/03/2026)."
    )


def test_a_missing_column_is_named_with_the_columns_of_the_file(accountant, be_account):
    csv_mapping(be_account, remittance="Mededeling")
    statement = run(accountant, be_account, data("export_belfius.csv"))
    assert "Line 1 (the header): there is no column “Mededeling”" in statement.error
    assert "“Communication”" in statement.error
    assert statement.error_place == "Mededeling"


def test_without_a_mapping_a_csv_file_is_rejected_saying_what_to_do(accountant, be_account):
    statement = run(accountant, be_account, data("export_belfius.csv"))
    assert statement.state == ImportState.REJECTED
    assert "no CSV column mapping" in statement.error


def test_credit_and_debit_columns_rows_to_skip_and_decimal_point(accountant, be_account):
    csv_mapping(
        be_account,
        delimiter=",",
        skip_rows=2,
        date_format="%Y-%m-%d",
        decimal_comma=False,
        booking_date="Booking date",
        value_date="",
        amount="",
        credit="Credit",
        debit="Debit",
        counterparty_name="Name",
        counterparty_iban="",
        remittance="Details",
        bank_reference="",
        encoding="windows-1252",
    )
    content = (
        "Account BE68 5390 0754 7034\r\nExported 2026-03-07\r\n"
        "Booking date,Name,Details,Credit,Debit\r\n"
        '2026-03-02,Dupont,"Invoice 42, thanks","1,210.00",\r\n'
        "2026-03-03,Café Liégeois,Refund,,-25.50\r\n"
        "\r\n"
    ).encode("cp1252")
    statement = run(accountant, be_account, content)
    assert statement.state == ImportState.IMPORTED, statement.error
    first, second = statement.transactions.order_by("id")
    assert (first.amount, first.remittance) == (D("1210.00"), "Invoice 42, thanks")
    assert (second.amount, second.counterparty_name) == (D("-25.50"), "Café Liégeois")


@pytest.mark.parametrize(
    "raw, comma, expected",
    [
        ("1.234,56", True, "1234.56"),
        ("-1.234,56", True, "-1234.56"),
        ("1234,5", True, "1234.50"),
        ("12,00-", True, "-12.00"),
        ("(12,00)", True, "-12.00"),
        ("€ 1 234,56", True, "1234.56"),
        ("+7", True, "7.00"),
        ("1,234.56", False, "1234.56"),
        ("-0.5", False, "-0.50"),
    ],
)
def test_amounts_as_banks_write_them(raw, comma, expected):
    assert csvfile.parse_amount(raw, decimal_comma=comma) == D(expected)


@pytest.mark.parametrize(
    "raw, comma",
    [
        ("12.50", True),
        ("1,234.56", True),
        ("12,50", False),
        ("1.2.3", False),
        ("12,345", True),
        ("abc", True),
        ("", True),
    ],
)
def test_amounts_that_do_not_follow_the_mapping_are_refused(raw, comma):
    # "12.50" with a decimal comma would be read as 1250: refused rather than guessed
    with pytest.raises(ValueError):
        csvfile.parse_amount(raw, decimal_comma=comma)


def test_the_preview_reads_the_first_five_rows_with_an_unsaved_mapping(be_account):
    mapping = CsvMapping(
        account=be_account,
        booking_date="Date",
        amount="Montant",
        counterparty_name="Contrepartie",
        remittance="Communication",
    )
    read, error = services.preview_csv(mapping=mapping, data=data("export_belfius.csv"))
    assert error is None
    assert [line.line for line in read.lines] == [2, 3, 4, 5, 6]
    assert read.header[:3] == ["Date", "Valeur", "Montant"]
    assert not CsvMapping.objects.exists()


def test_a_wrong_encoding_names_the_line(be_account):
    mapping = CsvMapping(account=be_account, booking_date="Date", amount="Montant")
    content = b"Date;Montant\n01/03/2026;1,00\n02/03/2026;2,00 \xe9\n"
    with pytest.raises(StatementError) as exc:
        csvfile.read(content, mapping)
    assert exc.value.line == 3
