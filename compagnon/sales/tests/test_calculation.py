"""EN 16931 totals: invariants proven over random documents, and worked examples."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from compagnon.sales.calculation import Line, compute, money, split_allowance

D = Decimal
quantities = st.decimals(min_value=D("0.001"), max_value=D("10000"), places=3)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=4)
rates = st.sampled_from([("S", D("20")), ("S", D("10")), ("S", D("5.5")), ("S", D("21")), ("S", D("6")),
                         ("E", D("0")), ("AE", D("0")), ("Z", D("0"))])
lines = st.lists(
    st.builds(lambda q, p, r, d: Line(q, p, r[0], r[1], d), quantities, prices, rates,
              st.decimals(min_value=D("0"), max_value=D("100"), places=2)),
    min_size=1, max_size=15,
)


@given(lines, st.decimals(min_value=D("0"), max_value=D("100"), places=2), st.decimals(min_value=D("0"), max_value=D("50000"), places=2),
       st.decimals(min_value=D("0"), max_value=D("5000"), places=2))
def test_totals_follow_the_en16931_identities(lines, pct, amount, charge):
    amount = min(amount, sum((line.net for line in lines), D("0")) * (D(100) - pct) / D(100))
    t = compute(lines, discount_percent=pct, discount_amount=money(amount), charge_amount=charge)
    for value in (t.line_total, t.allowance_total, t.charge_total, t.tax_exclusive, t.tax_total, t.tax_inclusive,
                  t.payable):
        assert value == value.quantize(D("0.01")), "every total has 2 decimals"
    assert t.line_total == sum(t.line_nets, D("0"))  # BT-106
    assert t.allowance_total == sum(c.allowances for c in t.categories)  # BT-107 = Σ allowances
    assert t.charge_total == sum(c.charges for c in t.categories)  # BT-108 = Σ charges
    if t.line_total:  # a charge is spread over the lines' VAT rates: all of it, to the cent
        assert t.charge_total == charge
    assert t.tax_exclusive == t.line_total - t.allowance_total + t.charge_total  # BT-109
    assert t.tax_exclusive == sum(c.taxable for c in t.categories)  # Σ BT-116
    assert t.tax_total == sum(c.tax for c in t.categories)  # BT-110
    assert t.tax_inclusive == t.tax_exclusive + t.tax_total  # BT-112
    for c in t.categories:
        assert c.tax == (c.taxable * c.rate / 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")  # BT-117


@given(st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2),
       st.dictionaries(st.sampled_from([("S", D("20")), ("S", D("10")), ("E", D("0"))]),
                       st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2), min_size=1))
def test_a_split_discount_adds_up_exactly(amount, bases):
    shares = split_allowance(amount, bases)
    assert sum(shares.values()) == amount


def test_vat_is_computed_per_rate_on_the_sum_not_per_line():
    # three lines of 0.33 at 20%: per-line VAT would give 3 × 0.07 = 0.21; EN 16931 gives 0.99 × 20% = 0.20
    t = compute([Line(D("1"), D("0.33"), "S", D("20"))] * 3)
    assert t.tax_exclusive == D("0.99") and t.tax_total == D("0.20") and t.tax_inclusive == D("1.19")


def test_line_net_rounds_half_up_after_the_discount():
    line = Line(D("3"), D("33.335"), "S", D("20"), discount_percent=D("10"))
    assert line.net == D("90.00")  # 3 × 33.335 = 100.005; −10% = 90.0045 → 90.00
    assert Line(D("1"), D("0.125"), "S", D("20")).net == D("0.13")


def test_a_fixed_discount_is_split_over_the_rates_and_prepaid_is_deducted():
    t = compute([Line(D("1"), D("300"), "S", D("20")), Line(D("1"), D("100"), "S", D("5.5"))],
                discount_amount=D("40"), prepaid=D("100"))
    shares = {c.rate: c.allowances for c in t.categories}
    assert shares == {D("20"): D("30.00"), D("5.5"): D("10.00")}
    assert t.tax_exclusive == D("360.00")
    assert t.tax_total == D("54.00") + D("4.95")
    assert t.payable == t.tax_inclusive - D("100.00")


def test_an_additional_charge_follows_the_vat_of_the_work_and_is_taxed_with_it():
    # travel costs of 50 on 300 of work at 20 % and 100 of books at 5.5 %: 37.50 and 12.50
    t = compute([Line(D("1"), D("300"), "S", D("20")), Line(D("1"), D("100"), "S", D("5.5"))],
                charge_amount=D("50"))
    assert {c.rate: c.charges for c in t.categories} == {D("20"): D("37.50"), D("5.5"): D("12.50")}
    assert {c.rate: c.taxable for c in t.categories} == {D("20"): D("337.50"), D("5.5"): D("112.50")}
    assert t.charge_total == D("50.00") and t.tax_exclusive == D("450.00")
    assert t.tax_total == D("67.50") + D("6.19")
    assert sorted(t.charges) == [("S", D("5.5"), D("12.50")), ("S", D("20"), D("37.50"))]
