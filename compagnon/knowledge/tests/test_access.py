"""Who sees what, through the pages and the API: drafts for their author and the editors only;
another entity's articles never (404), unless shared; visible things one may not change answer
403; lists cost a fixed number of queries."""

import pytest
from django.urls import reverse

from .. import services
from ..models import Revision, State
from .helpers import auth, coop, draft, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = coop()
    c["draft"] = draft(c, title="Camille's private draft").translation.article
    c["article"] = published(c, by="yanis", title="Claim an expense", body="Take a photo of the receipt.")
    return c


READERS = ("camille", "yanis", "ines", "advisor", "admin", "editor", "legal", "accountant")


def test_a_draft_is_read_by_its_author_and_the_editors_only(client, c):
    url = reverse("knowledge-article", args=[c["draft"].pk])
    api = reverse("api-knowledge-article-detail", args=[c["draft"].pk])
    for who, code in (("camille", 200), ("admin", 200), ("editor", 200), ("yanis", 404), ("ines", 404),
                      ("advisor", 404), ("legal", 404), ("accountant", 404), ("outsider", 404),
                      ("foreign_admin", 404)):
        client.force_login(c[who])
        assert client.get(url).status_code == code, who
        assert client.get(api, **auth(c[who])).status_code == code, who
        assert client.get(reverse("knowledge-history", args=[c["draft"].pk])).status_code == code, who
        listed = client.get(reverse("knowledge-index")).content.decode()
        assert "Camille&#x27;s private draft" not in listed and "Camille's private draft" not in listed


def test_published_articles_stay_in_their_entity_unless_shared(client, c):
    url = reverse("knowledge-article", args=[c["article"].pk])
    api = reverse("api-knowledge-article-detail", args=[c["article"].pk])
    for who in READERS:
        client.force_login(c[who])
        assert client.get(url).status_code == 200, who
        assert "Claim an expense" in client.get(reverse("knowledge-index")).content.decode(), who
    for who in ("outsider", "foreign_admin"):
        client.force_login(c[who])
        assert client.get(url).status_code == 404
        assert client.get(api, **auth(c[who])).status_code == 404
        assert "Claim an expense" not in client.get(reverse("knowledge-index"), {"q": "expense"}).content.decode()
        assert client.get(reverse("api-knowledge-article-list"), {"q": "expense"}, **auth(c[who])).json()["count"] == 0
        assert client.post(reverse("knowledge-feedback", args=[c["article"].pk, "en"]),
                           {"useful": "yes"}).status_code == 404
    services.update_settings(actor=c["admin"], article=c["article"], topic=None, kind="tutorial", shared=True,
                             page_keys=[])
    client.force_login(c["outsider"])
    assert client.get(url).status_code == 200
    assert client.get(api, **auth(c["outsider"])).json()["title"] == "Claim an expense"
    assert client.get(reverse("knowledge-edit", args=[c["article"].pk, "en"])).status_code == 403
    assert client.get(reverse("knowledge-settings", args=[c["article"].pk])).status_code == 403


def test_who_may_edit_review_and_change_settings(client, c):
    article = c["article"]
    for who, edit, settings in (("yanis", 200, 403), ("camille", 403, 403), ("advisor", 403, 403),
                                ("editor", 200, 200), ("admin", 200, 200), ("legal", 403, 403)):
        client.force_login(c[who])
        assert client.get(reverse("knowledge-edit", args=[article.pk, "en"])).status_code == edit, who
        assert client.get(reverse("knowledge-settings", args=[article.pk])).status_code == settings, who
    services.save_draft(actor=c["yanis"], article=article, language="en", title="Claim an expense", body="New")
    services.submit(actor=c["yanis"], article=article, language="en")
    body = {"language": "en", "decision": "approve"}
    url = reverse("api-knowledge-article-review", args=[article.pk])
    r = client.post(url, body, content_type="application/json", **auth(c["yanis"]))
    assert r.status_code == 403
    r = client.post(url, {**body, "decision": "changes"}, content_type="application/json", **auth(c["editor"]))
    assert r.status_code == 400 and "comment" in r.json()["error"]["fields"]
    r = client.post(url, body, content_type="application/json", **auth(c["editor"]))
    assert r.status_code == 200 and r.json()["version"] == 2
    client.force_login(c["editor"])
    assert client.get(reverse("knowledge-review")).status_code == 200
    client.force_login(c["camille"])
    assert client.get(reverse("knowledge-review")).status_code == 404


