"""Who may do what with expense claims (registered with ``rules``, checked through
``user.has_perm`` in views, the API and again in the services). Built on the predicates of
``compagnon.permissions``: what people *see* is ``permissions.scoped_by_activity``.

* ``expenses.claim`` (activity): a member working in the activity (holder or contributor, not left).
* ``expenses.change_claim`` (claim): the member who made it.
* ``expenses.review_claim`` (claim): the advisors of that member's office, the accountants and
  administrators of the entity — never the member themself.
* ``expenses.reimburse`` (entity): accountants and administrators (as ``payouts.manage_batch``).
* ``expenses.validate_bank_account`` (member): their advisors, accountants and administrators.
"""

from __future__ import annotations

import rules

from compagnon import permissions


@rules.predicate
def made_claim(user, claim) -> bool:
    return claim is not None and claim.member.user_id == user.pk


@rules.predicate
def advises_claimant(user, claim) -> bool:
    return claim is not None and claim.member.office_id in permissions.scope_for(user).advisor_offices


@rules.predicate
def books_claim(user, claim) -> bool:
    return claim is not None and claim.entity_id in permissions.money_entities(user)


@rules.predicate
def advises_or_books_member(user, member) -> bool:
    if member is None:
        return False
    scope = permissions.scope_for(user)
    return member.office_id in scope.advisor_offices or member.entity_id in permissions.money_entities(user)


rules.add_perm("expenses.claim", permissions.is_activity_worker)
rules.add_perm("expenses.change_claim", made_claim)
rules.add_perm("expenses.review_claim", (advises_claimant | books_claim) & ~made_claim)
rules.add_perm("expenses.reimburse", permissions.works_money_of)
rules.add_perm("expenses.validate_bank_account", advises_or_books_member & ~permissions.is_self)
