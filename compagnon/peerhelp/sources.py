"""How a procedure written from a question names it ("written from …"), for the procedures app."""

from __future__ import annotations

from django.urls import reverse

from . import selectors


def procedure_source(user, pk: int) -> tuple[str, str] | None:
    """The question's title and page for ``user``, or None when they may not read it."""
    question = selectors.questions(user).filter(pk=pk).select_related(None).only("pk", "title").first()
    if question is None:
        return None
    return question.title, reverse("peerhelp-question", args=[pk])
