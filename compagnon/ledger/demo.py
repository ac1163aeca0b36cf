"""Demo books: every demo entity gets its chart of accounts and journals (sales post later)."""

from __future__ import annotations

from collections.abc import Iterable

from .services import ensure_chart


def seed_demo_ledger(entity_list: Iterable) -> int:
    """Install the chart of each entity. Idempotent; returns how many rows were created."""
    return sum(ensure_chart(entity) for entity in entity_list)
