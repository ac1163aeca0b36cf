"""Salary simulation: from what the member takes out of the activity budget (the employer cost),
from a wanted net, or from a gross, the contributions of both sides, the withholding and the net,
for a country and a year. An ESTIMATE: the payroll provider (FR) or social secretariat (BE) makes
the real payslip.

The rates are yearly data files (``data/<country>-<year>.toml``), each figure with its official
source and a ``verified`` flag. A year without a file uses the closest earlier one (said in the
result).

Rounding (docs/payroll.md): every contribution line is its base × its rate rounded half-up to the
cent, as on a payslip; totals are sums of rounded lines; the withholding is rounded to the cent
once. Working back from an employer cost or a net searches the gross in cents (the figures rise
with the gross), so the result is the highest gross whose cost (net) does not exceed the amount
asked; the few cents left are shown.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
MAX_GROSS = Decimal("100000.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class NoRates(LookupError):
    pass


@dataclass(frozen=True)
class Rates:
    country: str
    year: int
    verified: bool
    constants: dict
    employee: tuple
    employer: tuple
    reduction: dict | None
    withholding: dict
    path: str

    def constant(self, name: str) -> Decimal:
        item = self.constants[name]
        return Decimal(item["value"] if isinstance(item, dict) else item)

    def rate(self, item: dict) -> Decimal:
        value = item["rate"]
        return self.constant(value[1:]) if value.startswith("@") else Decimal(value)

    @property
    def sources(self) -> list[dict]:
        out = []
        for name, item in self.constants.items():
            if isinstance(item, dict):
                out.append({"key": name, "source": item.get("source", ""), "verified": bool(item.get("verified"))})
        for side in ("employee", "employer"):
            for item in getattr(self, side):
                out.append({"key": f"{side}.{item['key']}", "source": item.get("source", ""),
                            "verified": bool(item.get("verified"))})
        for name, part in (("reduction", self.reduction), ("withholding", self.withholding)):
            if part:
                out.append({"key": name, "source": part.get("source", ""), "verified": bool(part.get("verified"))})
        return out


def available_years(country: str) -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in DATA.glob(f"{country.lower()}-*.toml"))


@functools.cache
def rates_for(country: str, year: int) -> Rates:
    """The rates of ``year``, or of the closest earlier year that has a file (then the latest)."""
    years = available_years(country)
    if not years:
        raise NoRates(country)
    earlier = [y for y in years if y <= year]
    chosen = earlier[-1] if earlier else years[0]
    path = DATA / f"{country.lower()}-{chosen}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Rates(country=data["country"], year=int(data["year"]), verified=bool(data.get("verified")),
                 constants=data.get("constants", {}), employee=tuple(data.get("employee", ())),
                 employer=tuple(data.get("employer", ())), reduction=data.get("reduction"),
                 withholding=data.get("withholding", {}), path=path.name)


@dataclass
class Line:
    side: str  # "employee" or "employer"
    key: str
    label: str  # English msgid (translated when shown)
    base: Decimal
    rate: Decimal  # percent; negative for a reduction
    amount: Decimal
    body: str  # "urssaf" (main social security body) or "other" (FR 437)
    deductible: bool = True

    def as_dict(self) -> dict:
        return {"side": self.side, "key": self.key, "label": self.label, "base": self.base, "rate": self.rate,
                "amount": self.amount, "body": self.body}


@dataclass
class Simulation:
    country: str
    year: int  # the year asked
    rates_year: int  # the year of the rates used
    verified: bool
    hours: Decimal
    gross: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)
    withholding_rate: Decimal = ZERO  # FR: the member's personal rate; BE: the effective rate
    withholding: Decimal = ZERO
    taxable: Decimal = ZERO  # FR taxable net; BE monthly taxable wage
    asked: str = "gross"
    asked_amount: Decimal = ZERO
    estimate: bool = True

    @property
    def employee_total(self) -> Decimal:
        return sum((x.amount for x in self.lines if x.side == "employee"), ZERO)

    @property
    def employer_total(self) -> Decimal:
        return sum((x.amount for x in self.lines if x.side == "employer"), ZERO)

    @property
    def employer_cost(self) -> Decimal:
        return self.gross + self.employer_total

    @property
    def net_before_tax(self) -> Decimal:
        return self.gross - self.employee_total

    @property
    def net(self) -> Decimal:
        """What reaches the member's bank account."""
        return self.net_before_tax - self.withholding

    @property
    def other_bodies(self) -> Decimal:
        """Contributions owed to other bodies than the main one (FR 437: AGIRC-ARRCO)."""
        return sum((x.amount for x in self.lines if x.body == "other"), ZERO)

    def as_dict(self) -> dict:
        return {
            "country": self.country, "year": self.year, "rates_year": self.rates_year, "verified": self.verified,
            "estimate": True, "asked": self.asked, "asked_amount": self.asked_amount, "hours": self.hours,
            "employer_cost": self.employer_cost, "gross": self.gross,
            "employee_contributions": self.employee_total, "employer_contributions": self.employer_total,
            "net_before_tax": self.net_before_tax, "taxable": self.taxable,
            "withholding_rate": self.withholding_rate, "withholding": self.withholding, "net": self.net,
            "lines": [x.as_dict() for x in self.lines],
        }


