"""The amounts the law allows to claim, per country and client kind (no database)."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from compagnon.dunning import law
from compagnon.dunning.law import Terms, be_consumer_damages, be_consumer_period, legal_claim

ON = datetime.date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def amounts(claim):
    return {line.code: line.amount for line in claim.lines}


def test_france_business_penalties_at_three_times_the_legal_rate_and_40_euros():
    # due 31 January 2026, 30 days late on 2 March: 1,200.00 × 3 × 2.62 % × 30 / 365
    claim = legal_claim(jurisdiction="FR", client_kind="company", amount=D("1200"), days_late=30, step="reminder", on=ON)
    assert amounts(claim) == {"interest": D("7.75"), "indemnity": D("40")}
    assert claim.total == D("1247.75")
    assert "L441-10" in " ".join(claim.references) and "D441-5" in " ".join(claim.references)
    assert "7.86 %" in claim.explanation[0] and "without any reminder" in claim.explanation[0]


def test_france_business_interest_follows_each_half_year():
    # 1 June 2025 → 31 August 2025: 30 days at 3 × 3.71 %, then 62 days at 3 × 2.76 %
    on = datetime.date(2025, 8, 31)
    claim = legal_claim(jurisdiction="FR", client_kind="company", amount=D("1000"), days_late=92, step="reminder", on=on)
    expected = D("1000") * D("11.13") / 100 * 30 / 365 + D("1000") * D("8.28") / 100 * 62 / 365
    assert amounts(claim)["interest"] == law.money(expected) == D("23.21")
    assert claim.lines[0].detail == "92 days at 11.13 % → 8.28 % a year"


def test_france_business_ecb_plus_ten_and_contract_rate_never_below_three_times_legal():
    ecb = legal_claim(jurisdiction="FR", client_kind="company", amount=D("1000"), days_late=10, step="reminder", on=ON,
                      terms=Terms(rate_basis="ecb_plus_10"))
    assert amounts(ecb)["interest"] == law.money(D("1000") * D("12.15") / 100 * 10 / 365)
    low = legal_claim(jurisdiction="FR", client_kind="company", amount=D("1000"), days_late=10, step="reminder", on=ON,
                      terms=Terms(rate_basis="contract", contract_rate=D("1")))
    assert amounts(low)["interest"] == law.money(D("1000") * D("7.86") / 100 * 10 / 365)


def test_france_individual_reminders_cost_nothing_interest_runs_from_the_formal_notice():
    reminder = legal_claim(jurisdiction="FR", client_kind="individual", amount=D("500"), days_late=20, step="reminder", on=ON)
    assert reminder.lines == [] and reminder.total == D("500")
    assert any("L111-8" in r for r in reminder.references)
    notice = legal_claim(jurisdiction="FR", client_kind="individual", amount=D("500"), days_late=40,
                         step="formal_notice", on=ON)
    assert notice.lines == [] and "2.62 %" in notice.explanation[1]  # the rate for professional creditors
    later = legal_claim(jurisdiction="FR", client_kind="individual", amount=D("500"), days_late=70, step="litigation",
                        on=ON, formal_notice_on=ON - datetime.timedelta(days=30))
    assert amounts(later) == {"interest": law.money(D("500") * D("2.62") / 100 * 30 / 365)}
    assert "indemnity" not in amounts(later)


def test_belgium_business_interest_without_notice_and_40_euros():
    claim = legal_claim(jurisdiction="BE", client_kind="company", amount=D("2000"), days_late=45, step="reminder", on=ON)
    assert amounts(claim) == {"interest": law.money(D("2000") * D("10.5") / 100 * 45 / 365), "indemnity": D("40")}
    assert "2 August 2002" in claim.explanation[0]


@pytest.mark.parametrize(("balance", "damages"), [
    ("80", "20.00"), ("150", "20.00"), ("150.01", "30.00"), ("363", "51.30"), ("500", "65.00"),
    ("1000", "90.00"), ("39500", "2000.00"), ("100000", "2000.00"),
])
def test_belgian_consumer_damages_caps(balance, damages):
    assert be_consumer_damages(D(balance)) == D(damages)


def test_belgian_consumer_period_starts_the_day_after_an_email_or_the_third_working_day_after_a_letter():
    friday = datetime.date(2026, 3, 6)
    assert be_consumer_period(friday, "email") == (datetime.date(2026, 3, 7), datetime.date(2026, 3, 21))
    assert be_consumer_period(friday, "letter") == (datetime.date(2026, 3, 11), datetime.date(2026, 3, 25))


def test_belgium_individual_first_reminder_is_free_and_says_what_follows():
    claim = legal_claim(jurisdiction="BE", client_kind="individual", amount=D("363"), days_late=5, step="reminder", on=ON)
    assert claim.lines == [] and claim.total == D("363")
    assert claim.charge_from == datetime.date(2026, 3, 17)
    assert {line.code: line.amount for line in claim.if_unpaid}["damages"] == D("51.30")
    assert "first reminder is free" in claim.explanation[0]


def test_belgium_individual_nothing_before_fourteen_days_then_capped_damages_and_interest():
    sent = datetime.date(2026, 2, 2)  # the free reminder, by email: costs from 17 February
    early = legal_claim(jurisdiction="BE", client_kind="individual", amount=D("363"), days_late=20, step="reminder",
                        on=datetime.date(2026, 2, 16), first_reminder_on=sent)
    assert early.lines == [] and early.charge_from == datetime.date(2026, 2, 17)
    assert "nothing may be claimed before" in early.explanation[0]
    later = legal_claim(jurisdiction="BE", client_kind="individual", amount=D("363"), days_late=40, step="formal_notice",
                        on=datetime.date(2026, 3, 8), first_reminder_on=sent)
    # damages 30 + 10 % × 213 = 51.30; interest 363 × 10.5 % × 20 days (17 Feb → 8 Mar) / 365
    assert amounts(later) == {"damages": D("51.30"), "interest": law.money(D("363") * D("10.5") / 100 * 20 / 365)}


def test_belgium_individual_without_a_clause_only_legal_interest_from_the_formal_notice():
    terms = Terms(consumer_clause=False)
    first = legal_claim(jurisdiction="BE", client_kind="individual", amount=D("363"), days_late=5, step="reminder",
                        on=ON, terms=terms)
    assert first.if_unpaid == []
    later = legal_claim(jurisdiction="BE", client_kind="individual", amount=D("1000"), days_late=60, step="litigation",
                        on=ON, first_reminder_on=ON - datetime.timedelta(days=50),
                        formal_notice_on=ON - datetime.timedelta(days=30), terms=terms)
    assert amounts(later) == {"interest": law.money(D("1000") * D("4.5") / 100 * 30 / 365)}


def test_not_late_quote_follow_ups_and_unknown_countries_claim_nothing():
    assert legal_claim(jurisdiction="FR", client_kind="company", amount=D("100"), days_late=0, step="reminder", on=ON).lines == []
    assert legal_claim(jurisdiction="FR", client_kind="company", amount=D("100"), days_late=9, step="quote_follow_up",
                       on=ON).lines == []
    assert legal_claim(jurisdiction="LU", client_kind="company", amount=D("100"), days_late=9, step="reminder",
                       on=ON).lines == []


def test_unpublished_periods_reuse_the_last_rate_and_say_so():
    claim = legal_claim(jurisdiction="FR", client_kind="company", amount=D("1000"), days_late=10, step="reminder",
                        on=datetime.date(2026, 9, 1))
    assert claim.estimated_rates
    assert "not published yet" in claim.explanation[-1]
