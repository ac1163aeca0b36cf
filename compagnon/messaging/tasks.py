"""Background work of messages: the "at once" emails of a new message (idempotent: the
participants' ``digested_up_to`` markers make a second run send nothing)."""

from django_tasks import task


@task()
def email_new_message(*, message_id: int) -> int:
    from .digests import email_new_message as send

    return send(message_id)
