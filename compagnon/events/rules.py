"""Who does what in the agenda, trainings and mentoring (django-rules, checked again in services).

Agenda
* ``events.propose_event`` (no obj) — an active member (for their office or their entity);
* ``events.create_event`` (obj: an office or an entity) — for an office: the entity's
  administrators and the office's advisors; for the whole entity: its administrators;
* ``events.manage_event`` (obj: event) — the same people for the event's place: validate or
  decline a proposal, change, cancel, mark attendance;
* ``events.register`` (obj: event) — an active member of the event's entity, of its office when
  the event has one;
* ``events.mark_attendance`` (obj: event) — those who manage it and its trainer;
* ``events.view_attendance`` (obj: event) — those, and the entity's support agents and accountants;
* ``events.view_certificate`` (obj: registration) — the attendee, the entity's staff and the
  advisors of the attendee's office.
Trainings
* ``events.request_training`` (no obj) — an active member;
* ``events.view_training_requests`` (obj: entity) — its administrators and advisors.
Mentoring
* ``events.offer_mentoring`` / ``events.ask_mentor`` (no obj) — an active member;
* ``events.accept_mentor_request`` (obj: request) — a member with an open offer in its trade (not
  the asker), the entity's administrators, the advisors of the asker's office;
* ``events.log_meeting`` (obj: pair) — its mentor or mentee;
* ``events.end_pair`` (obj: pair) — its mentor or mentee, or the staff who follow it.
Who SEES what is decided by the selectors (404 outside).
"""

from __future__ import annotations

import rules

from compagnon.organisation.models import Entity, Office
from compagnon.permissions import scope_for


def staff_entity_ids(user) -> frozenset[int]:
    """Entities where the user organises: administrators and advisors."""
    s = scope_for(user)
    return s.admin_entities | s.advisor_entities


@rules.predicate
def is_active_member(user) -> bool:
    return scope_for(user).member_active


@rules.predicate
def may_create_at(user, place) -> bool:
    s = scope_for(user)
    if isinstance(place, Office):
        return place.entity_id in s.admin_entities or place.pk in s.advisor_offices
    if isinstance(place, Entity):
        return place.pk in s.admin_entities
    return False


def manages(scope, event) -> bool:
    if event is None:
        return False
    if event.entity_id in scope.admin_entities:
        return True
    return event.office_id is not None and event.office_id in scope.advisor_offices


@rules.predicate
def manages_event(user, event) -> bool:
    return manages(scope_for(user), event)


@rules.predicate
def is_trainer(user, event) -> bool:
    return event is not None and event.trainer_id is not None and event.trainer_id == user.pk


@rules.predicate
def entity_staff_of_event(user, event) -> bool:
    return event is not None and event.entity_id in scope_for(user).entity_wide


def may_register_scope(scope, event) -> bool:
    return (
        event is not None
        and scope.member_active
        and scope.member_entity_id == event.entity_id
        and (event.office_id is None or event.office_id == scope.member_office_id)
    )


@rules.predicate
def may_register(user, event) -> bool:
    return may_register_scope(scope_for(user), event)


@rules.predicate
def attends(user, registration) -> bool:
    return registration is not None and registration.member_id == scope_for(user).member_id


@rules.predicate
def staff_of_attendee(user, registration) -> bool:
    if registration is None:
        return False
    s = scope_for(user)
    member = registration.member
    return member.entity_id in s.entity_wide or member.office_id in s.advisor_offices


@rules.predicate
def organises_in(user, entity) -> bool:
    return entity is not None and getattr(entity, "pk", entity) in staff_entity_ids(user)


@rules.predicate
def mentors_in_trade(user, request) -> bool:
    from .models import MentorOffer

    s = scope_for(user)
    if request is None or not s.member_active or s.member_id == request.mentee_id:
        return False
    return MentorOffer.objects.filter(
        member_id=s.member_id, entity_id=request.entity_id, trade_id=request.trade_id, active=True
    ).exists()


@rules.predicate
def staff_of_mentee(user, obj) -> bool:
    if obj is None:
        return False
    s = scope_for(user)
    return obj.entity_id in s.admin_entities or obj.mentee.office_id in s.advisor_offices


@rules.predicate
def in_pair(user, pair) -> bool:
    s = scope_for(user)
    return pair is not None and s.member_id is not None and s.member_id in (pair.mentor_id, pair.mentee_id)


rules.add_perm("events.propose_event", is_active_member)
rules.add_perm("events.create_event", may_create_at)
rules.add_perm("events.manage_event", manages_event)
rules.add_perm("events.register", may_register)
rules.add_perm("events.mark_attendance", manages_event | is_trainer)
rules.add_perm("events.view_attendance", manages_event | is_trainer | entity_staff_of_event)
rules.add_perm("events.view_certificate", attends | staff_of_attendee)
rules.add_perm("events.request_training", is_active_member)
rules.add_perm("events.view_training_requests", organises_in)
rules.add_perm("events.offer_mentoring", is_active_member)
rules.add_perm("events.ask_mentor", is_active_member)
rules.add_perm("events.accept_mentor_request", mentors_in_trade | staff_of_mentee)
rules.add_perm("events.log_meeting", in_pair)
rules.add_perm("events.end_pair", in_pair | staff_of_mentee)
