"""Matching bank transactions to invoices (written by the payments work; see its docstring)."""

from dataclasses import dataclass


@dataclass
class MatchResult:
    matched: int = 0  # transactions fully explained automatically
    to_match: int = 0  # transactions left for a person


def match_transactions(transactions, *, actor=None) -> MatchResult:
    """Match freshly imported transactions, in the importing transaction. Placeholder contract
    until the payments work replaces it: nothing is matched automatically."""
    return MatchResult(matched=0, to_match=len([t for t in transactions if t.amount > 0]))
