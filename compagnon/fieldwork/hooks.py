"""Actions that upper apps offer the client on the tracking page of a request.

Fieldwork sits below the apps that act after the visits (after-sales: "Report a problem" once a
visit is done). Those register from their ``AppConfig.ready()``: ``register_track_action(name,
fn)``, where ``fn(request_obj, visits)`` (the request and its visits shown on the page) returns
``{"label", "url", "hint"}`` or ``None``. The page shows them in the order of their names.
Registering a name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

_actions: dict[str, Callable] = {}


def register_track_action(name: str, fn: Callable) -> None:
    _actions[name] = fn


def track_actions(req, visits) -> list[dict]:
    out = []
    for name in sorted(_actions):
        action = _actions[name](req, visits)
        if action:
            out.append(action)
    return out
