"""Reads of the help centre for pages and the API, always from the reader's entities.

A published article is read by the members and staff of its entity, and by everyone of every
entity when it is shared. A draft (a version not published yet) is read by its author and by the
editors of the article's entity, nobody else; an article never published is invisible to others.
Anything outside answers 404."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from compagnon import permissions
from compagnon.members.models import Member

from .models import (
    OPEN_STATES,
    Article,
    ExpertState,
    FaqEntry,
    Feedback,
    Revision,
    State,
    Topic,
    TopicExpert,
    Translation,
    reader_language,
)
from .rules import editor_entity_ids, reader_entity_ids


def published_q(user, prefix: str = "") -> Q:
    readers = reader_entity_ids(user)
    if not readers:
        return Q(pk__in=[])
    return Q(**{f"{prefix}published_at__isnull": False}) & (
        Q(**{f"{prefix}entity_id__in": readers}) | Q(**{f"{prefix}shared": True}))


def articles(user) -> QuerySet[Article]:
    """Every article the user may open: published ones they read, their own, and all of the
    entities they edit."""
    readers = reader_entity_ids(user)
    if not readers:
        return Article.objects.none()
    q = published_q(user) | Q(entity_id__in=editor_entity_ids(user)) | Q(created_by_id=user.pk, entity_id__in=readers)
    return Article.objects.filter(q)


def article(user, pk) -> Article:
    return articles(user).select_related("topic", "entity", "created_by").get(pk=pk)


def current_translations() -> Prefetch:
    return Prefetch("translations", queryset=Translation.objects.filter(current__isnull=False).order_by("language"),
                    to_attr="published_translations")


def pick(translations: list, lang: str | None = None):
    """The translation in the reader's language, else the first other one (or None)."""
    lang = lang or reader_language()
    for t in translations:
        if t.language == lang:
            return t
    return translations[0] if translations else None


def published_list(user, *, topic: Topic | None = None, kind: str = "") -> QuerySet[Article]:
    qs = Article.objects.filter(published_q(user))
    if topic is not None:
        qs = qs.filter(topic=topic)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("topic").prefetch_related(current_translations()).order_by("-published_at", "-id")


def with_pick(page_objects, lang: str | None = None) -> list:
    """Each article of a list with ``shown`` (its translation in the reader's language, else
    another one) and ``other_language`` (True when it is not the reader's)."""
    lang = lang or reader_language()
    out = []
    for a in page_objects:
        a.shown = pick(a.published_translations, lang)
        if a.shown is not None:
            a.other_language = a.shown.language != lang
            out.append(a)
    return out


def translations_of(article_obj: Article) -> list[Translation]:
    rows = list(article_obj.translations.select_related("current", "current__author", "current__reviewed_by"))
    for t in rows:
        t.article = article_obj  # already read: no query per translation
    return rows


def open_draft(user, translation: Translation) -> Revision | None:
    """The translation's draft, when the user may see it (its author, or an editor)."""
    draft = (Revision.objects.filter(translation=translation, state__in=OPEN_STATES)
             .select_related("author", "reviewed_by").first())
    if draft is None:
        return None
    if draft.author_id == user.pk or translation.article.entity_id in editor_entity_ids(user):
        return draft
    return None


def history(user, article_obj: Article) -> list[Revision]:
    """The versions of every translation, newest first: the published ones for every reader; the
    drafts, rejected and sent-back texts for their author and the editors."""
    qs = Revision.objects.filter(translation__article=article_obj).select_related(
        "translation", "author", "reviewed_by", "restored_from")
    if article_obj.entity_id not in editor_entity_ids(user):
        qs = qs.filter(Q(state=State.PUBLISHED) | Q(author_id=user.pk))
    return list(qs.order_by("-created_at", "-id"))


def review_queue(user) -> QuerySet[Revision]:
    return (Revision.objects.filter(state=State.REVIEW, translation__article__entity_id__in=editor_entity_ids(user))
            .select_related("translation__article__topic", "author").order_by("submitted_at", "id"))