def test_writing_and_reviewing_through_the_pages(client, c):
    client.force_login(c["ines"])
    form = {"entity": c["entity"].pk, "kind": "tutorial", "language": "fr", "title": "",
            "body": "Kept text", "action": "submit"}
    r = client.post(reverse("knowledge-new"), form)
    assert r.status_code == 400 and "Kept text" in r.content.decode()
    r = client.post(reverse("knowledge-new"), {**form, "title": "Lire son budget", "action": "publish"})
    assert r.status_code == 302
    revision = Revision.objects.get(title="Lire son budget")
    assert revision.state == State.REVIEW  # a member cannot publish: it went to review
    article = revision.translation.article
    client.force_login(c["editor"])
    decide = reverse("knowledge-review-decide", args=[article.pk, "fr"])
    r = client.post(decide, {"decision": "reject", "comment": ""})
    assert r.status_code == 400
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    revision.refresh_from_db()
    assert revision.state == State.PUBLISHED


def test_api_writes_a_draft_submits_and_lists(client, c):
    token = auth(c["camille"])
    r = client.post(reverse("api-knowledge-article-list"), {"language": "nl", "title": "Een offerte sturen",
                                                            "body": "Tik op *Nieuw*."},
                    content_type="application/json", **token)
    assert r.status_code == 201 and r.json()["draft"]["state"] == "draft"
    pk = r.json()["id"]
    r = client.patch(reverse("api-knowledge-article-detail", args=[pk]),
                     {"language": "nl", "title": "Een offerte sturen", "body": ""}, content_type="application/json",
                     **token)
    assert r.status_code == 400 and "body" in r.json()["error"]["fields"]
    r = client.post(reverse("api-knowledge-article-submit", args=[pk]), {"language": "nl"},
                    content_type="application/json", **token)
    assert r.json()["draft"]["state"] == "review"
    r = client.post(reverse("api-knowledge-article-list"), {"language": "xx", "title": "t", "body": "b"},
                    content_type="application/json", **token)
    assert r.status_code == 400 and "language" in r.json()["error"]["fields"]
    r = client.post(reverse("api-knowledge-article-list"), {"language": "en", "title": "t", "body": "b",
                                                            "entity": c["other_entity"].pk},
                    content_type="application/json", **token)
    assert r.status_code == 404
    data = client.get(reverse("api-knowledge-article-list"), **auth(c["yanis"])).json()
    assert [row["title"] for row in data["results"]] == ["Claim an expense"]
    r = client.post(reverse("api-knowledge-article-feedback", args=[c["article"].pk]),
                    {"language": "en", "useful": True}, content_type="application/json", **auth(c["ines"]))
    assert r.status_code == 201
    r = client.post(reverse("api-knowledge-article-feedback", args=[c["article"].pk]),
                    {"language": "en", "useful": True}, content_type="application/json", **auth(c["ines"]))
    assert r.status_code == 400
    assert client.get(reverse("api-knowledge-article-feedback", args=[c["article"].pk]),
                      **auth(c["ines"])).status_code == 403
    counts = client.get(reverse("api-knowledge-article-feedback", args=[c["article"].pk]), **auth(c["yanis"])).json()
    assert counts == [{"language": "en", "yes": 1, "no": 0, "all_yes": 1, "all_no": 0}]


def test_lists_cost_a_fixed_number_of_queries(client, c, django_assert_max_num_queries):
    def count(url, params=None, api=False):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, params or {}, **(auth(c["camille"]) if api else {}))
            assert r.status_code == 200
        return len(ctx.captured_queries)

    client.force_login(c["camille"])
    pages = [(reverse("knowledge-index"), None, False), (reverse("knowledge-index"), {"q": "expense"}, False),
             (reverse("knowledge-faq"), None, False), (reverse("knowledge-mine"), None, False),
             (reverse("api-knowledge-article-list"), None, True),
             (reverse("api-knowledge-article-list"), {"q": "receipt"}, True)]
    before = [count(*p) for p in pages]
    for i in range(8):
        published(c, by="admin", title=f"Expense tip {i}", body="Receipt and expense, with a photo.")
        draft(c, title=f"Camille draft {i}")
    after = [count(*p) for p in pages]
    assert after == before, (before, after)