# --- the contributions -------------------------------------------------------------------------


def _bases(rates: Rates, gross: Decimal) -> dict[str, Decimal]:
    out = {"gross": gross}
    if "pass_month" in rates.constants:
        ceiling = rates.constant("pass_month")
        out["t1"] = min(gross, ceiling)
        out["t2"] = min(max(gross - ceiling, ZERO), 7 * ceiling)
        out["four_pass"] = min(gross, 4 * ceiling)
        out["cet"] = min(gross, 8 * ceiling) if gross > ceiling else ZERO
        share = rates.constant("csg_base_share") / HUNDRED
        within = min(gross, 4 * ceiling)
        out["csg"] = cents(within * share + (gross - within))
    return out


def _smic(rates: Rates, hours: Decimal) -> Decimal | None:
    if "smic_hour" not in rates.constants:
        return None
    return cents(rates.constant("smic_hour") * hours)


def _lines(rates: Rates, gross: Decimal, hours: Decimal) -> list[Line]:
    bases = _bases(rates, gross)
    smic = _smic(rates, hours)
    out = []
    for side in ("employee", "employer"):
        for item in getattr(rates, side):
            rate = rates.rate(item)
            if item.get("reduced_rate") and smic and gross <= smic * Decimal(item["reduced_below_smic"]):
                rate = Decimal(item["reduced_rate"])
            base = bases[item.get("base", "gross")]
            if not rate or not base:
                continue
            out.append(Line(side=side, key=item["key"], label=item["label"], base=base, rate=rate,
                            amount=cents(base * rate / HUNDRED), body=item.get("body", "urssaf"),
                            deductible=item.get("deductible", True)))
    reduction = _reduction(rates, gross, smic)
    if reduction:
        coefficient, amount = reduction
        # never more than the employer contributions it relieves (CSS art. L241-13 III)
        amount = min(amount, sum((x.amount for x in out if x.side == "employer"), ZERO))
        out.append(Line(side="employer", key="general_reduction", label="General reduction on low wages",
                        base=gross, rate=-(coefficient * HUNDRED).quantize(Decimal("0.0001")), amount=-amount,
                        body="urssaf"))
    return out


def _reduction(rates: Rates, gross: Decimal, smic: Decimal | None):
    part = rates.reduction
    if not part or not smic or gross <= 0:
        return None
    limit = smic * Decimal(part["up_to_smic"])
    if gross >= limit:
        return None
    if part["kind"] == "fillon":
        t = Decimal(part["t"])
        coefficient = (t / Decimal("0.6")) * (Decimal(part["up_to_smic"]) * smic / gross - 1)
        coefficient = min(coefficient, t)
    else:  # "degressive" (France from 2026)
        t_min, t_delta = Decimal(part["t_min"]), Decimal(part["t_delta"])
        inner = (Decimal(part["up_to_smic"]) * smic / gross - 1) / 2
        coefficient = t_min + t_delta * (inner ** Decimal(part["power"]) if inner > 0 else ZERO)
        coefficient = min(coefficient, t_min + t_delta)
    coefficient = coefficient.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)  # 4 decimals, as URSSAF
    amount = cents(gross * coefficient)
    return (coefficient, amount) if amount > 0 else None


# --- withholding -------------------------------------------------------------------------------


