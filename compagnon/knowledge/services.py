"""Writing, reviewing and publishing articles. Keyword-only; one transaction each; the rule
checked again here (``core.services.require``); audited.

The life of a text: a writer saves a **draft** (one open draft per translation); sends it for
**review**; an editor **approves** it (it is published as the next version number), **asks for
changes** with a comment (the author edits and sends it again) or **rejects** it with a comment.
Editors may publish their own drafts directly: they are the reviewers. Editing a published text
opens a new draft from it; the published version stays until the new one is approved. **Restoring**
an earlier version publishes a copy of it as a new version: nothing is ever rewritten."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications.services import Message, notify, notify_many

from . import helplinks, search
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import (
    LANGUAGES,
    OPEN_STATES,
    Article,
    Feedback,
    Kind,
    Revision,
    State,
    Topic,
    Translation,
)
from .rules import EDITOR_SERVICE, editor_entity_ids, held_today, reader_entity_ids
from .text import plain, render

MAX_BODY = 60_000
DECISIONS = ("approve", "changes", "reject")


def _clean(*, title, summary, body, change_note="") -> dict:
    errors: dict = {}
    title = " ".join(str(title or "").split())
    summary = " ".join(str(summary or "").split())
    body = str(body or "").replace("\r\n", "\n").strip()
    if not title:
        errors["title"] = [_("Give the article a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if len(summary) > 300:
        errors["summary"] = [_("Keep the summary under 300 characters.")]
    if not body:
        errors["body"] = [_("Write the text of the article.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("The text is too long (at most %(max)s characters).") % {"max": MAX_BODY}]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "summary": summary, "body": body, "html": render(body),
            "change_note": " ".join(str(change_note or "").split())[:300]}


def _language(language) -> str:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose French, Dutch or English.")})
    return language


def _check_topic(topic: Topic | None, entity_id: int) -> None:
    if topic is not None and topic.entity_id != entity_id and not topic.shared:
        raise ValidationError({"topic": _("Choose a topic of this entity or a shared one.")})


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update(of=("self",)).select_related("entity").get(pk=article.pk)


def _audit(actor, article: Article, action: str, message: str, **params):
    record(actor=actor, action=f"knowledge.{action}", obj=article, entity=article.entity, message=message,
           params={"article": article.pk, **params})


def editors_of(entity_id: int) -> list:
    rows = RoleAssignment.objects.filter(held_today(), entity_id=entity_id, role=Role.ADMIN).select_related("user")
    support = RoleAssignment.objects.filter(held_today(), entity_id=entity_id, role=Role.SUPPORT,
                                            service=EDITOR_SERVICE)
    users = {ra.user_id: ra.user for ra in (*rows, *support.select_related("user")) if ra.user.is_active}
    return list(users.values())


@transaction.atomic
def create_article(*, actor, entity, language: str, title: str, body: str, summary: str = "",
                   topic: Topic | None = None, kind: str = Kind.ARTICLE, change_note: str = "") -> Revision:
    """A new article with its first draft (in ``language``); the writer sends it for review."""
    require(actor, "knowledge.write_in", entity)
    _language(language)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose article or tutorial.")})
    _check_topic(topic, entity.pk)
    fields = _clean(title=title, summary=summary, body=body, change_note=change_note)
    article = Article.objects.create(entity=entity, topic=topic, kind=kind, created_by=actor)
    translation = Translation.objects.create(article=article, language=language)
    revision = Revision.objects.create(translation=translation, author=actor, **fields)
    _audit(actor, article, "created", gettext_noop("Help article “%(title)s” drafted"), title=fields["title"])
    return revision


@transaction.atomic
def save_draft(*, actor, article: Article, language: str, title: str, body: str, summary: str = "",
               change_note: str = "") -> Revision:
    """Save the open draft of ``language`` (opening one, or a new translation, when there is none).
    A writer who changes a text in review takes it back to draft: they send it again."""
    article = _locked(article)
    require(actor, "knowledge.edit_article", article)
    _language(language)
    fields = _clean(title=title, summary=summary, body=body, change_note=change_note)
    translation, _created = Translation.objects.get_or_create(article=article, language=language)
    draft = Revision.objects.select_for_update().filter(translation=translation, state__in=OPEN_STATES).first()
    if draft is None:
        return Revision.objects.create(translation=translation, author=actor, **fields)
    for key, value in fields.items():
        setattr(draft, key, value)
    if draft.state == State.REVIEW and article.entity_id not in editor_entity_ids(actor):
        draft.state = State.DRAFT
    draft.save()
    return draft


def _open_draft(article: Article, language: str) -> Revision:
    draft = (Revision.objects.select_for_update().filter(translation__article=article, translation__language=language,
                                                          state__in=OPEN_STATES).select_related("translation").first())
    if draft is None:
        raise ValidationError({"language": _("There is no draft in this language.")})
    return draft


@transaction.atomic
def submit(*, actor, article: Article, language: str) -> Revision:
    """Send the draft for review; the editors of the entity are told."""
    article = _locked(article)
    require(actor, "knowledge.edit_article", article)
    draft = _open_draft(article, language)
    if draft.state == State.REVIEW:
        return draft
    draft.state, draft.submitted_at = State.REVIEW, timezone.now()
    draft.save(update_fields=["state", "submitted_at", "updated_at"])
    _audit(actor, article, "submitted", gettext_noop("Help article “%(title)s” sent for review"), title=draft.title)
    url = reverse("knowledge-article", args=[article.pk]) + f"?lang={language}"
    title = draft.title
    notify_many([Message(user=u, title=lambda: _("A help article waits for your review"),
                         body=lambda: _("“%(title)s” was sent for review.") % {"title": title}, url=url,
                         key=f"knowledge-review-{draft.pk}-{draft.submitted_at:%Y%m%d%H%M%S}")
                 for u in editors_of(article.entity_id) if u.pk != actor.pk])
    return draft


def _publish(actor, article: Article, revision: Revision) -> Revision:
    now = timezone.now()
    translation = Translation.objects.select_for_update().get(pk=revision.translation_id)
    last = Revision.objects.filter(translation=translation).aggregate(v=Max("version"))["v"] or 0
    revision.state, revision.version, revision.published_at = State.PUBLISHED, last + 1, now
    revision.reviewed_by, revision.reviewed_at = actor, now
    revision.save()
    translation.current, translation.title, translation.summary = revision, revision.title, revision.summary
    translation.published_at = now
    translation.save(update_fields=["current", "title", "summary", "published_at"])
    search.index_translation(translation.pk, language=translation.language, title=revision.title,
                             summary=revision.summary, text=plain(revision.body))
    if article.published_at is None:
        article.published_at = now
        article.save(update_fields=["published_at"])
    helplinks.invalidate()
    return revision


@transaction.atomic
def review(*, actor, article: Article, language: str, decision: str, comment: str = "") -> Revision:
    """An editor's decision on the draft: ``approve`` (published as the next version), ``changes``
    (back to its author with ``comment``) or ``reject`` (with ``comment``)."""
    article = _locked(article)
    require(actor, "knowledge.edit", article)
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose approve, ask for changes or reject.")})
    comment = str(comment or "").strip()[:4000]
    if decision != "approve" and not comment:
        raise ValidationError({"comment": _("Tell the author what to change, or why it is rejected.")})
    draft = _open_draft(article, language)
    author = draft.author
    if decision == "approve":
        draft.review_comment = comment
        _publish(actor, article, draft)
        _audit(actor, article, "published", gettext_noop("Help article “%(title)s” published (version %(version)s)"),
               title=draft.title, version=draft.version)
        title_text, body = (lambda: _("Your help article is published")), ""
    else:
        draft.state = State.CHANGES if decision == "changes" else State.REJECTED
        draft.reviewed_by, draft.reviewed_at, draft.review_comment = actor, timezone.now(), comment
        draft.save()
        if decision == "changes":
            _audit(actor, article, "changes_requested",
                   gettext_noop("Changes asked on help article “%(title)s”"), title=draft.title)
            title_text = lambda: _("Changes asked on your help article")  # noqa: E731
        else:
            _audit(actor, article, "rejected", gettext_noop("Help article “%(title)s” rejected"), title=draft.title)
            title_text = lambda: _("Your help article was not accepted")  # noqa: E731
        body = comment
    if author.pk != actor.pk:
        notify(author, title=title_text, body=body,
               url=reverse("knowledge-article", args=[article.pk]) + f"?lang={language}")
    return draft


@transaction.atomic
def restore(*, actor, article: Article, revision: Revision) -> Revision:
    """Publish a copy of an earlier published version as the next version (editors)."""
    article = _locked(article)
    require(actor, "knowledge.edit", article)
    old = Revision.objects.select_related("translation").filter(pk=revision.pk, translation__article=article).first()
    if old is None or old.state != State.PUBLISHED:
        raise ValidationError({"revision": _("Only a published version can be restored.")})
    if old.translation.current_id == old.pk:
        raise ValidationError({"revision": _("This version is the one published now.")})
    copy = Revision(translation=old.translation, author=actor, title=old.title, summary=old.summary, body=old.body,
                    html=render(old.body), restored_from=old,
                    change_note=_("Version %(version)s restored") % {"version": old.version})
    copy.save()
    _publish(actor, article, copy)
    _audit(actor, article, "restored", gettext_noop("Version %(old)s of help article “%(title)s” restored "
                                                    "as version %(version)s"),
           old=old.version, title=old.title, version=copy.version)
    return copy


@transaction.atomic
def discard_draft(*, actor, article: Article, language: str) -> None:
    """Delete the open draft; a translation (or an article) that was never published goes with it."""
    article = _locked(article)
    require(actor, "knowledge.edit_article", article)
    draft = _open_draft(article, language)
    translation = draft.translation
    _audit(actor, article, "draft_discarded", gettext_noop("A draft of help article %(article)s discarded"))
    draft.delete()
    if translation.current_id is None and not translation.revisions.exists():
        translation.delete()
    if article.published_at is None and not article.translations.exists():
        article.delete()


@transaction.atomic
def update_settings(*, actor, article: Article, topic: Topic | None, kind: str, shared: bool,
                    page_keys: list[str]) -> Article:
    """Editors: the topic, the kind, sharing with every entity, and the pages it explains."""
    from .catalogue import clean_page_keys
    from .models import HelpLink

    article = _locked(article)
    require(actor, "knowledge.edit", article)
    _check_topic(topic, article.entity_id)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose article or tutorial.")})
    if shared and topic is not None and not topic.shared:
        raise ValidationError({"shared": _("Share its topic first, or choose a shared topic.")})
    keys = clean_page_keys(page_keys)
    before = {"topic": article.topic_id, "kind": article.kind, "shared": article.shared,
              "pages": sorted(article.help_links.values_list("page_key", flat=True))}
    article.topic, article.kind, article.shared = topic, kind, bool(shared)
    article.save(update_fields=["topic", "kind", "shared"])
    article.help_links.exclude(page_key__in=keys).delete()
    for key in keys:
        HelpLink.objects.get_or_create(page_key=key, article=article, defaults={"created_by": actor})
    after = {"topic": article.topic_id, "kind": article.kind, "shared": article.shared, "pages": keys}
    if before != after:
        record(actor=actor, action="knowledge.settings", obj=article, entity=article.entity,
               message=gettext_noop("Settings of help article %(article)s changed"), params={"article": article.pk},
               before={k: str(v) for k, v in before.items()}, after={k: str(v) for k, v in after.items()})
    helplinks.invalidate()
    return article


@transaction.atomic
def give_feedback(*, actor, article: Article, language: str, useful: bool, comment: str = "") -> Feedback:
    """"Was this useful?" on the published version the reader read: once per person and version."""
    article = Article.objects.get(pk=article.pk)
    readers = reader_entity_ids(actor)
    if not readers or (article.entity_id not in readers and not article.shared):
        raise PermissionDenied(_("You are not allowed to do this."))
    translation = Translation.objects.filter(article=article, language=language, current__isnull=False).first()
    if translation is None:
        raise ValidationError({"language": _("This article is not published in this language.")})
    comment = str(comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": _("Keep the comment under 1,000 characters.")})
    if Feedback.objects.filter(revision_id=translation.current_id, user_id=actor.pk).exists():
        raise ValidationError({"useful": _("You already answered for this version. Thank you!")})
    try:
        with transaction.atomic():
            return Feedback.objects.create(revision_id=translation.current_id, user=actor, useful=bool(useful),
                                           comment=comment)
    except IntegrityError:  # the same person twice at once: the unique constraint answers
        raise ValidationError({"useful": _("You already answered for this version. Thank you!")}) from None
