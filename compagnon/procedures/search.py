"""Searching procedures in force, as the help centre does (``compagnon.knowledge.search``, whose
folding it shares): each procedure in force keeps its folded text (lower case, accents removed in
Python: "élagage", "elagage" and "Élagage" are one word) and, on PostgreSQL, a ``tsvector`` made
with its language's configuration (``french``, ``dutch``, ``english``), weighted title A, tools and
safety B, steps C, under a GIN index. A query is folded the same way, read with
``websearch_to_tsquery`` in each language's configuration and ranked (``ts_rank``); the three readings are one tsquery (OR), so the GIN index alone decides
the matches. A word in more than ``CANDIDATES`` procedures ranks the first of them the index
finds (ranking reads every matching vector: the cost of a very common word stays bounded). Elsewhere
(SQLite): every folded word must be in the folded text."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, Q, Subquery, Value

from compagnon.knowledge.search import CONFIGS
from compagnon.knowledge.text import fold

from .models import Procedure, Version

LIMIT = 50
CANDIDATES = 2000  # ranked at most; a query matching more ranks the first 2,000 the index finds


def postgres() -> bool:
    return connection.vendor == "postgresql"


def version_texts(version: Version, steps) -> tuple[str, str, str]:
    """(title, tools and safety, steps) of a version: what search reads."""
    return (version.title, f"{version.tools}\n{version.safety}",
            "\n".join(s.text for s in steps))


def index_procedure(procedure_id: int, *, language: str, title: str, middle: str, steps: str) -> None:
    folded = "\n".join(fold(x) for x in (title, middle, steps))
    qs = Procedure.objects.filter(pk=procedure_id)
    if postgres():
        config = CONFIGS.get(language, "simple")
        qs.update(search_text=folded, search=(
            SearchVector(Value(fold(title)), config=config, weight="A")
            + SearchVector(Value(fold(middle)), config=config, weight="B")
            + SearchVector(Value(fold(steps)), config=config, weight="C")))
    else:
        qs.update(search_text=folded)


def matches(query: str):
    """(condition, rank expression) for ``query``; None when it has no word."""
    folded = fold(query)
    if not folded.split():
        return None
    if postgres():
        # one tsquery: the words read by each language's configuration, OR-ed (a Dutch stem rarely
        # matches a French text by chance); checked by the GIN index alone, ranked once
        sq = None
        for config in dict.fromkeys(CONFIGS.values()):
            one = SearchQuery(folded, config=config, search_type="websearch")
            sq = one if sq is None else sq | one
        return Q(search=sq), SearchRank(F("search"), sq)
    cond = Q()
    for word in folded.split():
        if len(word) > 4 and word[-1] in "sx":  # a plural finds the singular too
            word = word[:-1]
        cond &= Q(search_text__contains=word)
    return cond, Value(0.0, output_field=FloatField())


def search(queryset, query: str, limit: int = LIMIT) -> list[Procedure]:
    """The best procedures of ``queryset`` (already scoped to what the reader sees) for ``query``."""
    found = matches(query)
    if found is None:
        return []
    cond, rank = found
    matching = queryset.filter(cond)
    if postgres():  # a word in thousands of procedures: rank a bounded set of them, not every one
        matching = queryset.filter(id__in=Subquery(matching.order_by().values("id")[:CANDIDATES]))
    return list(matching.annotate(rank=rank).order_by("-rank", "-in_force_since", "-id")[:limit])
