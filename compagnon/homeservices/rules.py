"""Who sees and does what in home services. Built on ``compagnon.permissions``.

* prepared invoices, tax certificates, URSSAF registrations and requests belong to an activity:
  whoever sees the activity sees them (``permissions.scoped_by_activity``: its members, the
  advisors of their office read-only, the entity's staff); sending and holding are
  ``sales.change_document`` (who works in the activity, the entity's administrators);
* survey answers are personal: a member reads those about their own visits, nobody else reads
  them one by one; sectors read averages (from 5 answers) — their members, and the entity's
  advisors and staff;
* regenerating a year's certificates: accountants and administrators of the entity
  (``homeservices.issue_certificates``).
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from compagnon import permissions

from .models import Certificate, FieldInvoice, Survey, UrssafRequest


def field_invoices(user) -> QuerySet[FieldInvoice]:
    return permissions.scoped_by_activity(user, FieldInvoice.objects.all())


def certificates(user) -> QuerySet[Certificate]:
    return permissions.scoped_by_activity(user, Certificate.objects.all())


def urssaf_requests(user) -> QuerySet[UrssafRequest]:
    return permissions.scoped_by_activity(user, UrssafRequest.objects.all())


def my_surveys(user) -> QuerySet[Survey]:
    member_id = permissions.scope_for(user).member_id
    if member_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(member_id=member_id)


def sector_ids(user) -> frozenset[int]:
    from compagnon.fieldwork.models import Sector
    from compagnon.fieldwork.rules import my_sector_ids, reader_entity_ids

    staff = reader_entity_ids(user)
    ids = (
        frozenset(Sector.objects.filter(entity_id__in=staff).values_list("id", flat=True))
        if staff
        else frozenset()
    )
    return ids | my_sector_ids(user)


@rules.predicate
def keeps_books_of(user, entity) -> bool:
    return permissions._entity_id(entity) in permissions.money_entities(user)


rules.add_perm("homeservices.issue_certificates", keeps_books_of)


@rules.predicate
def administers(user, entity) -> bool:
    return permissions._entity_id(entity) in permissions.scope_for(user).admin_entities


rules.add_perm("homeservices.manage_settings", administers)
