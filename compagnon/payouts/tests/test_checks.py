"""The value rules, without a database: what a SEPA transfer carries and how it is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from compagnon.payouts import checks
from compagnon.payouts.models import RemittanceKind


@pytest.mark.parametrize(("typed", "sent"), [
    ("Société Générale & Fils", "Societe Generale + Fils"),
    ("Straße 5 — Œuvre", "Strasse 5 - OEuvre"),
    ("  two   spaces\nand a line  ", "two spaces and a line"),
    ("e-mail: a@b.example!", "e-mail: a b.example"),
])
def test_text_is_brought_into_the_sepa_character_set(typed, sent):
    assert checks.sepa_text(typed, 140) == sent


def test_ibans_are_compact_valid_and_in_the_sepa_zone():
    assert checks.iban("be71 0961 2345 6769") == "BE71096123456769"
    assert checks.iban("CH9300762011623852957") == "CH9300762011623852957"  # SEPA outside the EU
    for wrong in ("", "BE71096123456768", "XX00", "BR1800360305000010009795493C1"):
        with pytest.raises(ValidationError):
            checks.iban(wrong)


def test_references_are_read_in_every_usual_form():
    for typed in ("+++090/9337/55493+++", "***090/9337/55493***", "090/9337/55493", "090933755493"):
        assert checks.remittance(RemittanceKind.OGM, typed) == ("ogm", "090933755493")
        assert checks.remittance("", typed) == ("ogm", "090933755493")
    assert checks.remittance(RemittanceKind.RF, "rf18 5390 0754 7034") == ("rf", "RF18539007547034")
    assert checks.remittance("", "Invoice 18 of March") == ("text", "Invoice 18 of March")
    with pytest.raises(ValidationError):
        checks.remittance(RemittanceKind.OGM, "+++090/9337/55494+++")  # wrong check digits
    with pytest.raises(ValidationError):
        checks.remittance(RemittanceKind.RF, "RF19539007547034")
    with pytest.raises(ValidationError):
        checks.remittance("", "王")  # nothing a SEPA transfer can carry


def test_amounts_and_identifiers():
    assert checks.amount("12.5") == Decimal("12.50")
    for wrong in ("0", "-1", "1.001", "abc", "1000000000", "NaN"):
        with pytest.raises(ValidationError):
            checks.amount(wrong)
    assert checks.end_to_end_id("REFUND 2026/18") == "REFUND 2026/18"
    for wrong in ("/start", "end/", "a//b", "x" * 36, "é", ""):
        with pytest.raises(ValidationError):
            checks.end_to_end_id(wrong)
    assert checks.bic("gkcc bebb") == "GKCCBEBB" and checks.bic("") == ""
    with pytest.raises(ValidationError):
        checks.creditor_name("王")
