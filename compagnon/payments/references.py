"""What a bank transaction says about what it pays, read from its structured reference and its
free-text communication, without touching the database.

* every Belgian structured communication and ISO 11649 RF reference, in order (a transfer may pay
  several invoices), with the same rules as :func:`compagnon.sales.payment.parse` (which finds the
  first one only);
* document numbers: the (year, sequence) pairs the text could name, to fetch candidates in one
  query, then :func:`names_number` to confirm a candidate's printed number is really there —
  separators and leading zeros may differ ("F2026-00042", "F 2026/42", "f202600042");
* names, for suggestions: the significant words of a company or person's name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from stdnum import iso11649
from stdnum.be import ogm_vcs

from compagnon.sales.payment import CREDITOR, STRUCTURED

_OGM = re.compile(r"(?<!\d)(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})(?!\d)")
_TOKENS = re.compile(r"[0-9A-Z]+")
_RUNS = re.compile(r"[A-Z]+|\d+")
_YEARS = range(2000, 2100)
MAX_SEQUENCE = 9_999_999


def structured(value: str) -> tuple[str, str] | None:
    """A bank's structured reference field (camt ``CdtrRefInf/Ref``) as (kind, compact form)."""
    compact = re.sub(r"[\s+*/.-]", "", value or "").upper()
    if len(compact) == 12 and compact.isdigit() and ogm_vcs.is_valid(compact):
        return STRUCTURED, compact
    if compact.startswith("RF") and 5 <= len(compact) <= 25 and iso11649.is_valid(compact):
        return CREDITOR, compact
    return None


def _rf_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The RF reference starting at token ``i`` and how many tokens it spans (payment.parse's rule:
    printed in groups of at most four characters; prefer digit-only bodies, then the shortest)."""
    token = tokens[i]
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]*", token):
        return None
    candidates, current = [(token, 1)], token
    for n, following in enumerate(tokens[i + 1:], start=2):
        if len(following) > 4 or len(current) >= 25:
            break
        current += following
        candidates.append((current, n))
    valid = [c for c in candidates if 5 <= len(c[0]) <= 25 and iso11649.is_valid(c[0])]
    digits = [c for c in valid if c[0][4:].isdigit()]
    if digits:
        return max(digits, key=lambda c: len(c[0]))
    if valid:
        return min(valid, key=lambda c: len(c[0]))
    return None


def find_references(text: str) -> list[tuple[str, str]]:
    """Every valid structured communication, then every RF reference, in the order written."""
    found: list[tuple[str, str]] = []
    for match in _OGM.finditer(text or ""):
        digits = "".join(match.groups())
        if ogm_vcs.is_valid(digits) and (STRUCTURED, digits) not in found:
            found.append((STRUCTURED, digits))
    tokens = _TOKENS.findall((text or "").upper())
    i = 0
    while i < len(tokens):
        rf = _rf_at(tokens, i)
        if rf is None:
            i += 1
            continue
        if (CREDITOR, rf[0]) not in found:
            found.append((CREDITOR, rf[0]))
        i += rf[1]
    return found


def _runs(text: str) -> list[str]:
    """Letters and digit groups, upper case, digits without leading zeros: "F2026-00042" ->
    ["F", "2026", "42"]."""
    return [r if r[0].isalpha() else str(int(r)) for r in _RUNS.findall((text or "").upper())]


def _squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())


@dataclass
class Text:
    """A communication read once: its runs and squashed words, and the (year, sequence) pairs it
    could name."""

    runs: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    pairs: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def read(cls, text: str) -> Text:
        runs = _runs(text)
        digits = [r for r in _RUNS.findall((text or "").upper()) if r.isdigit()]
        pairs: set[tuple[int, int]] = set()
        for a, b in zip(digits, digits[1:], strict=False):
            for year, seq in ((a, b), (b, a)):
                if len(year) == 4 and int(year) in _YEARS and 0 < int(seq) <= MAX_SEQUENCE:
                    pairs.add((int(year), int(seq)))
        for d in digits:  # "F202600042": year and sequence written together
            if len(d) >= 5 and int(d[:4]) in _YEARS and 0 < int(d[4:]) <= MAX_SEQUENCE:
                pairs.add((int(d[:4]), int(d[4:])))
        words = {_squash(w) for w in (text or "").split()} - {""}
        return cls(runs=runs, words=words, pairs=pairs)

    def names_number(self, number: str) -> bool:
        """Is this printed document number written in the text (separators and zeros aside)?"""
        if not number:
            return False
        if _squash(number) in self.words:
            return True
        wanted = _runs(number)
        n = len(wanted)
        return any(self.runs[i:i + n] == wanted for i in range(len(self.runs) - n + 1))

    def position(self, number: str) -> int:
        """Where the number first appears (to keep the order the client wrote them in)."""
        wanted = _runs(number)
        n = len(wanted)
        for i in range(len(self.runs) - n + 1):
            if self.runs[i:i + n] == wanted:
                return i
        return len(self.runs)


# --- names --------------------------------------------------------------------------------------

# Legal forms, titles and short words that say nothing about who the party is.
NOISE = frozenset(
    """sa sas sasu sarl eurl sci scop scic snc selarl sc scrl srl sprl sprlu asbl vzw bv bvba nv cv
    cvba comm gmbh ag ltd llc inc plc ets etablissements entreprise societe mr mrs mme m mlle dhr
    mevr de la le les l du des d et and the van der den het een of en""".split()
)


def name_words(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9]+", plain) if len(w) > 1 and w not in NOISE]


def name_similarity(a: str, b: str) -> float:
    """0..1: how alike two names are once legal forms, accents and word order are set aside."""
    return words_similarity(name_words(a), name_words(b))


def words_similarity(wa: list[str], wb: list[str], *, at_least: float = 0.0) -> float:
    """``name_similarity`` of names already split by ``name_words``; below ``at_least`` it may
    answer 0 without the exact (slower) comparison."""
    if not wa or not wb:
        return 0.0
    sa, sb = set(wa), set(wb)
    shared = len(sa & sb) / min(len(sa), len(sb))
    if shared == 1.0:
        return shared
    matcher = SequenceMatcher(None, " ".join(sorted(wa)), " ".join(sorted(wb)))
    if max(shared, matcher.quick_ratio()) < at_least:
        return 0.0
    return max(shared, matcher.ratio())
