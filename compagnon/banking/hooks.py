"""What later contexts do with freshly imported bank transactions, without banking importing them.

Banking sits below payments: payments builds on bank transactions, so banking must not import
payments. Instead, a context that wants to act on the transactions of an import registers a
*matcher* from its ``AppConfig.ready()`` (payments registers its matching)::

    from compagnon.banking import hooks
    hooks.register_matcher(lambda transactions, *, actor=None: ...)

A matcher is called inside the import's transaction with the new, saved ``BankTransaction``
rows and the importing user, and returns an object with ``matched`` and ``to_match`` counts
(payments returns its ``MatchResult``). When none is registered (banking alone), nothing is
matched and every money-in transaction is left to match.
"""

from __future__ import annotations

from dataclasses import dataclass

MATCHERS: list = []


@dataclass
class MatchCounts:
    matched: int = 0
    to_match: int = 0


def register_matcher(matcher):
    """Add ``matcher(transactions, *, actor=None)``; registering the same function twice is a
    no-op (``ready()`` may run more than once in tests)."""
    if matcher not in MATCHERS:
        MATCHERS.append(matcher)
    return matcher


def match_imported(transactions, *, actor=None) -> MatchCounts:
    """Hand the new transactions to the registered matchers; the counts of the last one win (there
    is one in practice: payments)."""
    if not MATCHERS:
        return MatchCounts(matched=0, to_match=sum(1 for t in transactions if t.amount > 0))
    counts = MatchCounts()
    for matcher in MATCHERS:
        result = matcher(transactions, actor=actor)
        counts = MatchCounts(matched=result.matched, to_match=result.to_match)
    return counts
