"""Who may do what with salaries (``rules``; checked in views, the API and again in services).

Salaries are personal: unlike an activity's invoices, a member's salary requests, payslips and
contracts are seen by that member, the advisors of their office and the accountants and
administrators of their entity — not by the other members of a collective activity
(``selectors.people_q``).

* ``payroll.request`` (activity): a member working in the activity.
* ``payroll.decide`` (request): the advisors of the member's office, the entity's administrators —
  never the member themself.
* ``payroll.run`` (entity): accountants and administrators (cut-off, variables, journal, payslips,
  transfers).
* ``payroll.manage_contract`` (member): their advisors, the entity's accountants and administrators
  — never the member themself.
* ``payroll.change_employee`` (member): the member (their withholding rate, children) and the
  entity's accountants and administrators.
"""

from __future__ import annotations

import rules

from compagnon import permissions


@rules.predicate
def made_request(user, request) -> bool:
    return request is not None and request.member.user_id == user.pk


@rules.predicate
def advises_requester(user, request) -> bool:
    return request is not None and request.member.office_id in permissions.scope_for(user).advisor_offices


@rules.predicate
def administers_request(user, request) -> bool:
    return request is not None and request.entity_id in permissions.scope_for(user).admin_entities


@rules.predicate
def follows_member(user, member) -> bool:
    if member is None:
        return False
    scope = permissions.scope_for(user)
    return member.office_id in scope.advisor_offices or member.entity_id in permissions.money_entities(user)


@rules.predicate
def books_member(user, member) -> bool:
    return member is not None and member.entity_id in permissions.money_entities(user)


rules.add_perm("payroll.request", permissions.is_activity_worker)
rules.add_perm("payroll.decide", (advises_requester | administers_request) & ~made_request)
rules.add_perm("payroll.run", permissions.works_money_of)
rules.add_perm("payroll.manage_contract", follows_member & ~permissions.is_self)
rules.add_perm("payroll.change_employee", permissions.is_self | books_member)
