"""The help centre: articles and tutorials written by members and staff, reviewed before they are
published, versioned, searchable; the FAQ; topics with their expert members; help links from the
pages they explain.

* ``Topic`` — a category of an entity (names in FR/NL/EN), possibly shared with every entity;
* ``Article`` — one article or tutorial of an entity (``shared``: every entity of the installation
  reads it once published); its translations are siblings, one ``Translation`` per language;
* ``Translation`` — one language of an article: points at its current published ``Revision`` and
  keeps a copy of its title, summary and folded text for lists and search (a tsvector on
  PostgreSQL);
* ``Revision`` — one version of a translation: a draft (its author and the editors see it), in
  review, sent back for changes, rejected, or published (numbered 1, 2, 3…; never edited again);
* ``Feedback`` — "was this useful?", one per person and published version;
* ``FaqEntry`` — a question and its answer in FR/NL/EN, grouped by topic;
* ``HelpLink`` — an article attached by an editor to a page key (``{% help_link "key" %}``);
* ``TopicExpert`` — a member who volunteers as expert on a topic, confirmed by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compagnon.organisation.models import LANGUAGE_CHOICES

LANGUAGES = ("fr", "nl", "en")


def reader_language() -> str:
    lang = (get_language() or "fr")[:2]
    return lang if lang in LANGUAGES else "fr"


def in_language(obj, field: str, lang: str | None = None) -> tuple[str, str]:
    """The value of ``field_<lang>`` in the reader's language, else the first other language that
    has one: (text, language used)."""
    lang = lang or reader_language()
    for code in (lang, *[c for c in LANGUAGES if c != lang]):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value, code
    return "", lang


class Topic(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="help_topics",
                               verbose_name=_("entity"))
    shared = models.BooleanField(_("shared with every entity"), default=False)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_nl = models.CharField(_("description (Dutch)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("help topic")
        verbose_name_plural = _("help topics")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")[0]

    @property
    def description(self) -> str:
        return in_language(self, "description")[0]


class Kind(models.TextChoices):
    ARTICLE = "article", pgettext_lazy("help article kind", "article")
    TUTORIAL = "tutorial", pgettext_lazy("help article kind", "tutorial")


class Article(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="help_articles",
                               verbose_name=_("entity"))
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
                              verbose_name=_("topic"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    shared = models.BooleanField(_("shared with every entity"), default=False,
                                 help_text=_("Once published, members of every entity of the installation read it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("first published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["entity", "published_at"], name="knowledge_article_pub"),
                   models.Index(fields=["shared", "published_at"], name="knowledge_article_shared")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class Translation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations",
                                verbose_name=_("article"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    current = models.ForeignKey("Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("published version"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    search_text = models.TextField(blank=True, editable=False)  # folded: lower case, no accents
    search = SearchVectorField(null=True, editable=False)  # PostgreSQL only (GIN index in 0001)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["article_id", "language"]
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="knowledge_one_per_language")]

    def __str__(self):
        return f"{self.article_id}/{self.language}"


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("help version state", "draft")
    REVIEW = "review", pgettext_lazy("help version state", "in review")
    CHANGES = "changes", pgettext_lazy("help version state", "changes requested")
    REJECTED = "rejected", pgettext_lazy("help version state", "rejected")
    PUBLISHED = "published", pgettext_lazy("help version state", "published")


OPEN_STATES = (State.DRAFT, State.REVIEW, State.CHANGES)


class Revision(models.Model):
    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="revisions",
                                    verbose_name=_("translation"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    html = models.TextField(editable=False, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("sent for review on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    restored_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("restored from"))

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["translation_id", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["translation"], condition=Q(state__in=["draft", "review", "changes"]),
                                    name="knowledge_one_open_draft"),
            models.UniqueConstraint(fields=["translation", "version"], condition=Q(version__isnull=False),
                                    name="knowledge_version_unique"),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="knowledge_review_queue")]

    def __str__(self):
        return f"{self.translation_id} v{self.version or '-'} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Feedback(models.Model):
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="feedback",
                                 verbose_name=_("version"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))
    useful = models.BooleanField(_("useful"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["revision", "user"], name="knowledge_one_feedback")]

    def __str__(self):
        return f"{self.revision_id}: {self.useful}"


class FaqEntry(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="faq_entries",
                               verbose_name=_("entity"))
    shared = models.BooleanField(_("shared with every entity"), default=False)
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="faq_entries",
                              verbose_name=_("group"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question_fr = models.CharField(_("question (French)"), max_length=300, blank=True)
    question_nl = models.CharField(_("question (Dutch)"), max_length=300, blank=True)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer_fr = models.TextField(_("answer (French)"), blank=True)
    answer_nl = models.TextField(_("answer (Dutch)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    search_text = models.TextField(blank=True, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["position", "id"]

    def __str__(self):
        return in_language(self, "question")[0]


class HelpLink(models.Model):
    page_key = models.SlugField(_("page key"), max_length=60)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="help_links",
                                verbose_name=_("article"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("help link")
        verbose_name_plural = _("help links")
        ordering = ["page_key", "id"]
        constraints = [models.UniqueConstraint(fields=["page_key", "article"], name="knowledge_one_link_per_page")]

    def __str__(self):
        return f"{self.page_key} → {self.article_id}"


class ExpertState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("expert state", "waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("expert state", "confirmed")


class TopicExpert(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="experts", verbose_name=_("topic"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="help_expertise",
                               verbose_name=_("member"))
    note = models.CharField(_("how I can help"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ExpertState.choices, default=ExpertState.PROPOSED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic expert")
        verbose_name_plural = _("topic experts")
        ordering = ["topic_id", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="knowledge_one_expert_per_topic")]

    def __str__(self):
        return f"{self.topic_id}/{self.member_id}"
