"""Who a question reaches: the trade's referents, then the members of the same entity whose
directory profile lists the trade (theirs or their activities') or the skill words, best first.

A member is reached through a field of their directory profile only when that field is shown to
the asker (the member's choice in the directory: *all members*, or *members of my office* when
the asker is of their office); a member whose profile is out of the directory (left) or who hides
the field is not contacted through it. Referents are named by the staff for their trade
(``compagnon.procedures.referents``) and are always asked.

Relevance: referent 10, the trade 4 (their activities' trade 3), each skill word 2, the asker's
office 1; at most ``MAX_REACHED`` members, the asker never. Run by the task ``tasks.match_question``
after the question is committed; run twice, it reaches nobody twice (``Reach`` is unique and the
notifications keyed).
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from compagnon.directory.models import DirectoryProfile, Visibility
from compagnon.directory.text import fold
from compagnon.notifications.services import Message, notify_many

from .models import Question, Reach, ReachReason

MAX_REACHED = 25
MAX_WORDS = 8
_SPLIT = re.compile(r"[\s,;/]+")


def skill_words(skills: str) -> list[str]:
    return list(dict.fromkeys(w for w in (fold(p) for p in _SPLIT.split(skills or "")) if len(w) >= 3))[:MAX_WORDS]


def _shown(field: str, office_id: int) -> Q:
    """The field is shown to an asker of ``office_id``."""
    return Q(**{f"{field}_visibility__gte": Visibility.ENTITY}) | Q(
        **{f"{field}_visibility": Visibility.OFFICE, "office_id": office_id})


def _referents(question: Question) -> list[int]:
    if not question.trade_id:
        return []
    try:
        from compagnon.procedures.referents import referent_members
    except ImportError:  # peer help works without the procedures app
        return []
    return list(referent_members(question.entity_id, question.trade_id).values_list("pk", flat=True))


def candidates(question: Question, *, limit: int = MAX_REACHED) -> list[tuple[int, str, int]]:
    """[(member id, reason, score)] best first, at most ``limit``."""
    office_id = question.asker.office_id
    referents = [m for m in _referents(question) if m != question.asker_id][:limit]
    out = [(m, ReachReason.REFERENT, 10) for m in referents]
    words = skill_words(question.skills)
    if len(out) >= limit or not (question.trade_id or words):
        return out
    score, cond, trade_cond = Value(0), Q(pk__in=[]), Q(pk__in=[])
    if question.trade_id:
        pattern = f"|{question.trade.code}|"
        trade_cond = _shown("trades", office_id) & Q(trade_codes__contains=pattern)
        activity_cond = _shown("activities", office_id) & Q(activity_trade_codes__contains=pattern)
        score = score + Case(When(trade_cond, then=Value(4)), When(activity_cond, then=Value(3)), default=Value(0),
                             output_field=IntegerField())
        cond |= trade_cond | activity_cond
    skills_shown = _shown("skills", office_id)
    for w in words:
        skill = skills_shown & Q(norm_skills__contains=w)
        score = score + Case(When(skill, then=Value(2)), default=Value(0), output_field=IntegerField())
        cond |= skill
    score = score + Case(When(office_id=office_id, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = (DirectoryProfile.objects.filter(cond, entity_id=question.entity_id, active=True)
            .exclude(member_id__in=[question.asker_id, *referents])
            .annotate(score=score, by_trade=Case(When(trade_cond, then=Value(1)), default=Value(0),
                                                 output_field=IntegerField()))
            .order_by("-score", "sort_name", "id")
            .values_list("member_id", "score", "by_trade")[:limit - len(out)])
    out += [(m, ReachReason.TRADE if by_trade else ReachReason.SKILL, s) for m, s, by_trade in rows]
    return out


def match(question_id: int) -> int:
    """Send question ``question_id`` to the members it matches (once); how many were reached."""
    with transaction.atomic():
        question = (Question.objects.select_for_update(of=("self",)).select_related("asker", "trade")
                    .filter(pk=question_id).first())
        if question is None or question.matched_at is not None:
            return 0
        found = candidates(question)
        now = timezone.now()
        Reach.objects.bulk_create([Reach(question=question, member_id=m, reason=r, score=s, created_at=now)
                                   for m, r, s in found], ignore_conflicts=True, batch_size=1000)
        question.reached_count = len(found)
        question.matched_at = now
        question.save(update_fields=["reached_count", "matched_at"])
        users = list(get_user_model().objects.filter(member__pk__in=[m for m, _r, _s in found]).only("id", "language"))
        url = reverse("peerhelp-question", args=[question.pk])
        title = question.title
        notify_many([Message(user=u, url=url, key=f"peerhelp:ask:{question.pk}",
                             title=lambda: gettext("A colleague asks for your help"),
                             body=lambda: gettext("“%(title)s”: you may know the answer.") % {"title": title})
                     for u in users])
    return len(found)
