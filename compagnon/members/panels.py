"""Panels that upper apps add to a member's page.

The members app sits low (people); figures about a member's activities (money, books, documents)
live in apps above it. Those register a panel from their ``AppConfig.ready()``:
``register_member_panel(name, fn, order)``, where ``fn(request, member)`` returns HTML (a
rendered template, already escaped) or "" when the reader may not see it. ``member_detail``
renders them in order, after the member's activities. Registering a name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

_panels: dict[str, tuple[int, Callable]] = {}


def register_member_panel(name: str, fn: Callable, order: int = 100) -> None:
    _panels[name] = (order, fn)


def member_panels(request, member) -> list[str]:
    out = []
    for _order, name in sorted((order, name) for name, (order, _fn) in _panels.items()):
        html = _panels[name][1](request, member)
        if html:
            out.append(html)
    return out
