"""Writes around the articles: topics, the FAQ, expert members (editors of the entity, checked
again here; audited)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications.services import notify

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import LANGUAGES, ExpertState, FaqEntry, Topic, TopicExpert
from .text import fold, plain

# The pages of Compagnon that a help article may explain ({% help_link "key" %} in their template).
SUGGESTED_PAGE_KEYS = ("home", "sales-document", "sales-new", "sales-send", "clients-new", "expenses-new",
                       "expenses-list", "budget", "payroll-request", "purchases-new", "timesheets",
                       "prefinancing", "jobs-new", "onboarding-mine", "onboarding-kit")
PAGE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def clean_page_keys(values) -> list[str]:
    """Page keys from a list or a text (commas, spaces or lines): lower case, digits and dashes."""
    if isinstance(values, str):
        values = re.split(r"[\s,;]+", values)
    keys = []
    for raw in values or []:
        key = str(raw).strip().lower()
        if not key:
            continue
        if not PAGE_KEY.match(key):
            raise ValidationError({"page_keys": _("“%(key)s” is not a page key: use lower-case letters, digits "
                                                  "and dashes, for example sales-document.") % {"key": key[:60]}})
        if key not in keys:
            keys.append(key)
    return keys


def _texts(values: dict, field: str, limit: int) -> dict:
    return {f"{field}_{lang}": " ".join(str(values.get(f"{field}_{lang}") or "").split())[:limit] for lang in LANGUAGES}


@transaction.atomic
def save_topic(*, actor, entity, topic: Topic | None = None, shared: bool = False, position: int = 0,
               **values) -> Topic:
    """Create or change a topic (editors of its entity). A name in one language at least."""
    if topic is not None:
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        entity = topic.entity
    require(actor, "knowledge.edit", entity)
    names = _texts(values, "name", 100)
    if not any(names.values()):
        raise ValidationError({"name_" + (entity.default_language or "fr"): _("Name the topic in one language "
                                                                              "at least.")})
    descriptions = _texts(values, "description", 300)
    if topic is not None and topic.shared and not shared and topic.articles.filter(shared=True).exists():
        raise ValidationError({"shared": _("Shared articles are filed under this topic: it stays shared.")})
    created = topic is None
    topic = topic or Topic(entity=entity)
    for key, value in {**names, **descriptions}.items():
        setattr(topic, key, value)
    topic.shared, topic.position = bool(shared), max(0, min(int(position or 0), 32767))
    topic.save()
    record(actor=actor, action="knowledge.topic_saved", obj=topic, entity=entity,
           message=gettext_noop("Help topic “%(name)s” created") if created
           else gettext_noop("Help topic “%(name)s” changed"), params={"name": topic.name})
    return topic


@transaction.atomic
def save_faq(*, actor, entity, entry: FaqEntry | None = None, topic: Topic | None = None, shared: bool = False,
             position: int = 0, **values) -> FaqEntry:
    """Create or change a FAQ entry (editors): a question and its answer in one language at least."""
    if entry is not None:
        entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        entity = entry.entity
    require(actor, "knowledge.edit", entity)
    if topic is not None and topic.entity_id != entity.pk and not topic.shared:
        raise ValidationError({"topic": _("Choose a topic of this entity or a shared one.")})
    questions = _texts(values, "question", 300)
    answers = {f"answer_{lang}": str(values.get(f"answer_{lang}") or "").replace("\r\n", "\n").strip()[:10_000]
               for lang in LANGUAGES}
    errors = {}
    for lang in LANGUAGES:
        if bool(questions[f"question_{lang}"]) != bool(answers[f"answer_{lang}"]):
            field = f"answer_{lang}" if questions[f"question_{lang}"] else f"question_{lang}"
            errors[field] = [_("Write both the question and its answer in this language, or neither.")]
    if not errors and not any(questions.values()):
        errors["question_" + (entity.default_language or "fr")] = [_("Write the question and its answer in one "
                                                                      "language at least.")]
    if errors:
        raise ValidationError(errors)
    created = entry is None
    entry = entry or FaqEntry(entity=entity)
    for key, value in {**questions, **answers}.items():
        setattr(entry, key, value)
    entry.topic, entry.shared, entry.position = topic, bool(shared), max(0, min(int(position or 0), 32767))
    entry.search_text = fold(" ".join([*questions.values(), *(plain(a) for a in answers.values() if a)]))
    entry.updated_by = actor
    entry.save()
    record(actor=actor, action="knowledge.faq_saved", obj=entry, entity=entity,
           message=gettext_noop("FAQ entry “%(question)s” added") if created
           else gettext_noop("FAQ entry “%(question)s” changed"), params={"question": str(entry)[:120]})
    return entry


@transaction.atomic
def delete_faq(*, actor, entry: FaqEntry) -> None:
    require(actor, "knowledge.edit", entry)
    record(actor=actor, action="knowledge.faq_deleted", obj=entry, entity=entry.entity,
           message=gettext_noop("FAQ entry “%(question)s” removed"), params={"question": str(entry)[:120]})
    entry.delete()


@transaction.atomic
def volunteer(*, actor, topic: Topic, note: str = "") -> TopicExpert:
    """A member offers to help others on ``topic``; the editors of their entity confirm."""
    require(actor, "knowledge.volunteer", topic)
    from compagnon.permissions import scope_for

    member_id = scope_for(actor).member_id
    note = " ".join(str(note or "").split())[:300]
    expert, created = TopicExpert.objects.get_or_create(topic=topic, member_id=member_id, defaults={"note": note})
    if not created and expert.note != note:
        expert.note = note
        expert.save(update_fields=["note"])
    if created:
        record(actor=actor, action="knowledge.expert_volunteered", obj=expert, entity=expert.member.entity,
               member=expert.member, message=gettext_noop("Volunteered as expert on “%(topic)s”"),
               params={"topic": topic.name})
        from .services import editors_of

        for editor in editors_of(expert.member.entity_id):
            notify(editor, title=lambda: _("A member volunteers as expert"),
                   body=lambda: _("%(name)s offers to help on “%(topic)s”.") % {"name": str(actor),
                                                                              "topic": topic.name},
                   url=reverse("knowledge-topic", args=[topic.pk]))
    return expert


@transaction.atomic
def confirm_expert(*, actor, expert: TopicExpert) -> TopicExpert:
    expert = TopicExpert.objects.select_for_update(of=("self",)).select_related("member__user", "topic").get(
        pk=expert.pk)
    require(actor, "knowledge.confirm_expert", expert)
    if expert.state == ExpertState.CONFIRMED:
        return expert
    expert.state, expert.confirmed_by, expert.confirmed_at = ExpertState.CONFIRMED, actor, timezone.now()
    expert.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    record(actor=actor, action="knowledge.expert_confirmed", obj=expert, entity=expert.member.entity,
           member=expert.member, message=gettext_noop("%(name)s confirmed as expert on “%(topic)s”"),
           params={"name": str(expert.member), "topic": expert.topic.name})
    topic = expert.topic  # its name in the language the notification is read in
    notify(expert.member.user, title=lambda: _("You are an expert of the help centre"),
           body=lambda: _("Members can now write to you about “%(topic)s”.") % {"topic": topic.name},
           url=reverse("knowledge-topic", args=[expert.topic_id]))
    return expert


@transaction.atomic
def withdraw_expert(*, actor, expert: TopicExpert) -> None:
    """The expert steps down, or an editor removes them."""
    expert = TopicExpert.objects.select_for_update(of=("self",)).select_related("member__user", "topic").get(
        pk=expert.pk)
    if expert.member.user_id != actor.pk:
        require(actor, "knowledge.confirm_expert", expert)
    record(actor=actor, action="knowledge.expert_withdrawn", obj=expert, entity=expert.member.entity,
           member=expert.member, message=gettext_noop("%(name)s is no longer expert on “%(topic)s”"),
           params={"name": str(expert.member), "topic": expert.topic.name})
    expert.delete()
