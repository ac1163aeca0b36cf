"""Reads of peer help for pages and the API, always from the reader's entities (``rules``):
anybody outside gets nothing (404 on one object)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from compagnon.directory import access as directory_access
from compagnon.directory.models import DirectoryProfile
from compagnon.members.models import Member
from compagnon.permissions import scope_for

from . import search
from .models import Answer, Follow, HelpedMark, HelperStat, Photo, Question, Reach
from .rules import reader_entity_ids

STATES = ("answered", "unanswered")
SHOW = ("mine", "for_me", "following")


def questions(user) -> QuerySet[Question]:
    return (Question.objects.filter(entity_id__in=reader_entity_ids(user))
            .select_related("trade", "asker__user").order_by("-created_at", "-id"))


def find(user, *, q: str = "", trade_id: int | None = None, state: str = "", show: str = "") -> QuerySet[Question]:
    """The questions ``user`` reads matching the search (newest first)."""
    qs = questions(user)
    if q:
        qs = qs.filter(search.matches(q))
    if trade_id:
        qs = qs.filter(trade_id=trade_id)
    if state == "answered":
        qs = qs.filter(answers_count__gt=0)
    elif state == "unanswered":
        qs = qs.filter(answers_count=0)
    if show:
        s = scope_for(user)
        if show == "mine":
            qs = qs.filter(asker_id=s.member_id or 0)
        elif show == "for_me":
            qs = qs.filter(reaches__member_id=s.member_id or 0)
        elif show == "following":
            qs = qs.filter(follows__user_id=user.pk)
    return qs.defer("search_text", "search")


def question(user, pk: int) -> Question:
    return questions(user).select_related("entity", "accepted").get(pk=pk)


def answers_of(user, q: Question) -> list[Answer]:
    return list(Answer.objects.filter(question=q).select_related("author", "member")
                .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("id")))
                .annotate(marked=Exists(HelpedMark.objects.filter(answer=OuterRef("pk"), user_id=user.pk)))
                .order_by("created_at", "id"))


def question_photos(q: Question) -> list[Photo]:
    return list(Photo.objects.filter(question=q, answer__isnull=True).order_by("id"))


def answer(user, pk: int) -> Answer:
    return Answer.objects.select_related("question__entity", "question__asker", "author", "member__user").get(
        pk=pk, question__entity_id__in=reader_entity_ids(user))


def photo_for(user, pk: int) -> Photo:
    return Photo.objects.get(pk=pk, question__entity_id__in=reader_entity_ids(user))


def follows(user, q: Question) -> bool:
    return Follow.objects.filter(question=q, user_id=user.pk).exists()


def reached_names(user, q: Question, limit: int = 12) -> list[str]:
    """Names of the colleagues reached that ``user`` finds in the directory (the others count only)."""
    s = scope_for(user)
    ids = list(Reach.objects.filter(question=q).order_by("-score", "id").values_list("member_id", flat=True)[:limit])
    rows = DirectoryProfile.objects.filter(member_id__in=ids, active=True).select_related("member__user")
    out = []
    for p in rows:
        if directory_access.access_to(s, member_id=p.member_id, entity_id=p.entity_id, office_id=p.office_id):
            user_ = p.member.user
            out.append(user_.get_full_name() or user_.email.split("@")[0])
    return sorted(out)


def helpers(member_ids) -> dict[int, HelperStat]:
    """The helper figures of these members (one query)."""
    return {h.member_id: h for h in HelperStat.objects.filter(member_id__in=list(member_ids), answers__gt=0)}


def my_member(user) -> Member | None:
    s = scope_for(user)
    return Member.objects.filter(pk=s.member_id).first() if s.member_active else None
