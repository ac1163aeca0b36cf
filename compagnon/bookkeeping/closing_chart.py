"""The accounts and journals a year-end closing needs, per jurisdiction.

They are not in ``jurisdictions.charts`` (the accounts the daily postings use): the closing adds
them to an entity's chart the first time it runs, and an accountant may have created them before
(the same number is then reused as it is).

* France (PCG, ANC 2014-03): 120 Résultat de l'exercice (bénéfice), 129 Résultat de l'exercice
  (perte); journal "AN" (à-nouveaux).
* Belgium (PCMN / MAR, AR/KB 21 October 2018): 14 Bénéfice (perte) reporté(e) / Overgedragen
  winst (verlies). The appropriation accounts 693/793 are not posted: the result goes straight
  to 14 in the opening entry (docs/decisions/0032-year-end-closing.md); journal "OUV"
  (ouverture / opening).
* Both: journal "CLO" for the closing entry of 31 December.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from compagnon.jurisdictions import charts

CLOSING_ROLE, OPENING_ROLE = "closing", "opening"
CLOSING_KIND, OPENING_KIND = "closing", "opening"
MISC_ROLE = "misc"


@dataclass(frozen=True)
class ResultAccounts:
    profit: charts.AccountSpec
    loss: charts.AccountSpec


_RESULT = {
    "FR": ResultAccounts(
        profit=charts.AccountSpec(
            "120", gettext_noop("Result for the year (profit)"), charts.EQUITY, "year_profit"
        ),
        loss=charts.AccountSpec(
            "129", gettext_noop("Result for the year (loss)"), charts.EQUITY, "year_loss"
        ),
    ),
    "BE": ResultAccounts(
        profit=charts.AccountSpec(
            "14", gettext_noop("Profit (loss) carried forward"), charts.EQUITY, "result_carried"
        ),
        loss=charts.AccountSpec(
            "14", gettext_noop("Profit (loss) carried forward"), charts.EQUITY, "result_carried"
        ),
    ),
}

_JOURNALS = {
    "FR": (
        charts.JournalSpec("CLO", gettext_noop("Closing entries"), CLOSING_ROLE),
        charts.JournalSpec("AN", gettext_noop("Opening entries"), OPENING_ROLE),
    ),
    "BE": (
        charts.JournalSpec("CLO", gettext_noop("Closing entries"), CLOSING_ROLE),
        charts.JournalSpec("OUV", gettext_noop("Opening entries"), OPENING_ROLE),
    ),
}


def result_accounts(jurisdiction: str) -> ResultAccounts:
    try:
        return _RESULT[jurisdiction]
    except KeyError:
        raise LookupError(f"No result accounts for jurisdiction {jurisdiction!r}") from None


def closing_journals(jurisdiction: str) -> tuple[charts.JournalSpec, ...]:
    try:
        return _JOURNALS[jurisdiction]
    except KeyError:
        raise LookupError(f"No closing journals for jurisdiction {jurisdiction!r}") from None


def is_result_class(code: str) -> bool:
    """Classes 6 and 7 (expenses, income) make the year's result; every other class is carried
    forward (balance sheet 1–5, and the memorandum classes some charts have)."""
    return code[:1] in ("6", "7")
