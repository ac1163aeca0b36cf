"""Who writes and sends mailings (django-rules, checked again inside the services).

* ``mailings.write`` (obj: entity) — its administrators, and advisors of one of its offices (who
  then target only the offices they advise);
* ``mailings.change_mailing`` (obj: mailing) — the administrators of its entity; an advisor when
  every office of its audience is one they advise (such a mailing always names offices);
* ``mailings.send_service`` (obj: entity or mailing) — administrators only: a service message
  (general assembly convocation…) ignores the members' preferences;
* ``mailings.manage_interests`` (obj: entity) — its administrators define the topics members pick.

What members see is decided by the selectors: their own preferences and interests, and the news
whose audience included them (a ``Delivery`` row of theirs shown in the app).
"""

import rules

from compagnon.permissions import scope_for


def _entity_id(obj):
    if obj is None:
        return None
    value = getattr(obj, "entity_id", None)
    return value if value is not None else getattr(obj, "pk", None)


def admin_entity_ids(user) -> frozenset[int]:
    return scope_for(user).admin_entities


def writer_entity_ids(user) -> frozenset[int]:
    s = scope_for(user)
    return s.admin_entities | s.advisor_entities


@rules.predicate
def admin_of(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in scope_for(user).admin_entities


@rules.predicate
def advisor_in(user, obj) -> bool:
    return obj is not None and _entity_id(obj) in scope_for(user).advisor_entities


@rules.predicate
def advises_every_office_of(user, mailing) -> bool:
    if mailing is None or mailing.entity_id not in scope_for(user).advisor_entities:
        return False
    offices = getattr(mailing, "_office_ids", None)
    if offices is None:  # from ``prefetch_related("offices")`` when the caller did it
        offices = {o.pk for o in mailing.offices.all()}
    return bool(offices) and set(offices) <= scope_for(user).advisor_offices


rules.add_perm("mailings.write", admin_of | advisor_in)
rules.add_perm("mailings.change_mailing", admin_of | advises_every_office_of)
rules.add_perm("mailings.send_service", admin_of)
rules.add_perm("mailings.manage_interests", admin_of)
