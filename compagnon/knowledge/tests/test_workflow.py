"""A member's draft goes to review; an editor approves, asks for changes or rejects; each
publication is a new version; an earlier version can be restored; "was this useful?" once per
person and version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compagnon.audit.models import AuditEvent
from compagnon.notifications.models import Notification

from .. import services
from ..models import Feedback, Revision, State
from .helpers import coop, draft, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return coop()


def test_a_members_draft_is_reviewed_sent_back_then_published(c, client):
    revision = draft(c)
    article = revision.translation.article
    services.submit(actor=c["camille"], article=article, language="en")
    assert Notification.objects.filter(user__in=[c["admin"], c["editor"]]).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.review(actor=c["editor"], article=article, language="en", decision="changes")
    assert "comment" in exc.value.message_dict
    services.review(actor=c["editor"], article=article, language="en", decision="changes",
                    comment="Add a screenshot of the button.")
    revision.refresh_from_db()
    assert revision.state == State.CHANGES and Notification.objects.filter(user=c["camille"]).exists()
    client.force_login(c["camille"])
    body = client.get(reverse("knowledge-article", args=[article.pk])).content.decode()
    assert "Add a screenshot of the button." in body
    services.save_draft(actor=c["camille"], article=article, language="en", title="Send a quote",
                        body="Open **Quotes**, tap *New*, then *Send*.")
    services.submit(actor=c["camille"], article=article, language="en")
    services.review(actor=c["admin"], article=article, language="en", decision="approve")
    revision.refresh_from_db()
    article.refresh_from_db()
    assert revision.state == State.PUBLISHED and revision.version == 1 and article.published_at
    assert revision.translation.current_id == revision.pk
    assert AuditEvent.objects.filter(action="knowledge.published").exists()


def test_members_cannot_review_and_a_rejection_says_why(c):
    article = draft(c).translation.article
    services.submit(actor=c["camille"], article=article, language="en")
    for user in (c["camille"], c["yanis"], c["advisor"], c["legal"], c["foreign_admin"]):
        with pytest.raises(PermissionDenied):
            services.review(actor=user, article=article, language="en", decision="approve")
    with pytest.raises(PermissionDenied):
        services.save_draft(actor=c["yanis"], article=article, language="en", title="Mine now", body="x")
    services.review(actor=c["editor"], article=article, language="en", decision="reject", comment="Already exists.")
    assert Revision.objects.get().state == State.REJECTED
    # a new draft may be started after a rejection
    services.save_draft(actor=c["camille"], article=article, language="en", title="Again", body="Better text")
    assert Revision.objects.filter(state=State.DRAFT).count() == 1


def test_each_publication_is_a_version_and_an_earlier_one_can_be_restored(c, client):
    article = published(c, by="admin", title="Reading the budget", body="First text")
    with pytest.raises(PermissionDenied):  # camille is not its author: she cannot edit it
        services.save_draft(actor=c["camille"], article=article, language="en", title="x", body="y")
    for n, text in ((2, "Second text"), (3, "Third text")):
        services.save_draft(actor=c["editor"], article=article, language="en", title="Reading the budget",
                            body=text, change_note=f"edit {n}")
        services.review(actor=c["admin"], article=article, language="en", decision="approve")
    versions = list(Revision.objects.filter(state=State.PUBLISHED).order_by("version").values_list("version", "body"))
    assert versions == [(1, "First text"), (2, "Second text"), (3, "Third text")]
    first = Revision.objects.get(version=1)
    with pytest.raises(PermissionDenied):
        services.restore(actor=c["camille"], article=article, revision=first)
    client.force_login(c["admin"])
    r = client.post(reverse("knowledge-restore", args=[article.pk, first.pk]))
    assert r.status_code == 302
    restored = Revision.objects.get(version=4)
    assert restored.body == "First text" and restored.restored_from_id == first.pk
    assert restored.translation.current_id == restored.pk
    history = client.get(reverse("knowledge-history", args=[article.pk])).content.decode()
    assert "Version 4" in history and "a copy of version 1" in history
    page = client.get(reverse("knowledge-version", args=[article.pk, Revision.objects.get(version=3).pk]))
    assert "Second text" in page.content.decode() and "Third text" in page.content.decode()


def test_feedback_once_per_person_and_version_counts_for_author_and_editors(c, client):
    article = published(c)
    services.give_feedback(actor=c["yanis"], article=article, language="en", useful=True, comment="Clear")
    with pytest.raises(ValidationError):
        services.give_feedback(actor=c["yanis"], article=article, language="en", useful=False)
    client.force_login(c["ines"])
    url = reverse("knowledge-feedback", args=[article.pk, "en"])
    assert client.post(url, {"useful": "no", "comment": "Missing the send step"}).status_code == 302
    r = client.post(url, {"useful": "yes"})
    assert r.status_code == 400 and Feedback.objects.count() == 2
    body = client.get(reverse("knowledge-article", args=[article.pk])).content.decode()
    assert "Missing the send step" not in body  # readers do not see the comments
    client.force_login(c["camille"])  # the author
    body = client.get(reverse("knowledge-article", args=[article.pk])).content.decode()
    assert "this version: 1 yes, 1 no" in body and "Missing the send step" in body
    # a new version: everyone may answer again
    services.save_draft(actor=c["camille"], article=article, language="en", title="Send a quote", body="New")
    services.review(actor=c["editor"], article=article, language="en", decision="approve")
    services.give_feedback(actor=c["yanis"], article=article, language="en", useful=True)
    assert Feedback.objects.filter(user=c["yanis"]).count() == 2


def test_translations_are_siblings_and_the_reader_sees_their_language(c, client):
    article = published(c, by="admin", title="Send a quote", body="English text")
    services.save_draft(actor=c["admin"], article=article, language="fr", title="Envoyer un devis",
                        body="Texte en français")
    client.force_login(c["yanis"])
    with_language = client.get(reverse("knowledge-article", args=[article.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    body = with_language.content.decode()
    assert "English text" in body and "Texte en français" not in body  # the French draft is not published
    services.review(actor=c["admin"], article=article, language="fr", decision="approve")
    c["yanis"].language = "fr"
    c["yanis"].save()
    body = client.get(reverse("knowledge-article", args=[article.pk])).content.decode()
    assert "Texte en français" in body
    body = client.get(reverse("knowledge-article", args=[article.pk]), {"lang": "en"}).content.decode()
    assert "English text" in body
    c["yanis"].language = "nl"
    c["yanis"].save()
    body = client.get(reverse("knowledge-article", args=[article.pk])).content.decode()
    assert "Texte en français" in body or "English text" in body
    assert "is not written in your language yet" in body or "nog niet" in body
