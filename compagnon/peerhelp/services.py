"""Every change of peer help: asking, answering (with photos), accepting an answer, "this helped",
closing, following. Keyword-only, one transaction, the rows changed locked, the rule checked again
(``rules.py``), recorded in the audit log; notifications and the matching task after commit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member
from compagnon.notifications.services import Message, notify_many
from compagnon.permissions import scope_for

from . import photos as photo_files
from .models import Answer, Follow, HelpedMark, HelperStat, Question, QuestionState
from .search import index_question


def _audit(actor, question: Question, action: str, message: str, **params):
    record(actor=actor, action=f"peerhelp.{action}", obj=question, message=message,
           params={"question": question.pk, "title": question.title, **params}, entity=question.entity,
           member=question.asker)


def _clean(value: str, field: str, label_rule: str, *, required=True, max_length=10_000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: label_rule})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _notify_later(users, *, title, body, url: str, key: str) -> None:
    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(lambda: notify_many([Message(user=u, title=title, body=body, url=url, key=key)
                                                   for u in users]))


def refresh_helper(member_id: int | None) -> None:
    """Rewrite the helper figures of a member (three small queries)."""
    if not member_id:
        return
    mine = Answer.objects.filter(member_id=member_id)
    figures = mine.aggregate(n=Count("id"), accepted=Count("id", filter=Q(accepted_for__isnull=False)))
    trades = sorted({t for t in mine.exclude(question__trade__isnull=True).values_list("question__trade_id", flat=True)})
    if not figures["n"]:
        HelperStat.objects.filter(member_id=member_id).delete()
        return
    HelperStat.objects.update_or_create(member_id=member_id, defaults={
        "answers": figures["n"], "accepted": figures["accepted"], "trade_ids": trades})


@transaction.atomic
def ask(*, actor, title: str, body: str = "", trade=None, skills: str = "", photos=(), client_key=None) -> Question:
    """A member asks a question; it reaches the matching colleagues after commit (``tasks``)."""
    from .tasks import match_question

    require(actor, "peerhelp.ask")
    s = scope_for(actor)
    member = Member.objects.select_related("entity").get(pk=s.member_id)
    if client_key:
        already = Question.objects.filter(asker=member, client_key=client_key).first()
        if already is not None:
            already.already_sent = True
            return already
    title = _clean(title, "title", _("Type your question in a few words."), max_length=200)
    if len(title) < 8:
        raise ValidationError({"title": _("Your question needs at least 8 characters.")})
    body = _clean(body, "body", "", required=False)
    skills = _clean(skills, "skills", "", required=False, max_length=300)
    files = photo_files.check(photos)
    language = (getattr(actor, "language", "") or member.entity.default_language or "fr")[:2]
    try:
        with transaction.atomic():
            question = Question.objects.create(entity=member.entity, asker=member, trade=trade, skills=skills,
                                               title=title, body=body, language=language, client_key=client_key)
    except IntegrityError:  # the same form sent twice at once
        already = Question.objects.get(asker=member, client_key=client_key)
        already.already_sent = True
        return already
    photo_files.store(question=question, files=files, actor=actor)
    Follow.objects.create(question=question, user=actor)
    index_question(question.pk)
    _audit(actor, question, "asked", gettext_noop("Question “%(title)s” asked to colleagues"))
    transaction.on_commit(lambda: match_question.enqueue(question_id=question.pk))
    return question


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update(of=("self",)).select_related("entity", "asker").get(pk=question.pk)


@transaction.atomic
def answer(*, actor, question: Question, body: str, photos=()) -> Answer:
    question = _locked(question)
    require(actor, "peerhelp.answer", question)
    body = _clean(body, "body", _("Type your answer."))
    files = photo_files.check(photos)
    s = scope_for(actor)
    made = Answer.objects.create(question=question, author=actor, body=body,
                                 member_id=s.member_id if s.member_entity_id == question.entity_id else None)
    photo_files.store(question=question, answer=made, files=files, actor=actor)
    Question.objects.filter(pk=question.pk).update(answers_count=F("answers_count") + 1)
    Follow.objects.get_or_create(question=question, user=actor)
    refresh_helper(made.member_id)
    index_question(question.pk)
    _audit(actor, question, "answered", gettext_noop("Answer written to the question “%(title)s”"),
           answer=made.pk)
    followers = [f.user for f in Follow.objects.filter(question=question).exclude(user=actor).select_related("user")]
    title = question.title
    _notify_later(followers, url=reverse("peerhelp-question", args=[question.pk]) + f"#answer-{made.pk}",
                  key=f"peerhelp:answer:{made.pk}", title=lambda: _("New answer to a question you follow"),
                  body=lambda: f"“{title}”")
    return made


@transaction.atomic
def accept(*, actor, answer: Answer) -> Question:
    """The asker chooses the answer that solved their question (another one may replace it)."""
    question = _locked(answer.question)
    answer = Answer.objects.select_related("author").get(pk=answer.pk, question=question)
    answer.question = question
    require(actor, "peerhelp.accept", answer)
    previous = Answer.objects.filter(pk=question.accepted_id).values_list("member_id", flat=True).first()
    question.accepted = answer
    question.save(update_fields=["accepted"])
    refresh_helper(answer.member_id)
    if previous and previous != answer.member_id:
        refresh_helper(previous)
    _audit(actor, question, "accepted", gettext_noop("An answer to the question “%(title)s” accepted"),
           answer=answer.pk)
    title = question.title
    _notify_later([answer.author], url=reverse("peerhelp-question", args=[question.pk]) + f"#answer-{answer.pk}",
                  key=f"peerhelp:accepted:{answer.pk}", title=lambda: _("Your answer was accepted"),
                  body=lambda: _("It solved “%(title)s”. Thank you!") % {"title": title})
    return question


@transaction.atomic
def mark_helped(*, actor, answer: Answer) -> bool:
    """"This helped" on an answer, once per person; True when it is new."""
    answer = Answer.objects.select_for_update(of=("self",)).select_related("question__entity", "question__asker").get(
        pk=answer.pk)
    require(actor, "peerhelp.mark_helped", answer)
    try:
        with transaction.atomic():
            HelpedMark.objects.create(answer=answer, user=actor)
    except IntegrityError:
        return False
    Answer.objects.filter(pk=answer.pk).update(helped_count=F("helped_count") + 1)
    _audit(actor, answer.question, "helped", gettext_noop("“This helped” on an answer to “%(title)s”"),
           answer=answer.pk)
    return True


@transaction.atomic
def close(*, actor, question: Question) -> Question:
    question = _locked(question)
    require(actor, "peerhelp.close", question)
    question.state, question.closed_at = QuestionState.CLOSED, timezone.now()
    question.save(update_fields=["state", "closed_at"])
    _audit(actor, question, "closed", gettext_noop("Question “%(title)s” closed"))
    return question


@transaction.atomic
def follow(*, actor, question: Question, on: bool = True) -> bool:
    """Follow (or stop following) a question's new answers; True when following."""
    question = Question.objects.select_related("entity").get(pk=question.pk)
    require(actor, "peerhelp.follow", question)
    if on:
        Follow.objects.get_or_create(question=question, user=actor)
    else:
        Follow.objects.filter(question=question, user=actor).delete()
    return on
