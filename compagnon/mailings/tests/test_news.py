"""News in the app: a member sees the news whose audience included them — never a draft, a
scheduled one, another office's or another entity's; unread until opened; the home page's
selector is one query, the news list a fixed number, whatever the number of news."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.core.tests.factories import api_token_for

from .. import sending, services
from ..models import Kind, Mode
from ..selectors import news_for
from .helpers import coop, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def published(c, by="admin", **kw):
    kw.setdefault("send_email", False)
    kw.setdefault("publish_news", True)
    m = write(c, by=by, **kw)
    services.send_now(actor=c[by], mailing=m)
    sending.queue_mailing(m.pk)
    return m


def subjects(rows):
    return [r.subject for r in rows]


def test_members_see_the_news_of_their_audience_only(c, client):
    everyone = published(c, subject_fr="Pour tous", subject_en="For everyone")
    published(c, by="angers_advisor", subject_fr="Angers seulement", subject_en="Angers only")
    write(c, publish_news=True, subject_fr="Brouillon", subject_en="Draft")  # never published
    scheduled = write(c, publish_news=True, subject_fr="Plus tard", subject_en="Later")
    services.schedule(actor=c["admin"], mailing=scheduled, at=timezone.now() + datetime.timedelta(days=1))
    published(c, by="foreign_admin", entity=c["foreign_entity"], subject_fr="Ailleurs", subject_en="Elsewhere")
    assert subjects(news_for(c["yanis"].user, limit=10)) == ["For everyone"]
    assert subjects(news_for(c["ines"].user, limit=10)) == ["Angers only", "For everyone"]
    assert subjects(news_for(c["outsider"].user, limit=10)) == ["Elsewhere"]
    assert news_for(c["admin"], limit=10) == []  # staff without a member profile
    client.force_login(c["yanis"].user)
    body = client.get(reverse("mailings-news")).content.decode()
    assert "For everyone" in body and "Angers only" not in body and "Draft" not in body and "Later" not in body
    for m in (scheduled,):
        assert client.get(reverse("mailings-news-detail", args=[m.pk])).status_code == 404
    assert client.get(reverse("mailings-news-detail", args=[everyone.pk])).status_code == 200


def test_a_member_who_chose_not_at_all_does_not_see_it_app_only_sees_an_email_only_mailing(c):
    services.save_preferences(actor=c["camille"].user, member=c["camille"], modes={Kind.NEWSLETTER: Mode.NONE})
    services.save_preferences(actor=c["yanis"].user, member=c["yanis"], modes={Kind.NEWSLETTER: Mode.APP})
    published(c)
    email_only = published(c, send_email=True, publish_news=False, subject_en="By email only")
    assert news_for(c["camille"].user) == []
    assert subjects(news_for(c["yanis"].user)) == ["By email only", "May letter"]
    assert news_for(c["ines"].user)[0].mailing_id != email_only.pk


def test_news_are_unread_until_opened(c, client):
    m = published(c)
    client.force_login(c["camille"].user)
    assert "new" in client.get(reverse("mailings-news")).content.decode()
    assert news_for(c["camille"].user)[0].unread
    r = client.get(reverse("mailings-news-detail", args=[m.pk]))
    assert r.status_code == 200 and "<strong>à tous</strong>" in r.content.decode()
    assert not news_for(c["camille"].user)[0].unread
    assert news_for(c["yanis"].user)[0].unread  # his own marker
    published(c, subject_fr="Deux")
    assert client.post(reverse("mailings-news-read-all")).status_code == 302
    assert not any(r.unread for r in news_for(c["camille"].user))


def test_the_home_selector_is_one_query_and_the_list_a_fixed_number(c, client):
    published(c)
    user = c["camille"].user
    with CaptureQueriesContext(connection) as ctx:
        news_for(user)
    assert len(ctx.captured_queries) == 1
    client.force_login(user)
    client.get(reverse("mailings-news"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("mailings-news")).status_code == 200
    for i in range(8):
        published(c, subject_fr=f"Nouvelle {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("mailings-news")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        assert len(news_for(user)) == 3
    assert len(ctx.captured_queries) == 1


def test_the_news_api_lists_reads_and_marks_read(c, client):
    m = published(c)
    other = published(c, by="angers_advisor")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token_for(c['yanis'].user)}"}
    data = client.get(reverse("api-mailings-news-list"), **auth).json()
    assert [n["id"] for n in data["results"]] == [m.pk] and data["results"][0]["unread"]
    assert data["results"][0]["subject"] == "May letter"
    detail = client.get(reverse("api-mailings-news-detail", args=[m.pk]), **auth).json()
    assert "<strong>everyone</strong>" in detail["body_html"] and detail["body"].startswith("Hello")
    assert client.get(reverse("api-mailings-news-detail", args=[other.pk]), **auth).status_code == 404
    assert client.post(reverse("api-mailings-news-read", args=[other.pk]), **auth).status_code == 404
    r = client.post(reverse("api-mailings-news-read", args=[m.pk]), **auth)
    assert r.status_code == 200 and r.json()["unread"] is False
    assert client.post(reverse("api-mailings-news-read-all"), **auth).json() == {"marked": 0}
