"""The charts of accounts: one per jurisdiction, the same roles in each, every VAT rate covered."""

from decimal import Decimal

import pytest

from compagnon import jurisdictions
from compagnon.jurisdictions import charts

D = Decimal


@pytest.mark.parametrize("code", ["FR", "BE"])
def test_a_chart_has_unique_numbers_and_known_kinds(code):
    chart = charts.chart_for(code)
    numbers = [a.code for a in chart]
    assert len(numbers) == len(set(numbers))
    assert all(a.code.isdigit() and a.kind in charts.KINDS for a in chart)
    keys = [(a.role, a.vat_rate) for a in chart if a.role]
    assert len(keys) == len(set(keys)), "a role (at a rate) names one account"
    # the class of the number agrees with the kind (1-5 balance sheet, 6 expenses, 7 income)
    for a in chart:
        expected = {"6": charts.EXPENSE, "7": charts.INCOME}.get(a.code[0])
        assert expected is None or a.kind == expected, a
        if a.code[0] in "12345":
            assert a.kind in (charts.ASSET, charts.LIABILITY, charts.EQUITY), a


def test_both_charts_offer_the_same_roles_so_code_never_branches_on_a_country():
    assert charts.roles("FR") == charts.roles("BE")
    needed = {
        "receivable",
        "revenue_services",
        "revenue_goods",
        "vat_collected",
        "vat_deductible",
        "bank",
        "member_current",
        "contribution_income",
        "contribution_charge",
        "supplier",
        "salaries_payable",
        "customer_advances",
        "late_payment_interest",
    }
    assert needed <= charts.roles("FR")
    assert {j.role for j in charts.journals_for("FR")} == {
        j.role for j in charts.journals_for("BE")
    }


@pytest.mark.parametrize("code", ["FR", "BE"])
def test_every_non_zero_vat_rate_of_the_jurisdiction_has_its_collected_vat_account(code):
    for rate in jurisdictions.get(code).vat_rates:
        if rate.rate:
            assert charts.role_account_code(code, "vat_collected", rate.rate)


@pytest.mark.parametrize(
    ("code", "role", "rate", "number"),
    [
        ("FR", "receivable", None, "411"),
        ("BE", "receivable", None, "400"),
        ("FR", "revenue_services", None, "706"),
        ("FR", "revenue_goods", None, "707"),
        ("FR", "vat_collected", D("20"), "445712"),
        ("FR", "vat_collected", D("5.50"), "445713"),
        ("BE", "vat_collected", D("21.0"), "451021"),
        ("FR", "bank", None, "512"),
        ("BE", "bank", None, "550"),
        ("FR", "member_current", None, "455"),
        ("BE", "member_current", None, "489"),
        ("FR", "supplier", None, "401"),
        ("BE", "supplier", None, "440"),
        ("BE", "salaries_payable", None, "455"),
    ],
)
def test_roles_answer_the_usual_numbers(code, role, rate, number):
    assert charts.role_account_code(code, role, rate) == number


def test_wrong_questions_get_clear_answers():
    with pytest.raises(LookupError, match="needs a VAT rate"):
        charts.role_account_code("FR", "vat_collected")
    with pytest.raises(LookupError, match="no VAT rate"):
        charts.role_account_code("FR", "bank", D("20"))
    with pytest.raises(LookupError, match="7"):
        charts.role_account_code("FR", "vat_collected", D("7"))
    with pytest.raises(LookupError):
        charts.chart_for("DE")
    with pytest.raises(TypeError):
        charts.role_account_code("FR", "vat_collected", 20.0)
    assert charts.journal_code("FR", "sales") == "VT" and charts.journal_code("BE", "sales") == "VE"
