"""Peer help: a member asks the colleagues of the cooperative a question of their trade.

* ``Question`` — asked by a member of an entity (a trade, skill words, a title, a text, photos);
  open until the asker or staff closes it; ``accepted`` is the answer the asker chose. It keeps
  its folded text (and on PostgreSQL a tsvector) for the search, and how many colleagues the
  matching reached;
* ``Answer`` — written by a member or a staff member of the entity, with photos;
* ``Photo`` — an image of a question or an answer, checked by its content, served only to the
  readers of the question;
* ``HelpedMark`` — "this helped", one per person and answer;
* ``Follow`` — a person who wants to hear of new answers (the asker follows their own question);
* ``Reach`` — a member the matching sent the question to, and why (trade, skills, referent);
* ``HelperStat`` — per member: how many answers, how many accepted, in which trades (kept by the
  services: one row read per member shown in the directory).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.organisation.models import LANGUAGE_CHOICES


class QuestionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("peer help question state", "open")
    CLOSED = "closed", pgettext_lazy("peer help question state", "closed")


class Question(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    asker = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="peer_questions",
                              verbose_name=_("asked by"))
    trade = models.ForeignKey("members.Trade", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("trade"))
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    title = models.CharField(_("question"), max_length=200)
    body = models.TextField(_("details"), max_length=10_000, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    state = models.CharField(_("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN)
    accepted = models.OneToOneField("Answer", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="accepted_for", verbose_name=_("accepted answer"))
    answers_count = models.PositiveIntegerField(_("answers"), default=0)
    reached_count = models.PositiveIntegerField(_("colleagues reached"), default=0)
    matched_at = models.DateTimeField(_("sent to colleagues on"), null=True, blank=True)
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)  # folded: lower case, no accents
    search = SearchVectorField(null=True, editable=False)  # PostgreSQL only (GIN index in 0001)
    created_at = models.DateTimeField(_("asked on"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "-created_at", "-id"], name="peerhelp_q_entity_new"),
            models.Index(fields=["asker", "-created_at"], name="peerhelp_q_asker"),
        ]
        constraints = [models.UniqueConstraint(fields=["asker", "client_key"], condition=models.Q(
            client_key__isnull=False), name="peerhelp_q_once")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == QuestionState.OPEN


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("question"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="peer_answers", verbose_name=_("member"))
    body = models.TextField(_("answer"), max_length=10_000)
    helped_count = models.PositiveIntegerField(_("“this helped” marks"), default=0)
    created_at = models.DateTimeField(_("written on"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["member"], name="peerhelp_a_member")]

    def __str__(self):
        return f"{self.question_id}/{self.pk}"


def photo_path(instance, filename: str) -> str:
    """An unguessable folder per photo."""
    return f"peerhelp/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Photo(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="photos",
                                 verbose_name=_("question"))
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="photos",
                               verbose_name=_("answer"))
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class HelpedMark(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helped_marks",
                               verbose_name=_("answer"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“this helped” mark")
        verbose_name_plural = _("“this helped” marks")
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="peerhelp_one_mark")]

    def __str__(self):
        return f"{self.answer_id}/{self.user_id}"


class Follow(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows",
                                 verbose_name=_("question"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="peerhelp_one_follow")]

    def __str__(self):
        return f"{self.question_id}/{self.user_id}"


class ReachReason(models.TextChoices):
    REFERENT = "referent", pgettext_lazy("peer help reach", "referent of the trade")
    TRADE = "trade", pgettext_lazy("peer help reach", "same trade")
    SKILL = "skill", pgettext_lazy("peer help reach", "matching skills")


class Reach(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reaches",
                                 verbose_name=_("question"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    reason = models.CharField(_("why"), max_length=10, choices=ReachReason.choices)
    score = models.PositiveSmallIntegerField(_("relevance"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("colleague reached")
        verbose_name_plural = _("colleagues reached")
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "member"], name="peerhelp_one_reach")]
        indexes = [models.Index(fields=["member", "-created_at"], name="peerhelp_reach_member")]

    def __str__(self):
        return f"{self.question_id}/{self.member_id}"


class HelperStat(models.Model):
    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, primary_key=True,
                                  related_name="peer_helper", verbose_name=_("member"))
    answers = models.PositiveIntegerField(_("answers"), default=0)
    accepted = models.PositiveIntegerField(_("accepted answers"), default=0)
    trade_ids = models.JSONField(_("trades"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")

    def __str__(self):
        return str(self.member_id)
