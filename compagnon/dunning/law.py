"""Late-payment law: what may be claimed from a client who pays late, from when, and why.

One function answers for every country and client kind::

    legal_claim(jurisdiction="FR", client_kind="company", amount=Decimal("1200"), days_late=40,
                step="reminder", on=date(2026, 3, 1))

and returns a :class:`Claim`: the amounts (interest, fixed indemnity or damages), a plain-language
explanation in the active language and the legal texts applied. The rules live here, a section per
(country, client kind), each citing the texts it applies; the rates are data below, one row per
period with its source, so a new half-year is one line.

The creditor is always the cooperative (a company acting professionally); the law applied is the
seller entity's (the one its terms of sale choose). Amounts are simple interest, days / 365, on the
amount still due (incl. VAT), rounded to the cent at the end.

Texts applied (as read when this was written; the rate rows cite their arrêté or notice; see the
notes marked NOTE and UNCERTAIN, and have a lawyer confirm before relying on it):

France, business client (B2B)
    Code de commerce art. L441-10 II: late-payment penalties are due from the day after the due
    date, "sans qu'un rappel soit nécessaire", at the rate of the terms of sale, which may not be
    lower than three times the legal interest rate; without a stipulated rate, the ECB's rate for
    its most recent main refinancing operation plus 10 points (the rate in force on 1 January for
    the first half-year, on 1 July for the second). Invoices of this platform print "three times
    the French legal interest rate" (jurisdictions/fr.py, business_mentions), so that is the
    default basis here. Art. L441-10 II and D441-5: a fixed recovery indemnity of 40 euros per
    invoice, due by law.
France, private client (B2C)
    No penalty clause of L441-10 (professionals only), no fixed indemnity. Code civil art. 1231-6:
    damages for late payment of money are interest at the legal rate "à compter de la mise en
    demeure"; art. 1344: the debtor is put on notice by a summons or a letter that is a sufficient
    demand. Code des procédures civiles d'exécution art. L111-8: recovery costs without an
    enforceable title stay with the creditor, so reminders cost the client nothing.
    Code monétaire et financier art. L313-2: there are two legal rates, one "lorsque le créancier
    est une personne physique n'agissant pas pour des besoins professionnels" and one "dans tous
    les autres cas". The creditor being the cooperative, the second one applies — even when the
    client is a private individual. (NOTE: the brief said "the particuliers rate"; the text ties
    the rate to the creditor, not the debtor.)
Belgium, business client (B2B)
    Law of 2 August 2002 on late payment in commercial transactions, art. 5: interest is due by
    law and without notice from the day after the due date, at the rate of art. 5 al. 2 (the
    ECB's main refinancing rate + 8 points, rounded up to the next half point, published per
    half-year by the FPS Finance) unless the parties agreed otherwise; art. 6: a fixed indemnity of
    40 euros for recovery costs, due by law and without notice (reasonable further costs may be
    claimed on proof: not automated).
Belgium, private client (B2C)
    Code of economic law, Book XIX "Debts of the consumer", inserted by the law of 4 MAY 2023
    (Moniteur belge 23 May 2023; the brief said 4 August): in force on 1 September 2023 for
    contracts made from then, and from 1 December 2023 for any debt falling due unpaid after that
    date. Art. XIX.2: the first reminder is free; the consumer then has at least 14 calendar days
    to pay, counted from the third working day after a reminder sent on paper, or from the day
    after a reminder sent electronically (NOTE: the brief said "+3 days if sent by email"; it is
    the paper letter that adds three working days). Only after that period, and only if the
    contract provides for it, the company may claim late-payment interest at most at the rate of
    art. 5 al. 2 of the law of 2 August 2002, and fixed damages of at most: 20 EUR if the balance
    due is <= 150 EUR; 30 EUR + 10 % of the part between 150.01 and 500 EUR; 65 EUR + 5 % of the
    part above 500 EUR, with a maximum of 2,000 EUR. Without such a clause, only moratory
    interest at the legal rate runs from a formal notice (Civil Code, former art. 1153, now Book 5
    of the Civil Code — UNCERTAIN on the new article number).

UNCERTAIN and simplified on purpose (the conservative reading is applied; say so to a lawyer):
* Belgian B2C interest is counted from the end of the 14-day period, not from the due date
  (the text forbids costs during the period; some read interest as running from the due date).
* Working days for the Belgian paper-letter period are Monday to Friday; public holidays are not
  counted out.
* Rates of a half-year not yet published reuse the last published one; the claim says so
  (``estimated_rates``). 2026 H1 ECB and Belgian rates: the ECB rate had not changed since June
  2025; the FPS Finance notice for 2026 H1 was announced unchanged (10.5 %) when written.
* Cross-border consumer contracts (a Belgian consumer buying from a French entity…) may fall
  under the consumer's law (Rome I art. 6): not handled, the seller's law is applied.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

D = Decimal
CENT = D("0.01")
ZERO = D("0")
ONE = D("1")
DAYS_IN_YEAR = D("365")

# Step kinds (mirrors models.StepKind; kept as plain strings so this module needs no database).
REMINDER, FORMAL_NOTICE, LITIGATION, QUOTE_FOLLOW_UP = "reminder", "formal_notice", "litigation", "quote_follow_up"
COMPANY, INDIVIDUAL = "company", "individual"


@dataclass(frozen=True)
class Rate:
    start: datetime.date  # valid from this day until the next row's start
    rate: Decimal  # percent a year
    source: str


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# France — taux de l'intérêt légal, "pour tous les autres cas" (creditor not a private individual),
# set per half-year by arrêté (Code monétaire et financier L313-2, D313-1-A).
FR_LEGAL_RATE = (
    Rate(_d("2023-01-01"), D("2.06"), "Arrêté of December 2022, JORF — 1st half-year 2023"),
    Rate(_d("2023-07-01"), D("4.22"), "Arrêté du 27 juin 2023 (ECOT2317028A), JORF 30 June 2023"),
    Rate(_d("2024-01-01"), D("5.07"), "Arrêté du 21 décembre 2023, JORF"),
    Rate(_d("2024-07-01"), D("4.92"), "Arrêté du 26 juin 2024, JORF"),
    Rate(_d("2025-01-01"), D("3.71"), "Arrêté du 17 décembre 2024, JORF"),
    Rate(_d("2025-07-01"), D("2.76"), "Arrêté du 19 juin 2025 (ECOT2516925A), JORF 24 June 2025"),
    Rate(_d("2026-01-01"), D("2.62"), "Arrêté du 15 décembre 2025, JORF 26 December 2025"),
)
# The rate for creditors who are private individuals (same arrêtés): kept for reference and for a
# member's own claims; the cooperative never uses it.
FR_LEGAL_RATE_INDIVIDUAL_CREDITOR = (
    Rate(_d("2023-01-01"), D("4.47"), "Arrêté of December 2022, JORF"),
    Rate(_d("2023-07-01"), D("6.82"), "Arrêté du 27 juin 2023, JORF 30 June 2023"),
    Rate(_d("2024-01-01"), D("8.01"), "Arrêté du 21 décembre 2023, JORF"),
    Rate(_d("2024-07-01"), D("8.16"), "Arrêté du 26 juin 2024, JORF"),
    Rate(_d("2025-01-01"), D("7.21"), "Arrêté du 17 décembre 2024, JORF"),
    Rate(_d("2025-07-01"), D("6.65"), "Arrêté du 19 juin 2025, JORF 24 June 2025"),
    Rate(_d("2026-01-01"), D("6.67"), "Arrêté du 15 décembre 2025, JORF 26 December 2025"),
)
# ECB main refinancing operations rate in force on 1 January and 1 July (ECB key interest rates).
ECB_REFI_RATE = (
    Rate(_d("2023-01-01"), D("2.50"), "ECB, MRO rate from 21 December 2022"),
    Rate(_d("2023-07-01"), D("4.00"), "ECB, MRO rate from 21 June 2023"),
    Rate(_d("2024-01-01"), D("4.50"), "ECB, MRO rate from 20 September 2023"),
    Rate(_d("2024-07-01"), D("4.25"), "ECB, MRO rate from 12 June 2024"),
    Rate(_d("2025-01-01"), D("3.15"), "ECB, MRO rate from 18 December 2024"),
    Rate(_d("2025-07-01"), D("2.15"), "ECB, MRO rate from 11 June 2025"),
    Rate(_d("2026-01-01"), D("2.15"), "ECB, MRO rate unchanged since 11 June 2025"),
)
# Belgium — interest for late payment in commercial transactions, law of 2 August 2002 art. 5 al. 2
# (ECB rate + 8 points, rounded up to the half point), notice of the FPS Finance per half-year.
BE_LATE_PAYMENT_RATE = (
    Rate(_d("2023-01-01"), D("10.50"), "FPS Finance notice, Moniteur belge, 1st half-year 2023"),
    Rate(_d("2023-07-01"), D("12.00"), "FPS Finance notice, Moniteur belge, 2nd half-year 2023"),
    Rate(_d("2024-01-01"), D("12.50"), "FPS Finance notice, Moniteur belge, 1st half-year 2024"),
    Rate(_d("2024-07-01"), D("12.50"), "FPS Finance notice, Moniteur belge 30 July 2024"),
    Rate(_d("2025-01-01"), D("11.50"), "FPS Finance notice, Moniteur belge, 1st half-year 2025"),
    Rate(_d("2025-07-01"), D("10.50"), "FPS Finance notice, Moniteur belge, 2nd half-year 2025"),
    Rate(_d("2026-01-01"), D("10.50"), "FPS Finance, 1st half-year 2026 (announced unchanged)"),
)
# Belgium — legal interest rate (law of 5 May 1865 on interest-bearing loans, art. 2), per year.
BE_LEGAL_RATE = (
    Rate(_d("2023-01-01"), D("5.25"), "FPS Finance notice, Moniteur belge, year 2023"),
    Rate(_d("2024-01-01"), D("5.75"), "FPS Finance notice, Moniteur belge, year 2024"),
    Rate(_d("2025-01-01"), D("4.50"), "FPS Finance notice, Moniteur belge, year 2025"),
    Rate(_d("2026-01-01"), D("4.50"), "FPS Finance notice, Moniteur belge, year 2026"),
)

FR_FIXED_INDEMNITY = D("40")  # Code de commerce D441-5
BE_FIXED_INDEMNITY = D("40")  # law of 2 August 2002, art. 6
BE_CONSUMER_PERIOD_DAYS = 14  # Code of economic law, art. XIX.2


@dataclass(frozen=True)
class Terms:
    """What the entity's terms of sale say (CollectionPlan fields)."""

    # Business clients: "default" (France: three times the legal rate, what invoices print;
    # Belgium: the rate of the law of 2 August 2002), "ecb_plus_10" (France: the legal default when
    # the terms state no rate) or "contract" (``contract_rate``; in France never below three times
    # the legal rate).
    rate_basis: str = "default"
    contract_rate: Decimal | None = None
    # The terms with private clients provide for late-payment interest and fixed damages (needed
    # in Belgium to claim them at all, Book XIX art. XIX.2).
    consumer_clause: bool = True


