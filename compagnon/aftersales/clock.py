"""Times of after-sales in words. The clock itself is support's (``compagnon.support.clock``):
working time in the entity's office hours, Monday to Friday; nothing is measured twice."""

from __future__ import annotations

from compagnon.support.clock import duration


def duration_or_dash(seconds: int | None) -> str:
    """A working time in plain words ("3 hours"), or "—" when not measured yet."""
    if seconds is None:
        return "—"
    return duration(seconds)