def my_work(user) -> QuerySet[Revision]:
    """The user's texts not published yet (drafts, in review, sent back, rejected)."""
    return (Revision.objects.filter(author_id=user.pk, translation__article__entity_id__in=reader_entity_ids(user))
            .exclude(state=State.PUBLISHED).select_related("translation__article", "reviewed_by")
            .order_by("-updated_at", "-id"))


def sees_feedback(user, article_obj: Article) -> bool:
    return article_obj.created_by_id == user.pk or article_obj.entity_id in editor_entity_ids(user)


def feedback_counts(article_obj: Article) -> dict:
    """Per language: the current version's yes/no counts, and all versions' (one query)."""
    rows = (Feedback.objects.filter(revision__translation__article=article_obj)
            .values("revision__translation__language", "revision__translation__current_id", "revision_id", "useful")
            .annotate(n=Count("id")))
    out: dict = {}
    for r in rows:
        lang = r["revision__translation__language"]
        counts = out.setdefault(lang, {"yes": 0, "no": 0, "all_yes": 0, "all_no": 0})
        key = "yes" if r["useful"] else "no"
        counts["all_" + key] += r["n"]
        if r["revision_id"] == r["revision__translation__current_id"]:
            counts[key] += r["n"]
    return out


def feedback_comments(article_obj: Article, limit: int = 20) -> list[Feedback]:
    return list(Feedback.objects.filter(revision__translation__article=article_obj).exclude(comment="")
                .select_related("revision__translation").order_by("-created_at", "-id")[:limit])


def own_feedback(user, revision: Revision | None) -> Feedback | None:
    if revision is None:
        return None
    return Feedback.objects.filter(revision=revision, user_id=user.pk).first()


# --- topics, experts, FAQ ----------------------------------------------------------------------


def topics(user) -> QuerySet[Topic]:
    readers = reader_entity_ids(user)
    if not readers:
        return Topic.objects.none()
    return Topic.objects.filter(Q(entity_id__in=readers) | Q(shared=True)).order_by("position", "id")


def topic(user, pk) -> Topic:
    return topics(user).get(pk=pk)


def editable_topics(user) -> QuerySet[Topic]:
    return Topic.objects.filter(entity_id__in=editor_entity_ids(user)).order_by("position", "id")


def experts(user, topic_obj: Topic) -> list[TopicExpert]:
    """The confirmed experts of the topic from the reader's entities (never another entity's
    people); the editors also see who is waiting for confirmation."""
    readers = reader_entity_ids(user)
    qs = TopicExpert.objects.filter(topic=topic_obj, member__entity_id__in=readers).select_related("member__user")
    editors = editor_entity_ids(user)
    qs = qs.filter(Q(state=ExpertState.CONFIRMED) | Q(member__entity_id__in=editors) | Q(member__user_id=user.pk))
    return list(qs.order_by("state", "member__user__last_name", "id"))


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if not s.member_active:
        return None
    return Member.objects.filter(pk=s.member_id).first()


def expert(user, pk) -> TopicExpert:
    return TopicExpert.objects.select_related("member__user", "topic").filter(
        member__entity_id__in=reader_entity_ids(user)).get(pk=pk)


def faq(user, *, topic_obj: Topic | None = None) -> QuerySet[FaqEntry]:
    readers = reader_entity_ids(user)
    if not readers:
        return FaqEntry.objects.none()
    qs = FaqEntry.objects.filter(Q(entity_id__in=readers) | Q(shared=True))
    if topic_obj is not None:
        qs = qs.filter(topic=topic_obj)
    return qs.select_related("topic").order_by("topic__position", "topic_id", "position", "id")


def faq_entry(user, pk) -> FaqEntry:
    return faq(user).get(pk=pk)


def editable_faq(user, pk) -> FaqEntry:
    return FaqEntry.objects.filter(entity_id__in=editor_entity_ids(user)).get(pk=pk)
