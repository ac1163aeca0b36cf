"""Actions that upper apps offer the client on the portal page of a document.

The portal sits below the apps that act on a client's document afterwards (after-sales: "Report a
problem" on an issued invoice). Those register from their ``AppConfig.ready()``:
``register_document_action(name, fn)``, where ``fn(document, token)`` returns
``{"label", "url", "hint"}`` or ``None`` when the action does not apply to that document. The page
shows them in the order of their names. Registering a name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

_actions: dict[str, Callable] = {}


def register_document_action(name: str, fn: Callable) -> None:
    _actions[name] = fn


def document_actions(document, token: str) -> list[dict]:
    out = []
    for name in sorted(_actions):
        action = _actions[name](document, token)
        if action:
            out.append(action)
    return out
