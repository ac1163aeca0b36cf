"""What upper apps add to the directory, registered from their ``AppConfig.ready()`` (the
directory never imports them):

* ``register_badges(provider)`` — ``provider(member_ids) -> {member_id: [Badge]}``: a badge (a
  word and a few lines) on the members' cards and pages. Called once per page of results, for
  all the members of the page: a provider must read them in one query.
* ``register_filter(name, label, condition)`` — a yes/no criterion of the search (the page's
  checkbox and the API's ``?<name>=true``): ``condition()`` is a ``Q`` on ``DirectoryProfile``,
  added to the search when the criterion is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass
class Badge:
    label: str
    lines: list[str] = field(default_factory=list)


_badges: list[Callable] = []
_filters: dict[str, tuple[object, Callable[[], Q]]] = {}


def register_badges(provider: Callable) -> None:
    if provider not in _badges:
        _badges.append(provider)


def register_filter(name: str, label, condition: Callable[[], Q]) -> None:
    _filters[name] = (label, condition)


def badges_for(member_ids) -> dict[int, list[Badge]]:
    ids = list(member_ids)
    out: dict[int, list[Badge]] = {}
    if not ids:
        return out
    for provider in _badges:
        for member_id, badges in provider(ids).items():
            out.setdefault(member_id, []).extend(badges)
    return out


def filters() -> dict[str, tuple[object, Callable[[], Q]]]:
    return dict(_filters)
