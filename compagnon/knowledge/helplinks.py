"""The page key → articles map behind ``{% help_link "page-key" %}``.

The map (every published article an editor attached to a page, with its titles per language, its
entity and whether it is shared) is small: it is read in one query and kept in the process for
``KNOWLEDGE_HELP_LINKS_SECONDS`` (default 30 s), so a page renders its help links, or finds it has
none, without any query. Publishing, restoring, sharing, attaching or detaching drops it at once in
the process that made the change (after commit); other processes read it again within the delay.
Nothing here is needed by another machine: each process rebuilds its own copy from the database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class Entry:
    article_id: int
    entity_id: int
    shared: bool
    titles: tuple[tuple[str, str], ...]  # (language, title)

    def title(self, lang: str) -> str:
        titles = dict(self.titles)
        return titles.get(lang) or next(iter(titles.values()), "")


_lock = threading.Lock()
_state: dict = {"map": None, "at": 0.0}


def _seconds() -> float:
    return float(getattr(settings, "KNOWLEDGE_HELP_LINKS_SECONDS", 30))


def _load() -> dict[str, tuple[Entry, ...]]:
    from .models import HelpLink

    rows = (HelpLink.objects.filter(article__published_at__isnull=False, article__translations__current__isnull=False)
            .values_list("page_key", "article_id", "article__entity_id", "article__shared",
                         "article__translations__language", "article__translations__title")
            .order_by("page_key", "article_id", "article__translations__language"))
    grouped: dict[str, dict[int, dict]] = {}
    for key, article_id, entity_id, shared, lang, title in rows:
        item = grouped.setdefault(key, {}).setdefault(article_id, {"entity": entity_id, "shared": shared, "t": []})
        item["t"].append((lang, title))
    return {key: tuple(Entry(a, v["entity"], v["shared"], tuple(v["t"])) for a, v in articles.items())
            for key, articles in grouped.items()}


def mapping() -> dict[str, tuple[Entry, ...]]:
    now = time.monotonic()
    current = _state["map"]
    if current is not None and now - _state["at"] < _seconds():
        return current
    with _lock:
        fresh = _load()
        _state["map"], _state["at"] = fresh, time.monotonic()
    return fresh


def entries(page_key: str) -> tuple[Entry, ...]:
    return mapping().get(page_key, ())


def forget() -> None:
    _state["map"] = None


def invalidate() -> None:
    """Drop the map now and once the transaction commits (a page read in between would keep the
    old one)."""
    forget()
    transaction.on_commit(forget)