@dataclass(frozen=True)
class ClaimLine:
    code: str  # "interest", "indemnity" or "damages"
    amount: Decimal
    label: str
    detail: str = ""


@dataclass
class Claim:
    jurisdiction: str
    client_kind: str
    step: str
    principal: Decimal
    days_late: int
    lines: list[ClaimLine] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    # Belgian consumers: first day costs may be claimed, and what will be claimed then if unpaid
    charge_from: datetime.date | None = None
    if_unpaid: list[ClaimLine] = field(default_factory=list)
    estimated_rates: bool = False

    @property
    def extra(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.principal + self.extra

    @property
    def if_unpaid_total(self) -> Decimal:
        return sum((line.amount for line in self.if_unpaid), ZERO)

    def as_dict(self) -> dict:
        """JSON-friendly (kept in AutomatedAction.result: what was claimed, and why)."""
        return {
            "jurisdiction": self.jurisdiction, "client_kind": self.client_kind, "step": self.step,
            "principal": str(self.principal), "days_late": self.days_late,
            "lines": [{"code": x.code, "amount": str(x.amount), "label": str(x.label), "detail": str(x.detail)}
                      for x in self.lines],
            "extra": str(self.extra), "total": str(self.total),
            "explanation": [str(x) for x in self.explanation], "references": list(self.references),
            "charge_from": self.charge_from.isoformat() if self.charge_from else None,
            "if_unpaid": [{"code": x.code, "amount": str(x.amount), "label": str(x.label)} for x in self.if_unpaid],
            "estimated_rates": self.estimated_rates,
        }


# --- arithmetic ---------------------------------------------------------------------------------


def money(value) -> Decimal:
    return D(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _rate_at(series: tuple[Rate, ...], day: datetime.date) -> Rate:
    current = series[0]
    for row in series:
        if row.start <= day:
            current = row
    return current


def _is_estimated(series: tuple[Rate, ...], day: datetime.date, *, yearly: bool = False) -> bool:
    """A day past the last published period (next half-year, or next year for yearly series)."""
    last = series[-1].start
    if yearly:
        return day.year > last.year
    half = datetime.date(day.year, 1 if day.month <= 6 else 7, 1)
    return half > last


def _periods(series, first: datetime.date, last: datetime.date):
    """(from, to, Rate) slices of [first, last] (inclusive), one per rate row."""
    starts = [r.start for r in series if first < r.start <= last]
    cuts = [first, *starts]
    for i, begin in enumerate(cuts):
        end = cuts[i + 1] - datetime.timedelta(days=1) if i + 1 < len(cuts) else last
        yield begin, end, _rate_at(series, begin)


@dataclass(frozen=True)
class InterestResult:
    amount: Decimal
    days: int
    rates: tuple[Decimal, ...]  # the annual rates applied, in order
    estimated: bool


def interest(principal: Decimal, first: datetime.date, last: datetime.date, series, *,
             multiplier: Decimal = ONE, plus: Decimal = ZERO, floor_series=None,
             fixed_rate: Decimal | None = None, yearly: bool = False) -> InterestResult:
    """Simple interest on ``principal`` for each day from ``first`` to ``last`` included, at
    ``rate × multiplier + plus`` of the period each day falls in (or ``fixed_rate``; with
    ``floor_series`` the rate is never below three times that series, French B2B)."""
    if last < first or principal <= 0:
        return InterestResult(ZERO, 0, (), False)
    total, rates, estimated = ZERO, [], False
    for begin, end, row in _periods(series, first, last):
        rate = fixed_rate if fixed_rate is not None else row.rate * multiplier + plus
        if floor_series is not None:
            rate = max(rate, _rate_at(floor_series, begin).rate * 3)
        days = (end - begin).days + 1
        total += principal * rate / 100 * days / DAYS_IN_YEAR
        if not rates or rates[-1] != rate:
            rates.append(rate)
        estimated = estimated or _is_estimated(series, end, yearly=yearly)
    return InterestResult(money(total), (last - first).days + 1, tuple(rates), estimated)


def be_consumer_damages(balance: Decimal) -> Decimal:
    """The cap of fixed damages for a Belgian consumer (Code of economic law art. XIX.2):
    20 EUR up to 150 EUR; 30 EUR + 10 % of the part from 150.01 to 500 EUR; 65 EUR + 5 % of the part
    above 500 EUR, at most 2,000 EUR."""
    balance = money(balance)
    if balance <= 0:
        return ZERO
    if balance <= D("150"):
        return D("20.00")
    if balance <= D("500"):
        return money(D("30") + (balance - D("150")) * D("0.10"))
    return min(money(D("65") + (balance - D("500")) * D("0.05")), D("2000.00"))


def working_days_after(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day (Monday to Friday) after ``day``."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def be_consumer_period(sent_on: datetime.date, channel: str) -> tuple[datetime.date, datetime.date]:
    """(first day of the 14-day period, first day costs may be claimed) after the free reminder:
    the period starts on the third working day after a paper letter, on the day after an email."""
    start = working_days_after(sent_on, 3) if channel == "letter" else sent_on + datetime.timedelta(days=1)
    return start, start + datetime.timedelta(days=BE_CONSUMER_PERIOD_DAYS)


# --- formatting ---------------------------------------------------------------------------------


def _pct(rates) -> str:
    return " → ".join(f"{number_format(r.normalize() if r == r.to_integral() else r, decimal_pos=2)} %" for r in rates)


def _eur(value: Decimal) -> str:
    return f"{number_format(money(value), decimal_pos=2, force_grouping=True)} €"


def _day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- the rules, one function per (country, client kind) ------------------------------------------


@dataclass(frozen=True)
class Situation:
    amount: Decimal
    due_date: datetime.date
    on: datetime.date
    step: str
    first_reminder_on: datetime.date | None
    first_reminder_channel: str
    formal_notice_on: datetime.date | None
    channel: str
    terms: Terms

    @property
    def days_late(self) -> int:
        return max((self.on - self.due_date).days, 0)


def _fr_business(s: Situation, claim: Claim) -> None:
    claim.references += ["Code de commerce, art. L441-10 II", "Code de commerce, art. D441-5",
                         "Code monétaire et financier, art. L313-2"]
    first, last = s.due_date + datetime.timedelta(days=1), s.on
    basis = s.terms.rate_basis
    if basis == "ecb_plus_10":
        result = interest(s.amount, first, last, ECB_REFI_RATE, plus=D("10"))
        how = _("the ECB refinancing rate plus 10 points (the legal default when the terms state no rate)")
    elif basis == "contract" and s.terms.contract_rate is not None:
        result = interest(s.amount, first, last, FR_LEGAL_RATE, fixed_rate=D(s.terms.contract_rate),
                          floor_series=FR_LEGAL_RATE)
        how = _("the rate of the terms of sale (never below three times the legal interest rate)")
    else:
        result = interest(s.amount, first, last, FR_LEGAL_RATE, multiplier=D("3"))
        how = _("three times the French legal interest rate, as printed on the invoice")
    claim.estimated_rates = result.estimated
    if result.amount:
        claim.lines.append(ClaimLine("interest", result.amount, _("Late-payment penalties"),
                                     _("%(days)s days at %(rate)s a year") % {"days": result.days, "rate": _pct(result.rates)}))
    claim.lines.append(ClaimLine("indemnity", FR_FIXED_INDEMNITY, _("Fixed recovery indemnity"),
                                 _("fixed by law, per invoice")))
    claim.explanation.append(
        _("The client is a business: late-payment penalties run from the day after the due date, without "
          "any reminder being needed, at %(how)s (%(rate)s a year): %(interest)s for %(days)s days. A fixed "
          "recovery indemnity of 40 € is due as well (French Commercial Code, articles L441-10 and D441-5).")
        % {"how": how, "rate": _pct(result.rates), "interest": _eur(result.amount), "days": result.days})


def _fr_individual(s: Situation, claim: Claim) -> None:
    claim.references += ["Code civil, art. 1231-6", "Code civil, art. 1344",
                         "Code des procédures civiles d'exécution, art. L111-8",
                         "Code monétaire et financier, art. L313-2"]
    claim.explanation.append(
        _("The client is a private individual: no late-payment penalty and no fixed indemnity apply, and "
          "reminders cost them nothing (recovery costs without a court order stay with the creditor)."))
    if s.step == FORMAL_NOTICE:
        rate = _rate_at(FR_LEGAL_RATE, s.on)
        claim.explanation.append(
            _("This formal notice makes interest at the legal rate (%(rate)s a year) run on the amount due from "
              "today (French Civil Code, articles 1231-6 and 1344).") % {"rate": _pct([rate.rate])})
        return
    if s.formal_notice_on is None:
        claim.explanation.append(
            _("Interest at the legal rate only runs from a formal notice; none has been sent yet."))
        return
    result = interest(s.amount, s.formal_notice_on + datetime.timedelta(days=1), s.on, FR_LEGAL_RATE)
    claim.estimated_rates = result.estimated
    if result.amount:
        claim.lines.append(ClaimLine("interest", result.amount, _("Interest at the legal rate"),
                                     _("%(days)s days at %(rate)s a year") % {"days": result.days, "rate": _pct(result.rates)}))
    claim.explanation.append(
        _("Interest at the legal rate (%(rate)s a year) runs since the formal notice of %(date)s: %(interest)s "
          "(French Civil Code, article 1231-6).")
        % {"rate": _pct(result.rates) or _pct([_rate_at(FR_LEGAL_RATE, s.on).rate]),
           "date": _day(s.formal_notice_on), "interest": _eur(result.amount)})


def _be_business(s: Situation, claim: Claim) -> None:
    claim.references += ["Loi du 2 août 2002 / Wet van 2 augustus 2002, art. 5 et 6"]
    first, last = s.due_date + datetime.timedelta(days=1), s.on
    if s.terms.contract_rate is not None and s.terms.rate_basis == "contract":
        result = interest(s.amount, first, last, BE_LATE_PAYMENT_RATE, fixed_rate=D(s.terms.contract_rate))
    else:
        result = interest(s.amount, first, last, BE_LATE_PAYMENT_RATE)
    claim.estimated_rates = result.estimated
    if result.amount:
        claim.lines.append(ClaimLine("interest", result.amount, _("Late-payment interest"),
                                     _("%(days)s days at %(rate)s a year") % {"days": result.days, "rate": _pct(result.rates)}))
    claim.lines.append(ClaimLine("indemnity", BE_FIXED_INDEMNITY, _("Fixed recovery indemnity"),
                                 _("fixed by law, per invoice")))
    claim.explanation.append(
        _("The client is a business: interest runs by law from the day after the due date, without notice, at "
          "the rate for commercial transactions (%(rate)s a year): %(interest)s for %(days)s days, plus a fixed "
          "indemnity of 40 € for recovery costs (Belgian law of 2 August 2002, articles 5 and 6).")
        % {"rate": _pct(result.rates), "interest": _eur(result.amount), "days": result.days})


def _be_individual(s: Situation, claim: Claim) -> None:
    claim.references += ["Code de droit économique / Wetboek van economisch recht, art. XIX.2",
                         "Loi du 2 août 2002 / Wet van 2 augustus 2002, art. 5"]
    damages = be_consumer_damages(s.amount)
    if s.first_reminder_on is None:
        # this step is the first reminder: free, and it must say what will follow
        start, charge_from = be_consumer_period(s.on, s.channel)
        claim.charge_from = charge_from
        if s.terms.consumer_clause:
            claim.if_unpaid.append(ClaimLine("damages", damages, _("Fixed damages (legal cap)")))
            rate = _rate_at(BE_LATE_PAYMENT_RATE, charge_from).rate
            claim.if_unpaid.append(ClaimLine("interest", ZERO, _("Late-payment interest"),
                                             _("%(rate)s a year from %(date)s") % {"rate": _pct([rate]), "date": _day(charge_from)}))
            claim.explanation.append(
                _("The client is a private individual: this first reminder is free. They have 14 calendar days, "
                  "from %(start)s, to pay without any cost; if the amount is still unpaid on %(date)s, fixed damages "
                  "of %(damages)s and interest at %(rate)s a year may be claimed (Belgian Code of economic law, "
                  "article XIX.2).")
                % {"start": _day(start), "date": _day(charge_from), "damages": _eur(damages), "rate": _pct([rate])})
        else:
            claim.explanation.append(
                _("The client is a private individual: this first reminder is free. They have 14 calendar days, "
                  "from %(start)s, to pay (Belgian Code of economic law, article XIX.2).") % {"start": _day(start)})
        return
    start, charge_from = be_consumer_period(s.first_reminder_on, s.first_reminder_channel)
    claim.charge_from = charge_from
    if s.on < charge_from:
        claim.explanation.append(
            _("The client is a private individual: nothing may be claimed before %(date)s, the end of the 14 days "
              "that followed the free first reminder (Belgian Code of economic law, article XIX.2).")
            % {"date": _day(charge_from)})
        return
    if s.terms.consumer_clause:
        result = interest(s.amount, charge_from, s.on, BE_LATE_PAYMENT_RATE)
        claim.estimated_rates = result.estimated
        claim.lines.append(ClaimLine("damages", damages, _("Fixed damages (legal cap)"),
                                     _("on a balance of %(amount)s") % {"amount": _eur(s.amount)}))
        if result.amount:
            claim.lines.append(ClaimLine("interest", result.amount, _("Late-payment interest"),
                                         _("%(days)s days at %(rate)s a year") % {"days": result.days, "rate": _pct(result.rates)}))
        claim.explanation.append(
            _("The client is a private individual and the 14 days after the free first reminder have passed: "
              "fixed damages capped by law (%(damages)s for a balance of %(amount)s) and interest at most at the "
              "rate for commercial transactions (%(rate)s a year) since %(date)s: %(interest)s (Belgian Code of "
              "economic law, article XIX.2).")
            % {"damages": _eur(damages), "amount": _eur(s.amount), "rate": _pct(result.rates) or _pct([_rate_at(BE_LATE_PAYMENT_RATE, s.on).rate]),
               "date": _day(charge_from), "interest": _eur(result.amount)})
        return
    claim.references.append("Code civil (ancien art. 1153) / Burgerlijk Wetboek, boek 5")
    if s.step == FORMAL_NOTICE or s.formal_notice_on is None:
        claim.explanation.append(
            _("The client is a private individual and the terms of sale provide no late-payment clause: only "
              "interest at the legal rate (%(rate)s a year) may run, from a formal notice.")
            % {"rate": _pct([_rate_at(BE_LEGAL_RATE, s.on).rate])})
        return
    result = interest(s.amount, s.formal_notice_on + datetime.timedelta(days=1), s.on, BE_LEGAL_RATE, yearly=True)
    claim.estimated_rates = result.estimated
    if result.amount:
        claim.lines.append(ClaimLine("interest", result.amount, _("Interest at the legal rate"),
                                     _("%(days)s days at %(rate)s a year") % {"days": result.days, "rate": _pct(result.rates)}))
    claim.explanation.append(
        _("Interest at the legal rate (%(rate)s a year) since the formal notice of %(date)s: %(interest)s.")
        % {"rate": _pct(result.rates), "date": _day(s.formal_notice_on), "interest": _eur(result.amount)})


RULES = {
    ("FR", COMPANY): _fr_business,
    ("FR", INDIVIDUAL): _fr_individual,
    ("BE", COMPANY): _be_business,
    ("BE", INDIVIDUAL): _be_individual,
}
JURISDICTION_NAMES = {"FR": gettext_lazy("France"), "BE": gettext_lazy("Belgium")}


def legal_claim(*, jurisdiction: str, client_kind: str, amount, days_late: int, step: str,
                on: datetime.date | None = None, channel: str = "email",
                first_reminder_on: datetime.date | None = None, first_reminder_channel: str = "email",
                formal_notice_on: datetime.date | None = None, terms: Terms | None = None) -> Claim:
    """What may be claimed for an invoice ``days_late`` days past its due date, at this ``step``.

    ``on`` is the day of the step (default today; the due date is ``on - days_late``);
    ``first_reminder_on``/``first_reminder_channel`` describe the first collection step already sent
    for this invoice (``None``: this step is the first one) and ``formal_notice_on`` the formal
    notice already sent, if any. Quote follow-ups and invoices not yet late claim nothing.
    """
    from django.utils import timezone

    on = on or timezone.localdate()
    amount = money(amount)
    kind = INDIVIDUAL if client_kind == INDIVIDUAL else COMPANY
    claim = Claim(jurisdiction=jurisdiction, client_kind=kind, step=step, principal=amount,
                  days_late=max(int(days_late), 0))
    if step == QUOTE_FOLLOW_UP:
        return claim
    if claim.days_late <= 0 or amount <= 0:
        claim.explanation.append(_("The invoice is not late: nothing more than the amount due may be claimed."))
        return claim
    rule = RULES.get((jurisdiction, kind))
    if rule is None:
        claim.explanation.append(_("No late-payment rules are known for this country: only the amount due is claimed."))
        return claim
    situation = Situation(amount=amount, due_date=on - datetime.timedelta(days=claim.days_late), on=on, step=step,
                          first_reminder_on=first_reminder_on, first_reminder_channel=first_reminder_channel,
                          formal_notice_on=formal_notice_on, channel=channel, terms=terms or Terms())
    rule(situation, claim)
    if claim.estimated_rates:
        claim.explanation.append(_("The rate of the current period is not published yet: the last published rate is used."))
    return claim
