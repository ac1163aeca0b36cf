"""Who does what with messages (django-rules, checked again inside the services).

* ``messaging.use`` (no obj) — anyone tied to an entity: a member who has not left, or staff;
* ``messaging.write`` (obj: conversation) — a participant still tied to the conversation's entity
  (blocks and suspensions are business rules checked by the services, with their own message);
* ``messaging.report`` (obj: conversation) — a participant;
* ``messaging.moderate`` (obj: report or entity) — the entity's administrators.
Who READS a conversation: its participants only (``selectors.participation``), and the entity's
administrators once a participant reported it, through the report (``selectors.report``).
"""

import rules

from compagnon.permissions import scope_for

from .people import entities_of


def is_participant_of(user, conversation) -> bool:
    from .models import Participant

    if conversation is None or user is None or not user.is_authenticated:
        return False
    known = getattr(conversation, "participant_ids", None)
    if known is not None:
        return user.pk in known
    return Participant.objects.filter(conversation_id=conversation.pk, user_id=user.pk).exists()


def _entity_id(obj):
    if obj is None:
        return None
    value = getattr(obj, "entity_id", None)
    return value if value is not None else getattr(obj, "pk", None)


@rules.predicate
def is_tied(user) -> bool:
    return bool(entities_of(user))


@rules.predicate
def participates(user, conversation) -> bool:
    return is_participant_of(user, conversation)


@rules.predicate
def tied_to_its_entity(user, conversation) -> bool:
    return conversation is not None and conversation.entity_id in entities_of(user)


@rules.predicate
def administers(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in scope_for(user).admin_entities


rules.add_perm("messaging.use", is_tied)
rules.add_perm("messaging.write", participates & tied_to_its_entity)
rules.add_perm("messaging.report", participates)
rules.add_perm("messaging.moderate", administers)
