"""Who does what with tenders (django-rules, checked again inside the services).

* ``tenders.manage`` (obj: entity) — the entity's administrators, advisors and support agents:
  import notices, enter them by hand, edit the CPV → trade table, keep the administrative documents;
* ``tenders.answer`` (obj: notice) — an active member of the notice's entity opens an answer;
* ``tenders.lead`` (obj: answer) — the answer's lead: invites, shares, submits, records the outcome;
* ``tenders.work`` (obj: answer) — a member of the group who accepted (the lead included): the
  checklist, the shared folder, the administrative documents attached;
* ``tenders.respond`` (obj: answer member) — the invited member, to accept or decline;
* ``tenders.declare_share`` (obj: answer member) — that member, once the answer is won.
Who SEES what is in ``selectors`` (notices of one's entity; answers of one's group only).
"""

import rules

from compagnon.permissions import scope_for

from .models import AnswerState, Invitation


def managed_entity_ids(user) -> set[int]:
    s = scope_for(user)
    return set(s.admin_entities | s.advisor_entities | s.support_entities)


@rules.predicate
def manages(user, entity) -> bool:
    return entity is not None and getattr(entity, "pk", entity) in managed_entity_ids(user)


@rules.predicate
def may_answer(user, notice) -> bool:
    s = scope_for(user)
    return notice is not None and s.member_active and s.member_entity_id == notice.entity_id


@rules.predicate
def leads(user, answer) -> bool:
    s = scope_for(user)
    return answer is not None and s.member_active and answer.lead_id == s.member_id


@rules.predicate
def works_on(user, answer) -> bool:
    s = scope_for(user)
    if answer is None or not s.member_active:
        return False
    return answer.lead_id == s.member_id or answer.members.filter(
        member_id=s.member_id, state=Invitation.ACCEPTED).exists()


@rules.predicate
def is_invited(user, row) -> bool:
    s = scope_for(user)
    return row is not None and s.member_active and row.member_id == s.member_id


@rules.predicate
def may_declare(user, row) -> bool:
    s = scope_for(user)
    return (row is not None and s.member_active and row.member_id == s.member_id
            and row.state == Invitation.ACCEPTED and row.answer.state == AnswerState.WON)


rules.add_perm("tenders.manage", manages)
rules.add_perm("tenders.answer", may_answer)
rules.add_perm("tenders.lead", leads)
rules.add_perm("tenders.work", works_on)
rules.add_perm("tenders.respond", is_invited)
rules.add_perm("tenders.declare_share", may_declare)
