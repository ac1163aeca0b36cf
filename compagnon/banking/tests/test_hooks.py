"""Several contexts match what an import brings: they run in order and their counts add up."""

from compagnon.banking import hooks

# What the apps registered at start-up (the banking tests' autouse fixture swaps in a placeholder).
REGISTERED = list(hooks.MATCHERS)


def test_payouts_matches_before_payments():
    from compagnon.payments.apps import match_imported_transactions as payments
    from compagnon.payouts.apps import match_imported_transactions as payouts

    assert REGISTERED.index(payouts) < REGISTERED.index(payments)


def test_matchers_run_by_order_then_registration_and_their_counts_add_up(monkeypatch):
    monkeypatch.setattr(hooks, "MATCHERS", [])
    monkeypatch.setattr(hooks, "_ORDERS", {})
    calls = []

    def matcher(name, matched, to_match):
        def run(transactions, *, actor=None):
            calls.append((name, list(transactions), actor))
            return hooks.MatchCounts(matched=matched, to_match=to_match)
        return run

    late = hooks.register_matcher(matcher("late", 2, 3))
    early = hooks.register_matcher(matcher("early", 1, 0), order=10)
    also_late = hooks.register_matcher(matcher("also late", 0, 1))
    assert hooks.register_matcher(late) is late and hooks.MATCHERS == [early, late, also_late]
    assert hooks.match_imported(["t"], actor="someone") == hooks.MatchCounts(matched=3, to_match=4)
    assert [name for name, _t, _a in calls] == ["early", "late", "also late"]
    assert all(t == ["t"] and actor == "someone" for _n, t, actor in calls)


def test_without_matchers_every_money_in_is_left_to_match(monkeypatch):
    monkeypatch.setattr(hooks, "MATCHERS", [])

    class T:
        def __init__(self, amount):
            self.amount = amount

    assert hooks.match_imported([T(5), T(-3), T(2)]) == hooks.MatchCounts(matched=0, to_match=2)
