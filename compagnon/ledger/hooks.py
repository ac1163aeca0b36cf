"""What contexts above the ledger do when an entry is posted, in the same transaction.

The ledger imports nobody above it; a context that must act on every posting registers a
function from its ``AppConfig.ready()``::

    from compagnon.ledger import hooks
    hooks.register_after_post("budget.contribution", charge_on_cash)

``fn(entry, lines)`` runs inside ``post_entry``/``reverse_entry``'s transaction once the entry and
its lines are written (``entry.journal``, ``entry.entity`` and each ``line.account`` are loaded: a
function that finds nothing to do should cost no query). It may post entries of its own (they run
the hooks too: a function must recognise its own entries and do nothing for them). An exception
rolls the whole posting back. Registering a name again replaces it; functions run by name.
"""

from __future__ import annotations

from collections.abc import Callable

AfterPost = Callable[..., None]
_AFTER_POST: dict[str, AfterPost] = {}


def register_after_post(name: str, fn: AfterPost) -> None:
    _AFTER_POST[name] = fn


def after_post(entry, lines) -> None:
    for name in sorted(_AFTER_POST):
        _AFTER_POST[name](entry, lines)


def registered() -> list[str]:
    return sorted(_AFTER_POST)
