"""Background work of peer help: sending a new question to the colleagues it matches (idempotent:
``matching.match`` does nothing for a question already sent)."""

from django_tasks import task


@task()
def match_question(*, question_id: int) -> int:
    from .matching import match

    return match(question_id)
