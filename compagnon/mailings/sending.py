"""Sending a mailing, in the task worker (never in a request).

1. ``queue_mailing`` — under the mailing's lock, one ``INSERT … SELECT`` writes a ``Delivery`` per
   recipient (``audience.queue``; rows already there are kept: queuing twice is queuing once).
2. ``send_batch`` — claims up to ``BATCH_SIZE`` waiting rows (``SELECT … FOR UPDATE SKIP LOCKED``
   on PostgreSQL, then a conditional UPDATE to "sending" that only one claimer can win, on any
   database) and commits; then sends them through Django's email backend on ONE connection;
   then marks each one sent, or failed with the error. A row is claimed once, so an email is
   sent at most once even when the same batch task runs twice or on two workers at once. A
   worker killed between the claim and the marking leaves rows "sending": after
   ``STALE_AFTER`` they are marked failed ("interrupted"), never sent again by themselves —
   staff decide with "Send the failed ones again".
3. ``finish`` — when no row waits or is being sent, the mailing is "sent".
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import audience, rendering, tokens
from .models import Delivery, EmailState, Kind, Mailing, MailingState

logger = logging.getLogger(__name__)
BATCH_SIZE = 200
STALE_AFTER = datetime.timedelta(minutes=30)
LINK = "__UNSUBSCRIBE_LINK__"


@transaction.atomic
def queue_mailing(mailing_id: int) -> int:
    """Write the recipients' rows of a mailing that is going out; returns the rows written now
    (0 the second time). The mailing's ``recipient_count`` is the number of rows."""
    m = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
    if m is None or m.state not in (MailingState.SENDING, MailingState.SENT):
        return 0
    written = audience.queue(m)
    if written or m.recipient_count is None:
        m.recipient_count = Delivery.objects.filter(mailing_id=m.pk).count()
        m.save(update_fields=["recipient_count", "updated_at"])
    return written


@transaction.atomic
def start_due(mailing_id: int, *, now: datetime.datetime | None = None) -> bool:
    """A scheduled mailing whose time has come goes out (once, whoever asks)."""
    from . import services

    now = now or timezone.now()
    m = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
    if m is None or m.state != MailingState.SCHEDULED or m.scheduled_for is None or m.scheduled_for > now:
        return False
    services.start(m)
    return True


def claim(mailing_id: int, size: int | None = None) -> list[Delivery]:
    """Take up to ``size`` waiting rows for this worker (committed before any email goes)."""
    size = size or BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update(skip_locked=True)
                   .filter(mailing_id=mailing_id, email_state=EmailState.WAITING)
                   .order_by("id").values_list("id", flat=True)[:size])
        if not ids:
            return []
        Delivery.objects.filter(id__in=ids, email_state=EmailState.WAITING).update(
            email_state=EmailState.SENDING, claimed_at=now)
    return list(Delivery.objects.filter(id__in=ids, email_state=EmailState.SENDING, claimed_at=now).order_by("id"))


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


