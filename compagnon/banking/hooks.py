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

Several matchers run one after the other, by ``order`` (lower first, then in the order they
registered): payouts (``order=10``: a transfer the cooperative sent is known by its end-to-end
id) before payments (default 100). A matcher leaves alone what an earlier one matched (it reads
each transaction's state again, under lock), so the counts add up: the statement's "matched"
is the sum of the matchers' ``matched``, its "left to match" the sum of their ``to_match``.

Why an ordered registry and not a Django ``Signal`` (which payments' ``paid_amounts_changed`` and
payouts' ``line_settled`` are): here the order is a rule of the business — a returned transfer is
money *in* that payouts must recognise (and re-open what it paid) before payments could read it as
a client's payment — and a ``Signal`` calls its receivers in the order they connected, that is the
order in which ``INSTALLED_APPS`` lists the apps. Reordering settings would then silently change
how a statement is matched. The registry keeps the order explicit (``order=``) and sums the
matchers' counts, which ``Signal.send`` would leave to every caller.
"""

from __future__ import annotations

from dataclasses import dataclass

MATCHERS: list = []
DEFAULT_ORDER = 100
_ORDERS: dict = {}  # matcher -> order (the list above stays plain, so tests can swap it)


@dataclass
class MatchCounts:
    matched: int = 0
    to_match: int = 0


def register_matcher(matcher, *, order: int = DEFAULT_ORDER):
    """Add ``matcher(transactions, *, actor=None)``, run before the matchers of a higher
    ``order``; registering the same function twice is a no-op (``ready()`` may run more than once
    in tests)."""
    if matcher not in MATCHERS:
        _ORDERS[matcher] = order
        MATCHERS.append(matcher)
        # stable: equal orders keep their registration order
        MATCHERS.sort(key=lambda m: _ORDERS.get(m, DEFAULT_ORDER))
    return matcher


def match_imported(transactions, *, actor=None) -> MatchCounts:
    """Hand the new transactions to every registered matcher, in order; the counts add up."""
    if not MATCHERS:
        return MatchCounts(matched=0, to_match=sum(1 for t in transactions if t.amount > 0))
    counts = MatchCounts()
    for matcher in list(MATCHERS):
        result = matcher(transactions, actor=actor)
        counts.matched += result.matched
        counts.to_match += result.to_match
    return counts
