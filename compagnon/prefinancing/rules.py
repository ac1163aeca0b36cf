"""Who may do what with advances (registered with ``rules``, checked in views, the API and again
in the services). What people *see* is ``permissions.scoped_by_activity``.

* ``prefinancing.ask`` (activity): a member working in the activity (holder or contributor).
* ``prefinancing.decide`` (advance): the advisors of that member's office, the accountants and
  administrators of the entity — never the member themself.
* ``prefinancing.manage`` (entity): accountants and administrators: the policy, paying advances,
  the guarantee fund and the losses.
"""

from __future__ import annotations

import rules

from compagnon import permissions


@rules.predicate
def asked_it(user, advance) -> bool:
    return advance is not None and advance.member.user_id == user.pk


@rules.predicate
def advises_member(user, advance) -> bool:
    return advance is not None and advance.member.office_id in permissions.scope_for(user).advisor_offices


@rules.predicate
def books_advance(user, advance) -> bool:
    return advance is not None and advance.entity_id in permissions.money_entities(user)


rules.add_perm("prefinancing.ask", permissions.is_activity_worker)
rules.add_perm("prefinancing.decide", (advises_member | books_advance) & ~asked_it)
rules.add_perm("prefinancing.manage", permissions.works_money_of)
