"""Reads of tenders, always from the reader's scope (``permissions.scope_for``).

* notices: those of the reader's entity (members), of the entities they serve (staff);
* "for you": the notices matched to the reader (trade and zone), deadline not passed;
* answers: those where the reader is in the group (lead, invited or accepted) — nobody else, staff
  included: a group's work is its own;
* files of an answer: the members of the group who accepted;
* administrative documents: members of the entity (read only) and its staff.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from compagnon.members.models import Activity, ActivityStatus, Member
from compagnon.permissions import scope_for

from .models import (
    AdminDocument,
    Answer,
    AnswerFile,
    AnswerMember,
    ChecklistItem,
    CpvTrade,
    Invitation,
    Notice,
    NoticeImport,
    NoticeMatch,
)
from .rules import managed_entity_ids


def visible_entity_ids(user) -> set[int]:
    s = scope_for(user)
    ids = managed_entity_ids(user) | set(s.accountant_entities)
    if s.member_active and s.member_entity_id:
        ids.add(s.member_entity_id)
    return ids


def notices(user) -> QuerySet[Notice]:
    qs = Notice.objects.filter(entity_id__in=visible_entity_ids(user)).select_related("entity")
    s = scope_for(user)
    if s.member_id:
        qs = qs.annotate(for_me=Exists(NoticeMatch.objects.filter(notice=OuterRef("pk"), member_id=s.member_id)))
    return qs


def notice(user, pk: int) -> Notice:
    return notices(user).get(pk=pk)


def for_me(user) -> QuerySet[Notice]:
    s = scope_for(user)
    if not s.member_active:
        return Notice.objects.none()
    now = timezone.now()
    return (notices(user).filter(matches__member_id=s.member_id)
            .filter(Q(deadline__isnull=True) | Q(deadline__gte=now)).order_by("deadline", "-id"))


def imports(user) -> QuerySet[NoticeImport]:
    return NoticeImport.objects.filter(entity_id__in=managed_entity_ids(user)).select_related("entity")


def mappings(user) -> QuerySet[CpvTrade]:
    return CpvTrade.objects.filter(entity_id__in=managed_entity_ids(user)).select_related("trade", "entity")


def _group_q(member_id) -> Q:
    return Q(members__member_id=member_id, members__state__in=(Invitation.INVITED, Invitation.ACCEPTED))


def answers(user) -> QuerySet[Answer]:
    s = scope_for(user)
    if not s.member_id:
        return Answer.objects.none()
    ids = AnswerMember.objects.filter(member_id=s.member_id,
                                      state__in=(Invitation.INVITED, Invitation.ACCEPTED)).values("answer_id")
    return Answer.objects.filter(pk__in=ids).select_related("notice", "lead__user", "entity")


def answer(user, pk: int) -> Answer:
    return answers(user).get(pk=pk)


def working_answers(user) -> QuerySet[Answer]:
    """Answers whose group the reader accepted (or leads): the ones they work on."""
    s = scope_for(user)
    if not s.member_id:
        return Answer.objects.none()
    ids = AnswerMember.objects.filter(member_id=s.member_id, state=Invitation.ACCEPTED).values("answer_id")
    return Answer.objects.filter(pk__in=ids).select_related("notice", "lead__user", "entity")


def group(answer_obj: Answer) -> list[AnswerMember]:
    return list(answer_obj.members.select_related("member__user", "job").order_by("id"))


def answer_members(user) -> QuerySet[AnswerMember]:
    return AnswerMember.objects.filter(answer__in=answers(user)).select_related("member__user", "answer")


def checklist(user) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(answer__in=working_answers(user)).select_related("who__user")


def files(user) -> QuerySet[AnswerFile]:
    return AnswerFile.objects.filter(answer__in=working_answers(user)).select_related("uploaded_by")


def answer_file(user, pk: int) -> AnswerFile:
    return files(user).get(pk=pk)


def admin_documents(user) -> QuerySet[AdminDocument]:
    return AdminDocument.objects.filter(entity_id__in=visible_entity_ids(user)).select_related("entity")


def admin_document(user, pk: int) -> AdminDocument:
    return admin_documents(user).get(pk=pk)


def current_admin_documents(entity_id: int, today=None) -> list[AdminDocument]:
    """The newest document of each kind that has not expired."""
    today = today or timezone.localdate()
    out, seen = [], set()
    for doc in (AdminDocument.objects.filter(entity_id=entity_id)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).order_by("kind", "-issued_on", "-id")):
        if doc.kind not in seen:
            seen.add(doc.kind)
            out.append(doc)
    return out


def colleagues(user, answer_obj: Answer) -> QuerySet[Member]:
    """Members one may invite: active members of the entity not already in the group."""
    taken = answer_obj.members.values("member_id")
    return (Member.objects.filter(entity_id=answer_obj.entity_id).exclude(status="left").exclude(pk__in=taken)
            .select_related("user").order_by("user__last_name", "user__first_name", "id"))


def my_activities(member_id) -> QuerySet[Activity]:
    return (Activity.objects.filter(memberships__member_id=member_id).exclude(status=ActivityStatus.CLOSED)
            .distinct().order_by("name", "id"))