def _bracket_tax(brackets, amount: Decimal) -> Decimal:
    tax, lower = ZERO, ZERO
    for upper, rate in brackets:
        top = Decimal(upper) if upper else None
        slice_ = (min(amount, top) if top is not None else amount) - lower
        if slice_ > 0:
            tax += slice_ * Decimal(rate) / HUNDRED
        if top is None or amount <= top:
            break
        lower = top
    return tax


def belgian_withholding(rates: Rates, taxable_month: Decimal, children: int = 0) -> Decimal:
    w = rates.withholding
    step = Decimal(w.get("annual_rounding", "15"))
    annual = ((taxable_month * 12) / step).to_integral_value(rounding=ROUND_DOWN) * step
    expenses = min(annual * Decimal(w["expenses_rate"]) / HUNDRED, Decimal(w["expenses_max"]))
    net_annual = max(annual - expenses, ZERO)
    tax = _bracket_tax(w["brackets"], net_annual)
    free = Decimal(w["tax_free"])
    if children > 0:
        table = [Decimal(x) for x in w["children"]]
        free += table[min(children, len(table)) - 1]
        if children > len(table):
            free += Decimal(w["children_more"]) * (children - len(table))
    tax -= _bracket_tax(w["brackets"], free)
    return max(cents(tax / 12), ZERO)


def _withhold(sim: Simulation, rates: Rates, personal_rate: Decimal | None, children: int) -> None:
    if sim.country == "FR":
        non_deductible = sum((x.amount for x in sim.lines if x.side == "employee" and not x.deductible), ZERO)
        sim.taxable = sim.net_before_tax + non_deductible
        rate = personal_rate if personal_rate is not None else Decimal(rates.withholding.get("default_rate", "0"))
        sim.withholding_rate = rate
        sim.withholding = cents(sim.taxable * rate / HUNDRED)
    else:
        sim.taxable = sim.net_before_tax
        sim.withholding = belgian_withholding(rates, sim.taxable, children)
        sim.withholding_rate = (sim.withholding * HUNDRED / sim.taxable).quantize(CENT) if sim.taxable else ZERO


# --- the entry point ---------------------------------------------------------------------------


def from_gross(country: str, year: int, gross: Decimal, *, hours=None, withholding_rate=None,
               children: int = 0) -> Simulation:
    rates = rates_for(country, year)
    hours = Decimal(hours) if hours not in (None, "") else _full_time(rates)
    gross = cents(Decimal(gross))
    sim = Simulation(country=country, year=year, rates_year=rates.year, verified=rates.verified, hours=hours,
                     gross=gross, lines=_lines(rates, gross, hours))
    _withhold(sim, rates, Decimal(withholding_rate) if withholding_rate not in (None, "") else None, children)
    sim.asked_amount = gross
    return sim


def _full_time(rates: Rates) -> Decimal:
    return rates.constant("full_time_hours") if "full_time_hours" in rates.constants else Decimal("151.67")


def simulate(country: str, year: int, *, employer_cost=None, net=None, gross=None, hours=None,
             withholding_rate=None, children: int = 0) -> Simulation:
    """Give exactly one of ``employer_cost`` (what the budget pays), ``net`` (paid to the member,
    after withholding) or ``gross``."""
    given = [(k, v) for k, v in (("employer_cost", employer_cost), ("net", net), ("gross", gross))
             if v not in (None, "")]
    if len(given) != 1:
        raise ValueError("simulate takes exactly one of employer_cost, net, gross")
    kind, amount = given[0]
    amount = cents(Decimal(amount))
    kw = {"hours": hours, "withholding_rate": withholding_rate, "children": children}
    if kind == "gross":
        sim = from_gross(country, year, amount, **kw)
    else:
        def measure(g: Decimal) -> Decimal:
            s = from_gross(country, year, g, **kw)
            return s.employer_cost if kind == "employer_cost" else s.net

        low, high = 0, int(MAX_GROSS * 100)
        while low < high:  # the highest gross (in cents) whose figure does not exceed the amount
            mid = (low + high + 1) // 2
            if measure(Decimal(mid) / 100) <= amount:
                low = mid
            else:
                high = mid - 1
        sim = from_gross(country, year, Decimal(low) / 100, **kw)
    sim.asked, sim.asked_amount = kind, amount
    return sim
