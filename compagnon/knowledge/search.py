"""Searching the help centre: published articles, the FAQ and the glossary.

PostgreSQL: full text. Each published translation keeps a ``tsvector`` made with its language's
configuration (``french``, ``dutch``, ``english``) from its folded text (lower case, accents
removed in Python, so "échéance", "echeance" and "Échéances" are the same word and no database
extension is needed), weighted title A, summary B, text C, under a GIN index. A query is folded
the same way and read with ``websearch_to_tsquery`` in each language's configuration; results are
ranked (``ts_rank``). Elsewhere (SQLite): every folded word must be in the folded text.

One article appears once, in the reader's language when it has one."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When

from compagnon.glossary import terms as glossary

from .models import FaqEntry, Translation, reader_language
from .selectors import faq, published_q
from .text import fold

CONFIGS = {"fr": "french", "nl": "dutch", "en": "english"}
LIMIT = 30
CANDIDATES = 90


def postgres() -> bool:
    return connection.vendor == "postgresql"


def index_translation(translation_id: int, *, language: str, title: str, summary: str, text: str) -> None:
    """Store the folded text (and on PostgreSQL the weighted tsvector) of a published translation."""
    folded = "\n".join(fold(x) for x in (title, summary, text))
    qs = Translation.objects.filter(pk=translation_id)
    if postgres():
        config = CONFIGS.get(language, "simple")
        qs.update(search_text=folded, search=(
            SearchVector(Value(fold(title)), config=config, weight="A")
            + SearchVector(Value(fold(summary)), config=config, weight="B")
            + SearchVector(Value(fold(text)), config=config, weight="C")))
    else:
        qs.update(search_text=folded)


def _matches(query: str):
    folded = fold(query)
    if postgres():
        cond, rank = Q(), []
        for lang, config in CONFIGS.items():
            sq = SearchQuery(folded, config=config, search_type="websearch")
            cond |= Q(language=lang, search=sq)
            rank.append(When(language=lang, then=SearchRank(F("search"), sq)))
        return cond, Case(*rank, default=Value(0.0), output_field=FloatField())
    cond = Q()
    for word in folded.split():
        if len(word) > 4 and word[-1] in "sx":  # a plural finds the singular too
            word = word[:-1]
        cond &= Q(search_text__contains=word)
    return cond, Value(0.0, output_field=FloatField())


def articles(user, query: str, *, topic_id: int | None = None, lang: str | None = None) -> list[Translation]:
    """The best published translations for ``query`` among the articles the user reads, one per
    article (the reader's language first), at most ``LIMIT``."""
    if not fold(query).split():
        return []
    lang = lang or reader_language()
    cond, rank = _matches(query)
    qs = Translation.objects.filter(cond, current__isnull=False).filter(published_q(user, "article__"))
    if topic_id:
        qs = qs.filter(article__topic_id=topic_id)
    rows = list(qs.annotate(rank=rank).select_related("article__topic")
                .order_by("-rank", "-published_at", "id")[:CANDIDATES])
    best: dict[int, Translation] = {}
    for t in rows:
        seen = best.get(t.article_id)
        if seen is None or (t.language == lang and seen.language != lang):
            if seen is not None:
                t.rank = max(t.rank, seen.rank)
            best[t.article_id] = t
    found = sorted(best.values(), key=lambda t: (-t.rank, rows.index(t)))[:LIMIT]
    for t in found:
        t.other_language = t.language != lang
    return found


def faq_entries(user, query: str, limit: int = 10) -> list[FaqEntry]:
    words = fold(query).split()
    if not words:
        return []
    qs = faq(user)
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs[:limit])


def glossary_terms(query: str, limit: int = 8) -> list:
    if not fold(query).split():
        return []
    return glossary.search(query)[:limit]