class Composer:
    """Builds the emails of one mailing: the HTML and text of each language rendered once, the
    recipient's unsubscribe link put in each copy."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing
        self.base = base_url()
        self._parts: dict[str, tuple[str, str, str]] = {}
        entity = mailing.entity
        self.reply_to = [entity.email] if entity.email else None
        self.unsubscribe = self.base + reverse("mailings-unsubscribe", args=["__TOKEN__"])  # reversed once

    def parts(self, language: str) -> tuple[str, str, str]:
        if language not in self._parts:
            m = self.mailing
            code = m.language_for(language)
            subject, body = m.text(code)
            with translation.override(code):
                context = {"mailing": m, "lang": code, "subject": subject, "body": body, "html": rendering.to_html(body),
                           "entity": m.entity, "kind": Kind(m.kind).label, "link": LINK,
                           "news_url": self.base + reverse("mailings-news-detail", args=[m.pk]) if m.publish_news
                           else "", "preferences_url": self.base + reverse("mailings-preferences")}
                text = render_to_string("mailings/email.txt", context)
                html = render_to_string("mailings/email.html", context)
            self._parts[language] = (subject, text, html)
        return self._parts[language]

    def message(self, delivery: Delivery, connection) -> EmailMultiAlternatives:
        subject, text, html = self.parts(delivery.language)
        headers = {}
        if not self.mailing.is_service:
            link = self.unsubscribe.replace("__TOKEN__", tokens.make(delivery.member_id, self.mailing.kind,
                                                                 self.mailing.pk))
            text, html = text.replace(LINK, link), html.replace(LINK, link)
            headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        message = EmailMultiAlternatives(subject=subject, body=text, to=[delivery.email], headers=headers,
                                         reply_to=self.reply_to, connection=connection)
        message.attach_alternative(html, "text/html")
        return message


def send_batch(mailing_id: int, *, size: int | None = None, connection=None) -> dict:
    """Send one batch of a mailing's waiting emails on one connection of the email backend.
    Returns {"claimed", "sent", "failed"}."""
    size = size or BATCH_SIZE
    rows = claim(mailing_id, size)
    if not rows:
        finish(mailing_id)
        return {"claimed": 0, "sent": 0, "failed": 0}
    mailing = Mailing.objects.select_related("entity").get(pk=mailing_id)
    composer = Composer(mailing)
    sent, failed = [], []
    connection = connection or get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the server is unreachable: the whole batch failed
        for row in rows:
            row.error = _error(exc)
        failed = rows
    else:
        try:
            for row in rows:
                try:
                    composer.message(row, connection).send()
                except Exception as exc:  # noqa: BLE001 - recorded on the row, the batch goes on
                    row.error = _error(exc)
                    failed.append(row)
                else:
                    sent.append(row.pk)
        finally:
            connection.close()
    now = timezone.now()
    with transaction.atomic():
        if sent:
            Delivery.objects.filter(id__in=sent).update(email_state=EmailState.SENT, sent_at=now, error="")
        for row in failed:
            row.email_state, row.sent_at = EmailState.FAILED, now
        if failed:
            Delivery.objects.bulk_update(failed, ["email_state", "error", "sent_at"])
    if failed:
        logger.warning("mailing %s: %s of %s emails failed (%s)", mailing_id, len(failed), len(rows), failed[0].error)
    if len(rows) < size:
        finish(mailing_id)
    return {"claimed": len(rows), "sent": len(sent), "failed": len(failed)}


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


@transaction.atomic
def finish(mailing_id: int) -> bool:
    """The mailing is sent once no row waits or is being sent."""
    m = Mailing.objects.select_for_update().filter(pk=mailing_id, state=MailingState.SENDING).first()
    if m is None or m.recipient_count is None:
        return False
    if Delivery.objects.filter(mailing_id=mailing_id, email_state__in=[EmailState.WAITING,
                                                                        EmailState.SENDING]).exists():
        return False
    m.state, m.finished_at = MailingState.SENT, timezone.now()
    m.save(update_fields=["state", "finished_at", "updated_at"])
    return True


def mark_interrupted(*, now: datetime.datetime | None = None) -> int:
    """Rows claimed more than ``STALE_AFTER`` ago and still "sending" (their worker died): failed,
    not sent again by themselves (an email is sent at most once)."""
    limit = (now or timezone.now()) - STALE_AFTER
    return Delivery.objects.filter(email_state=EmailState.SENDING, claimed_at__lt=limit).update(
        email_state=EmailState.FAILED, error="Interrupted: the worker stopped while sending; not sent again.")


def progress(mailing: Mailing) -> dict[str, int]:
    """Sent, failed, waiting (or being sent), in the app, read — one query."""
    return Delivery.objects.filter(mailing_id=mailing.pk).aggregate(
        total=Count("id"),
        waiting=Count("id", filter=Q(email_state__in=[EmailState.WAITING, EmailState.SENDING])),
        sent=Count("id", filter=Q(email_state=EmailState.SENT)),
        failed=Count("id", filter=Q(email_state=EmailState.FAILED)),
        in_app=Count("id", filter=Q(in_app=True)),
        read=Count("id", filter=Q(read_at__isnull=False)),
    )


def failures(mailing: Mailing, limit: int = 20) -> list[Delivery]:
    return list(Delivery.objects.filter(mailing_id=mailing.pk, email_state=EmailState.FAILED)
                .select_related("member__user").order_by("id")[:limit])
