"""Background work of mailings (django-tasks). Arguments are plain JSON values; every task may run
twice without sending anything twice (see sending.py).

* ``queue_mailing`` — writes the recipients' rows of a mailing that went out, then starts the
  batches;
* ``send_batch`` — sends one batch of ``sending.BATCH_SIZE`` emails and, when the batch was full,
  enqueues the next one (one chain per mailing; several workers may run chains side by side);
* ``start_scheduled`` — enqueued with ``run_after`` = the chosen moment: a scheduled mailing goes
  out (``manage.py send_due_mailings`` does the same for backends that cannot defer).
"""

from __future__ import annotations

import datetime

from django_tasks import task

from . import sending


@task()
def queue_mailing(*, mailing_id: int) -> int:
    written = sending.queue_mailing(mailing_id)
    send_batch.enqueue(mailing_id=mailing_id)
    return written


@task()
def send_batch(*, mailing_id: int) -> dict:
    result = sending.send_batch(mailing_id)
    if result["claimed"] >= sending.BATCH_SIZE:
        send_batch.enqueue(mailing_id=mailing_id)
    return result


@task()
def start_scheduled(*, mailing_id: int) -> bool:
    return sending.start_due(mailing_id)


def enqueue_scheduled(mailing_id: int, at: datetime.datetime) -> bool:
    """Enqueue the start of a scheduled mailing at ``at`` when the backend can defer (the database
    backend); otherwise ``send_due_mailings`` starts it."""
    if not start_scheduled.get_backend().supports_defer:
        return False
    start_scheduled.using(run_after=at).enqueue(mailing_id=mailing_id)
    return True
