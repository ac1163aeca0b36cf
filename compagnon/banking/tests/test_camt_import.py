"""Importing camt.053 statements of every version: what is read from each entry, and what is
written (the transactions, the statement's counts, the audit log)."""

from decimal import Decimal

import pytest

from compagnon.audit.models import AuditEvent
from compagnon.banking import services
from compagnon.banking.models import BankTransaction, ImportState, StatementFormat

from .helpers import BE_IBAN, as_version, camt, data, day, entry

pytestmark = pytest.mark.django_db
D = Decimal


def run(actor, account, content, name="statement.xml"):
    return services.import_statement(actor=actor, account=account, data=content, filename=name)


def rows(statement):
    return list(statement.transactions.order_by("id"))


def test_a_belgian_camt_053_001_02_statement_imports_with_its_references(accountant, be_account):
    statement = run(accountant, be_account, data("camt053_v02_belfius.xml"), "belfius.xml")

    assert statement.state == ImportState.IMPORTED, statement.error
    assert statement.format == StatementFormat.CAMT053
    assert (statement.imported, statement.already_known) == (4, 0)
    assert statement.statement_id == "2026/031"
    assert (statement.period_start, statement.period_end) == (day("2026-03-02"), day("2026-03-05"))
    assert (statement.opening_balance, statement.closing_balance) == (D("1000.00"), D("2357.60"))
    ogm, free_text, supplier, charges = rows(statement)
    # a client pays with the structured communication of the invoice
    assert ogm.amount == D("1210.00")
    assert ogm.structured_reference == "261000004290"
    assert ogm.counterparty_name == "Boulangerie Dupont SPRL"
    assert ogm.counterparty_iban == "BE71096123456769"
    assert ogm.counterparty_bic == "GKCCBEBB"
    assert ogm.end_to_end_id == "INV-2026-0042"
    assert ogm.bank_reference == "2026030200001"
    assert ogm.bank_code == "PMNT-RCDT-ESCT"
    assert (ogm.booking_date, ogm.value_date) == (day("2026-03-02"), day("2026-03-02"))
    # the unstructured lines are joined; "NOTPROVIDED" is no reference
    assert free_text.remittance == "Factuur 2026-0043 tuinonderhoud maart"
    assert free_text.structured_reference == ""
    assert free_text.end_to_end_id == ""
    # money out: negative, the creditor is the counterparty
    assert supplier.amount == D("-89.90")
    assert (supplier.counterparty_name, supplier.counterparty_iban) == (
        "Proximus SA",
        "BE80734001122377",
    )
    assert supplier.remittance == "Facture 123456789 février"
    # account charges: no details, the entry's information is the communication
    assert charges.amount == D("-12.50")
    assert charges.bank_code == "ACMT-MDOP-CHRG"
    assert charges.remittance == "Frais de gestion de compte février 2026"
    assert {t.state for t in rows(statement)} == {"unmatched"}
    event = AuditEvent.objects.get(action="bank_statement.imported")
    assert event.entity_id == be_account.entity_id and event.actor_id == accountant.pk


def test_a_french_camt_053_001_04_batch_entry_is_split_into_its_transfers(
    fr_accountant, fr_account
):
    statement = run(fr_accountant, fr_account, data("camt053_v04_credit_agricole.xml"))

    assert statement.state == ImportState.IMPORTED, statement.error
    assert statement.imported == 6  # the batch of three, one transfer, one payment, charges
    martin, mairie, bernard, lefebvre, urssaf, charges = rows(statement)
    assert [martin.amount, mairie.amount, bernard.amount] == [D("600"), D("500"), D("400")]
    assert {martin.bank_reference, mairie.bank_reference, bernard.bank_reference} == {
        "0309B0000012"
    }
    assert len({martin.fingerprint, mairie.fingerprint, bernard.fingerprint}) == 3
    # RF references, from the structured field or typed in the text; compact
    assert martin.structured_reference == "RF7720260000007"
    assert martin.counterparty_bic == "BNPAFRPP"  # BICFI from .04 on
    assert mairie.structured_reference == ""
    assert mairie.remittance == "MANDAT 2026-118 FACTURE F-2026-0008"
    assert bernard.structured_reference == "RF2320260000009"
    assert lefebvre.structured_reference == "RF5020260000008"
    assert urssaf.amount == D("-1800.00")
    assert urssaf.counterparty_name == "URSSAF PAYS DE LA LOIRE"
    assert charges.amount == D("-45.00")
    assert (statement.opening_balance, statement.closing_balance) == (
        D("15230.45"),
        D("15605.45"),
    )


