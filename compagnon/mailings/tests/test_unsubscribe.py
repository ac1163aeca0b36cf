"""The unsubscribe link of every email: no login; GET shows a button and changes nothing; POST
unsubscribes, from the page or from the mail program's one-click POST (RFC 8058, without any
CSRF token); a changed token is refused; the choice is recorded and the next mailing respects it."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from compagnon.audit.models import AuditEvent

from .. import sending, services, tokens
from ..models import EmailState, Kind, Mode, Preference, UnsubscribeMethod, Unsubscription
from .helpers import coop, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def link_in_email(c, who="camille"):
    m = write(c)
    services.send_now(actor=c["admin"], mailing=m)
    sending.queue_mailing(m.pk)
    sending.send_batch(m.pk)
    email = next(e for e in mail.outbox if e.to == [c[who].user.email])
    return m, email.extra_headers["List-Unsubscribe"].strip("<>")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_get_shows_a_button_in_the_members_language_and_changes_nothing(c):
    m, url = link_in_email(c, "yanis")
    r = Client().get(path_of(url))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Unsubscribe?" in body and "Newsletter" in body and c["entity"].name in body
    assert not Preference.objects.filter(member=c["yanis"]).exists()


def test_posting_the_button_unsubscribes_once_and_is_recorded(c):
    m, url = link_in_email(c, "yanis")  # he reads English
    client = Client(enforce_csrf_checks=True)
    r = client.post(path_of(url))
    assert r.status_code == 200 and "You will no longer receive" in r.content.decode()
    assert Preference.objects.get(member=c["yanis"], kind=Kind.NEWSLETTER).mode == Mode.APP
    u = Unsubscription.objects.get()
    assert (u.member_id, u.kind, u.mailing_id, u.method) == (c["yanis"].pk, Kind.NEWSLETTER, m.pk,
                                                             UnsubscribeMethod.LINK)
    assert AuditEvent.objects.filter(action="mailings.unsubscribed", member=c["yanis"]).count() == 1
    r = client.post(path_of(url))
    assert "You already receive no" in r.content.decode() and Unsubscription.objects.count() == 1


def test_the_one_click_post_of_a_mail_program_needs_no_csrf_token(c):
    m, url = link_in_email(c)
    r = Client(enforce_csrf_checks=True).post(path_of(url), "List-Unsubscribe=One-Click",
                                               content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    assert Unsubscription.objects.get().method == UnsubscribeMethod.ONE_CLICK
    # the next mailing: no email for her, still in the app
    m2 = write(c, publish_news=True)
    services.send_now(actor=c["admin"], mailing=m2)
    sending.queue_mailing(m2.pk)
    row = m2.deliveries.get(member=c["camille"])
    assert row.email_state == EmailState.NONE and row.in_app


def test_a_changed_or_made_up_token_is_refused(c):
    m, url = link_in_email(c)
    token = path_of(url).rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, "nothing", tokens.make(c["camille"].pk, "everything")):
        r = Client().post(reverse("mailings-unsubscribe", args=[bad]), "List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded")
        assert r.status_code == 404
        assert Client().get(reverse("mailings-unsubscribe", args=[bad])).status_code == 404
    assert not Unsubscription.objects.exists()
    forged = __import__("django.core.signing", fromlist=["dumps"]).dumps(
        {"m": c["yanis"].pk, "k": Kind.NEWSLETTER}, salt="another.salt")
    assert Client().post(reverse("mailings-unsubscribe", args=[forged])).status_code == 404
