"""Emails about new messages: a daily digest by default, at once for those who chose it, none for
the others; a message is in at most one email, however often the command runs."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from .. import digests, services
from ..models import EmailFrequency, Participant, Preference

pytestmark = pytest.mark.django_db


def _run(now=None):
    return digests.send_digests(now=now)


def test_the_daily_digest_tells_each_message_once(c):
    a, b = c["a"], c["b"]
    conv = services.start_conversation(actor=a, recipients=[b], subject="Plants", body="First words").conversation
    services.send_message(actor=a, conversation=conv, body="Second words")
    assert _run() == {"daily": 1, "immediately": 0}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [b.email] and email.subject == "2 new messages on Compagnon"
    assert "First words" in email.body and "Second words" in email.body and "Plants" in email.body
    assert f"/messages/{conv.pk}/" in email.body
    assert _run() == {"daily": 0, "immediately": 0}  # the same day: nothing more
    services.send_message(actor=a, conversation=conv, body="Third words")
    assert _run() == {"daily": 0, "immediately": 0}  # already had today's digest
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert _run(tomorrow) == {"daily": 1, "immediately": 0}
    assert "Third words" in mail.outbox[1].body and "First words" not in mail.outbox[1].body
    assert _run(tomorrow + datetime.timedelta(days=1)) == {"daily": 0, "immediately": 0}  # nothing new
    assert len(mail.outbox) == 2


def test_messages_read_in_the_app_are_not_emailed(client, c):
    a, b = c["a"], c["b"]
    conv = services.start_conversation(actor=a, recipients=[b], body="Read at once").conversation
    client.force_login(b)
    client.get(f"/messages/{conv.pk}/")
    assert _run()["daily"] == 0 and mail.outbox == []
    services.send_message(actor=a, conversation=conv, body="Later that day")  # the day's digest is still due
    assert _run()["daily"] == 1 and "Later that day" in mail.outbox[0].body and "Read at once" not in mail.outbox[0].body


def test_at_once_emails_and_the_catch_up_never_repeat(c):
    a, b, d = c["a"], c["b"], c["d"]
    services.set_email_frequency(actor=b, frequency=EmailFrequency.IMMEDIATELY)
    services.set_email_frequency(actor=d, frequency=EmailFrequency.NONE)
    conv = services.start_conversation(actor=a, recipients=[b, d], body="Hello both").conversation
    assert [m.to for m in mail.outbox] == [[b.email]] and mail.outbox[0].subject == "1 new message on Compagnon"
    services.send_message(actor=a, conversation=conv, body="Again")
    assert len(mail.outbox) == 2 and "Again" in mail.outbox[1].body and "Hello both" not in mail.outbox[1].body
    later = timezone.now() + datetime.timedelta(hours=1)
    assert _run(later) == {"daily": 0, "immediately": 0}
    # a task that never ran is caught up once by the command
    Participant.objects.filter(user=b).update(digested_up_to=0)
    assert _run(later) == {"daily": 0, "immediately": 1}
    assert _run(later) == {"daily": 0, "immediately": 0}
    assert not any(d.email in m.to for m in mail.outbox)


def test_the_command_runs_and_says_what_it_sent(c, capsys):
    services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Hi")
    call_command("send_message_digests")
    call_command("send_message_digests")
    out = capsys.readouterr().out
    assert "1 daily digests" in out and "0 daily digests" in out
    assert len(mail.outbox) == 1
    assert Preference.objects.get(user=c["b"]).last_digest_at is not None


def test_the_email_is_written_in_the_readers_language(c):
    from compagnon.accounts.models import User

    from ..models import Message

    User.objects.filter(pk=c["b"].pk).update(language="fr")
    services.start_conversation(actor=c["a"], recipients=[c["b"]], body="Bonjour")
    when = timezone.make_aware(datetime.datetime(2026, 3, 5, 14, 30))
    Message.objects.update(created_at=when)
    _run()
    assert "05/03/2026 14:30" in mail.outbox[0].body  # French dates: the reader's language
