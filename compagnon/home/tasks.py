"""Background work of the home app: telling members what their clients did (client_news)."""

from django_tasks import task


@task()
def tell_members(*, event: str, document_ids: list[int]) -> int:
    """In-app notifications and emails for ``event`` on these documents; idempotent."""
    from .client_news import tell

    return tell(event, document_ids)
