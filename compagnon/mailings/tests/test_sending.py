"""Sending: each email once even when a batch runs twice, one connection per batch, failures
recorded with their error, the reader's language, the unsubscribe headers (never on a service
message), the task chain end to end, a scheduled mailing started once, interrupted rows never
sent again by themselves."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from .. import sending, services, tasks
from ..models import Delivery, EmailState, Kind, MailingState, Mode
from .helpers import coop, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def gone_out(c, **kw):
    m = write(c, **kw)
    services.send_now(actor=c["admin"], mailing=m)
    sending.queue_mailing(m.pk)
    return m


class CountingBackend(EmailBackend):
    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


class FailingFor(EmailBackend):
    """Refuses the messages to one address, as a mail server refuses a recipient."""

    refused = ""

    def send_messages(self, messages):
        for m in messages:
            if FailingFor.refused in m.to:
                raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


def test_a_batch_run_twice_sends_each_email_once_on_one_connection(c):
    m = gone_out(c)
    CountingBackend.opened = 0
    first = sending.send_batch(m.pk, connection=CountingBackend())
    second = sending.send_batch(m.pk, connection=CountingBackend())
    assert first == {"claimed": 3, "sent": 3, "failed": 0}
    assert second == {"claimed": 0, "sent": 0, "failed": 0}
    assert len(mail.outbox) == 3 and CountingBackend.opened == 1
    assert sorted(e.to[0] for e in mail.outbox) == sorted(c[n].user.email for n in ("camille", "yanis", "ines"))
    m.refresh_from_db()
    assert m.state == MailingState.SENT and m.finished_at is not None
    assert set(Delivery.objects.filter(mailing=m).values_list("email_state", flat=True)) == {EmailState.SENT}


def test_rows_claimed_by_another_worker_are_not_sent_again(c):
    m = gone_out(c)
    claimed = sending.claim(m.pk, size=2)  # another worker holds two rows
    assert len(claimed) == 2
    result = sending.send_batch(m.pk)
    assert result["claimed"] == 1 and len(mail.outbox) == 1
    assert sending.send_batch(m.pk)["claimed"] == 0
    m.refresh_from_db()
    assert m.state == MailingState.SENDING  # two rows are still being sent elsewhere


def test_a_refused_address_is_recorded_as_failed_and_the_batch_goes_on(c):
    m = gone_out(c)
    FailingFor.refused = c["yanis"].user.email
    result = sending.send_batch(m.pk, connection=FailingFor())
    assert result == {"claimed": 3, "sent": 2, "failed": 1}
    row = Delivery.objects.get(mailing=m, member=c["yanis"])
    assert row.email_state == EmailState.FAILED and "550 mailbox unavailable" in row.error
    assert sending.progress(m) == {"total": 3, "waiting": 0, "sent": 2, "failed": 1, "in_app": 0, "read": 0}
    assert services.retry_failed(actor=c["admin"], mailing=m) == 1
    assert sending.send_batch(m.pk)["sent"] == 1
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT and row.error == ""


def test_an_unreachable_mail_server_fails_the_batch_with_its_error(c):
    m = gone_out(c)

    class Down(EmailBackend):
        def open(self):
            raise ConnectionRefusedError("Connection refused")

    assert sending.send_batch(m.pk, connection=Down())["failed"] == 3
    assert set(Delivery.objects.filter(mailing=m).values_list("error", flat=True)) == {
        "ConnectionRefusedError: Connection refused"}


def test_each_reader_gets_their_language_safe_html_and_an_unsubscribe_link(c):
    m = gone_out(c, body_fr="Bonjour <script>alert(1)</script> [ici](javascript:alert(1))")
    sending.send_batch(m.pk)
    by_to = {e.to[0]: e for e in mail.outbox}
    yanis, camille, ines = (by_to[c[n].user.email] for n in ("yanis", "camille", "ines"))
    assert yanis.subject == "May letter" and camille.subject == "Lettre de mai"
    assert ines.subject == "Lettre de mai"  # no Dutch version: the entity's language
    html = camille.alternatives[0][0]
    assert "<script>" not in html and "javascript:" not in html and "Bonjour" in html
    link = camille.extra_headers["List-Unsubscribe"].strip("<>")
    assert camille.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in camille.body and link in html and "/mailings/unsubscribe/" in link
    assert yanis.extra_headers["List-Unsubscribe"] != camille.extra_headers["List-Unsubscribe"]


def test_a_service_message_reaches_those_who_opted_out_without_unsubscribe_link(c):
    services.save_preferences(actor=c["camille"].user, member=c["camille"], modes={Kind.ANNOUNCEMENT: Mode.NONE})
    m = gone_out(c, kind=Kind.ANNOUNCEMENT, is_service=True)
    sending.send_batch(m.pk)
    assert len(mail.outbox) == 3
    email = next(e for e in mail.outbox if e.to == [c["camille"].user.email])
    assert "List-Unsubscribe" not in email.extra_headers and "/mailings/unsubscribe/" not in email.body


def test_news_only_goes_out_without_any_email(c):
    m = gone_out(c, send_email=False, publish_news=True)
    assert sending.send_batch(m.pk)["claimed"] == 0 and mail.outbox == []
    m.refresh_from_db()
    assert m.state == MailingState.SENT and m.recipient_count == 3
    assert Delivery.objects.filter(mailing=m, in_app=True).count() == 3


def test_the_task_chain_sends_everything_in_batches(c, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(sending, "BATCH_SIZE", 2)
    batches = []
    real = sending.send_batch
    monkeypatch.setattr(sending, "send_batch", lambda pk, **kw: batches.append(real(pk, **kw)) or batches[-1])
    m = write(c)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_now(actor=c["admin"], mailing=m)
    assert [b["claimed"] for b in batches] == [2, 1]
    m.refresh_from_db()
    assert m.state == MailingState.SENT and len(mail.outbox) == 3
    tasks.queue_mailing.enqueue(mailing_id=m.pk)  # the task again: nothing more
    assert len(mail.outbox) == 3 and Delivery.objects.filter(mailing=m).count() == 3


def test_a_scheduled_mailing_starts_once_when_its_time_comes(c, django_capture_on_commit_callbacks):
    m = write(c)
    at = timezone.now() + datetime.timedelta(hours=2)
    services.schedule(actor=c["admin"], mailing=m, at=at)
    assert sending.start_due(m.pk) is False  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.start_due(m.pk, now=at + datetime.timedelta(seconds=1)) is True
    assert sending.start_due(m.pk, now=at + datetime.timedelta(seconds=2)) is False
    m.refresh_from_db()
    assert m.state == MailingState.SENT and len(mail.outbox) == 3


def test_scheduling_in_the_past_or_to_nobody_is_refused(c):
    m = write(c)
    with pytest.raises(services.ValidationError) as exc:
        services.schedule(actor=c["admin"], mailing=m, at=timezone.now() - datetime.timedelta(minutes=5))
    assert "at" in exc.value.message_dict
    empty = write(c, postcode_prefixes="75")
    with pytest.raises(services.ValidationError):
        services.send_now(actor=c["admin"], mailing=empty)


def test_rows_of_a_worker_that_died_are_marked_failed_never_resent(c):
    m = gone_out(c)
    sending.claim(m.pk, size=3)  # the worker claims, then dies before sending
    later = timezone.now() + sending.STALE_AFTER + datetime.timedelta(minutes=1)
    assert sending.mark_interrupted(now=later) == 3
    assert sending.send_batch(m.pk)["claimed"] == 0 and mail.outbox == []
    m.refresh_from_db()
    assert m.state == MailingState.SENT
    assert sending.progress(m)["failed"] == 3


def test_the_safety_command_starts_due_mailings_and_sends_inline(c):
    m = write(c)
    services.schedule(actor=c["admin"], mailing=m, at=timezone.now() + datetime.timedelta(hours=1))
    m.__class__.objects.filter(pk=m.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    call_command("send_due_mailings", "--inline", stdout=__import__("io").StringIO())
    m.refresh_from_db()
    assert m.state == MailingState.SENT and len(mail.outbox) == 3
    call_command("send_due_mailings", "--inline", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 3
