"""Searching past questions, and the "maybe already answered" list shown while a member types.

The help centre's way (``compagnon.knowledge.search``), reused: each question keeps its folded
text (``knowledge.text.fold``: lower case, accents removed in Python) and on PostgreSQL a
``tsvector`` made with its language's configuration (title A, skills and details B, answers C)
under a GIN index. A search reads every folded word with ``websearch_to_tsquery`` in each
language's configuration, newest first: a rare word goes through the GIN index, a common one walks
the entity's questions by date (index ``peerhelp_q_entity_new``) and stops at the page's end.
Elsewhere (SQLite), every folded word must be in the folded text.

Suggestions ("maybe already answered") are answered questions sharing any of the longer words
typed, best ranked first (five at most).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When

from compagnon.knowledge.search import CONFIGS
from compagnon.knowledge.text import fold

from .models import Answer, Question

_WORD = re.compile(r"[^\W_]+")
SUGGESTIONS = 5


def postgres() -> bool:
    return connection.vendor == "postgresql"


def index_question(question_id: int) -> None:
    """Store the folded text (and on PostgreSQL the weighted tsvector) of a question and its answers."""
    q = Question.objects.select_related("trade").get(pk=question_id)
    answers = " ".join(Answer.objects.filter(question_id=question_id).order_by("id").values_list("body", flat=True))
    title, middle = fold(q.title), fold(f"{q.skills} {q.body}")
    qs = Question.objects.filter(pk=question_id)
    folded = "\n".join((title, middle, fold(answers)))
    if postgres():
        config = CONFIGS.get(q.language, "simple")
        qs.update(search_text=folded, search=(
            SearchVector(Value(title), config=config, weight="A")
            + SearchVector(Value(middle), config=config, weight="B")
            + SearchVector(Value(fold(answers)), config=config, weight="C")))
    else:
        qs.update(search_text=folded)


def matches(query: str) -> Q:
    """Questions whose text has every word of ``query``."""
    folded = fold(query)
    if not folded.split():
        return Q()
    if postgres():
        cond = Q()
        for lang, config in CONFIGS.items():
            cond |= Q(language=lang, search=SearchQuery(folded, config=config, search_type="websearch"))
        return cond
    cond = Q()
    for word in folded.split():
        if len(word) > 4 and word[-1] in "sx":  # a plural finds the singular too
            word = word[:-1]
        cond &= Q(search_text__contains=word)
    return cond


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in _WORD.findall(fold(text)) if len(w) >= 4))[:12]


def suggestions(questions, text: str) -> list[Question]:
    """Answered questions among ``questions`` (a scoped queryset) sharing words with ``text``."""
    words = _words(text)
    if not words:
        return []
    qs = questions.filter(answers_count__gt=0)
    if postgres():
        raw = " | ".join(words)
        cond, rank = Q(), []
        for lang, config in CONFIGS.items():
            sq = SearchQuery(raw, config=config, search_type="raw")
            cond |= Q(language=lang, search=sq)
            rank.append(When(language=lang, then=SearchRank(F("search"), sq)))
        rank_expr = Case(*rank, default=Value(0.0), output_field=FloatField())
        return list(qs.filter(cond).annotate(rank=rank_expr).order_by("-rank", "-created_at")[:SUGGESTIONS])
    cond = Q()
    for word in words:
        cond |= Q(search_text__contains=word.rstrip("sx") if len(word) > 4 else word)
    return list(qs.filter(cond).order_by("-created_at", "-id")[:SUGGESTIONS])
