"""Banking sits below payments: it never imports it, and payments still matches what an import
brings, through the hook payments registers."""

import ast
from pathlib import Path

from compagnon.banking import hooks

BANKING = Path(__file__).resolve().parent.parent
# What the apps registered at start-up (the banking tests' autouse fixture swaps in a placeholder).
REGISTERED = hooks.MATCHERS


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module or "")
    return found


def test_banking_code_never_imports_payments():
    offenders = [
        str(path.relative_to(BANKING))
        for path in BANKING.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        and any(m.startswith("compagnon.payments") for m in _imported_modules(path))
    ]
    assert offenders == []


def test_payments_registers_its_matching_for_imports(monkeypatch):
    from compagnon.payments.apps import match_imported_transactions

    assert match_imported_transactions in REGISTERED
    monkeypatch.setattr(hooks, "MATCHERS", [match_imported_transactions])
    calls = []

    def fake(transactions, *, actor=None):
        calls.append((list(transactions), actor))
        return hooks.MatchCounts(matched=1, to_match=0)

    monkeypatch.setattr("compagnon.payments.matching.match_transactions", fake)
    assert hooks.match_imported([], actor="someone") == hooks.MatchCounts(matched=1, to_match=0)
    assert calls == [([], "someone")]