def test_a_camt_053_001_08_statement_reads_parties_under_pty_and_skips_pending_entries(
    accountant, be_account
):
    statement = run(accountant, be_account, data("camt053_v08_kbc.xml"))

    assert statement.state == ImportState.IMPORTED, statement.error
    assert statement.imported == 6  # the pending entry is not imported
    janssens, els, tom, lotte, sofie, charges = rows(statement)
    assert janssens.counterparty_name == "Bakkerij Janssens BV"
    assert janssens.structured_reference == "261000004391"  # "+++261/0000/04391+++" compacted
    assert janssens.counterparty_bic == "GKCCBEBB"
    assert [t.counterparty_name for t in (els, tom, lotte)] == [
        "Els Vermeulen",
        "Tom De Smet",
        "Lotte Maes",
    ]
    assert sum(t.amount for t in (els, tom, lotte)) == D("-2400.00")
    assert els.end_to_end_id == "PAYOUT-2026-04-M00012"
    assert sofie.structured_reference == "261000010152"  # typed in the free text
    assert sofie.remittance == "+++261/0000/10152+++"
    assert charges.remittance == "Kosten overschrijvingen april"


@pytest.mark.parametrize("version", ["03", "05", "06", "07"])
def test_versions_without_an_xsd_at_hand_import_after_the_structural_check(
    fr_accountant, fr_account, version
):
    content = as_version(data("camt053_v04_credit_agricole.xml"), version)
    statement = run(fr_accountant, fr_account, content)
    assert statement.state == ImportState.IMPORTED, statement.error
    assert statement.imported == 6


@pytest.mark.parametrize("version", ["02", "08"])
def test_built_files_of_the_validated_versions_import(accountant, be_account, version):
    content = camt(
        BE_IBAN,
        [
            entry(100, ref="R1", name="Ann", iban="BE71096123456769", strd="261000004290"),
            entry(-40, ref="R2", name="Supplier & Co", ustrd="Invoice 7"),
        ],
        version=version,
    )
    statement = run(accountant, be_account, content)
    assert statement.state == ImportState.IMPORTED, statement.error
    first, second = rows(statement)
    assert (first.amount, first.counterparty_name, first.structured_reference) == (
        D("100.00"),
        "Ann",
        "261000004290",
    )
    assert (second.amount, second.counterparty_name, second.remittance) == (
        D("-40.00"),
        "Supplier & Co",
        "Invoice 7",
    )


def test_the_placeholder_matcher_counts_money_in_left_to_match(accountant, be_account):
    statement = run(accountant, be_account, data("camt053_v02_belfius.xml"))
    assert (statement.matched, statement.to_match) == (0, 2)


def test_the_matcher_gets_the_new_transactions_saved_inside_the_import(
    accountant, be_account, monkeypatch
):
    seen = []

    def fake(transactions, *, actor=None):
        seen.extend(transactions)
        from compagnon.banking.hooks import MatchCounts

        return MatchCounts(matched=1, to_match=len(transactions) - 1)

    monkeypatch.setattr("compagnon.banking.hooks.MATCHERS", [fake])
    statement = run(accountant, be_account, data("camt053_v02_belfius.xml"))
    assert all(t.pk for t in seen) and len(seen) == 4
    assert (statement.matched, statement.to_match) == (1, 3)
    assert BankTransaction.objects.filter(pk__in=[t.pk for t in seen]).count() == 4
