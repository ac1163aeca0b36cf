"""Who may do what with suppliers and supplier invoices (registered with ``rules``, checked through
``user.has_perm`` in views and the API and again in the services). What people *see* is the
permission layer: invoices through ``permissions.scoped_by_activity``, suppliers through the
entities of ``permissions.entities``.

* ``purchases.enter_invoice`` (activity): its holders and the entity's administrators (as
  ``members.change_activity``, the rule for receiving e-invoices).
* ``purchases.change_invoice`` (invoice): the same, for the invoice's activity.
* ``purchases.approve_as_member`` (invoice): the same — the member's "yes, I ordered this".
* ``purchases.review_invoice`` (invoice): the advisors of a member of the activity, the
  accountants and administrators of the entity — never the member who approved it first.
* ``purchases.cancel_invoice`` (invoice not booked yet): the holders and the reviewers.
* ``purchases.pay_invoice`` (entity): accountants and administrators (as ``payouts.manage_batch``).
* ``purchases.add_supplier`` (entity): its active members and its bookkeeping staff.
* ``purchases.change_supplier`` (supplier): bookkeeping staff only (a supplier's IBAN decides who
  is paid).
* ``purchases.set_vat_treatment`` (invoice): bookkeeping staff (reverse charge or not).
"""

from __future__ import annotations

import rules

from compagnon import permissions
from compagnon.members.models import ActivityMembership


@rules.predicate
def holds_invoice_activity(user, invoice) -> bool:
    return invoice is not None and permissions.is_activity_holder.test(user, invoice.activity)


@rules.predicate
def admin_of_invoice_entity(user, invoice) -> bool:
    return invoice is not None and invoice.entity_id in permissions.scope_for(user).admin_entities


@rules.predicate
def advises_invoice_activity(user, invoice) -> bool:
    if invoice is None:
        return False
    offices = permissions.scope_for(user).advisor_offices
    return bool(offices) and ActivityMembership.objects.filter(
        activity_id=invoice.activity_id, member__office_id__in=offices).exists()


@rules.predicate
def books_invoice(user, invoice) -> bool:
    return invoice is not None and invoice.entity_id in permissions.money_entities(user)


@rules.predicate
def approved_it_first(user, invoice) -> bool:
    return invoice is not None and invoice.member_approved_by_id == user.pk


@rules.predicate
def member_of_entity(user, entity) -> bool:
    scope = permissions.scope_for(user)
    entity_id = getattr(entity, "pk", entity)
    return scope.member_active and scope.member_entity_id == entity_id


@rules.predicate
def books_supplier(user, supplier) -> bool:
    return supplier is not None and supplier.entity_id in permissions.money_entities(user)


rules.add_perm("purchases.enter_invoice", permissions.is_activity_holder | permissions.is_entity_admin)
rules.add_perm("purchases.change_invoice", holds_invoice_activity | admin_of_invoice_entity)
rules.add_perm("purchases.approve_as_member", holds_invoice_activity | admin_of_invoice_entity)
rules.add_perm("purchases.review_invoice",
               (advises_invoice_activity | books_invoice) & ~approved_it_first)
rules.add_perm("purchases.cancel_invoice", holds_invoice_activity | admin_of_invoice_entity | advises_invoice_activity
               | books_invoice)
rules.add_perm("purchases.pay_invoice", permissions.works_money_of)
rules.add_perm("purchases.add_supplier", member_of_entity | permissions.works_money_of)
rules.add_perm("purchases.change_supplier", books_supplier)
# Reverse charge: how an invoice's VAT is booked is the bookkeepers' decision (vat.confirm).
rules.add_perm("purchases.set_vat_treatment", books_invoice)
