"""An advisor's absence and the relay who stands in for them.

Declaring an absence (the advisor for themselves, or an administrator of the entity for any of its
advisors) writes, for each office the absent advisor advises in the entity, one dated advisor
``RoleAssignment`` for the relay (``starts_on``/``ends_on`` = the absence, ``relay_for`` = the
absent advisor's own assignment there). The permission layer counts an assignment only between
its dates (``permissions._compute_scope``), so during the absence — and only then — the relay sees
exactly what the absent advisor sees: the members of those offices, their appointments, notes,
next steps and reviews, in pages and API alike. Cancelling the absence deletes those rows. The
relay's cached scope is dropped at once (``permissions.forget_scope``); a scope cached in the
shared cache expires after ``SCOPE_CACHE_SECONDS`` anyway, so the first and day after the last
day show within that delay."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.accounts.models import Role, RoleAssignment
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications.services import notify

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import Absence

MAX_DAYS = 366


def own_assignments(user_id: int, entity_id: int):
    """The advisor's assignments in their own right in the entity (not relays, not dated)."""
    return RoleAssignment.objects.filter(user_id=user_id, entity_id=entity_id, role=Role.ADVISOR,
                                         relay_for__isnull=True, starts_on__isnull=True, ends_on__isnull=True)


def _overlapping(qs, starts_on, ends_on):
    return qs.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)


@transaction.atomic
def declare_absence(*, actor, entity, advisor, starts_on: datetime.date, ends_on: datetime.date, relay,
                    message: str = "") -> Absence:
    require(actor, "advising.declare_absence", entity)
    if advisor.pk != actor.pk and entity.pk not in permissions.scope_for(actor).admin_entities:
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict = {}
    offices = list(own_assignments(advisor.pk, entity.pk).select_for_update())
    if not offices:
        errors["advisor"] = [_("This person advises no office of the entity.")]
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = [_("Enter a date.")]
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = [_("Enter a date.")]
    if not errors:
        today = timezone.localdate()
        if ends_on < starts_on:
            errors["ends_on"] = [_("The last day cannot be before the first.")]
        elif ends_on < today:
            errors["ends_on"] = [_("This absence is over already.")]
        elif (ends_on - starts_on).days >= MAX_DAYS:
            errors["ends_on"] = [_("An absence lasts a year at most.")]
    if relay is None or relay.pk == advisor.pk or not own_assignments(relay.pk, entity.pk).exists():
        errors["relay"] = [_("Choose another advisor of the entity as relay.")]
    if not errors:
        mine = Absence.objects.filter(entity=entity).filter(Q(advisor=advisor) | Q(relay=advisor))
        if _overlapping(mine, starts_on, ends_on).exists():
            errors["starts_on"] = [_("These dates overlap another absence or relay of this advisor.")]
        if _overlapping(Absence.objects.filter(advisor=relay), starts_on, ends_on).exists():
            errors["relay"] = [_("The relay is away during these dates too.")]
    if errors:
        raise ValidationError(errors)
    absence = Absence.objects.create(entity=entity, advisor=advisor, starts_on=starts_on, ends_on=ends_on,
                                     relay=relay, message=" ".join(str(message or "").split())[:300],
                                     created_by=actor)
    rows = [RoleAssignment.objects.create(user=relay, role=Role.ADVISOR, entity=entity, office_id=a.office_id,
                                          starts_on=starts_on, ends_on=ends_on, relay_for=a) for a in offices]
    absence.relay_assignments.set(rows)
    permissions.forget_scope(relay)
    record(actor=actor, action="advising.absence_declared", obj=absence, entity=entity,
           message=gettext_noop("%(advisor)s away from %(from)s to %(to)s; relay: %(relay)s"),
           params={"advisor": str(advisor), "from": starts_on, "to": ends_on, "relay": str(relay)})
    url = reverse("advising-members")
    transaction.on_commit(lambda: notify(relay, url=url, title=lambda: _(
        "You stand in for %(advisor)s from %(from)s to %(to)s") % {
        "advisor": str(advisor), "from": date_format(starts_on, "DATE_FORMAT"),
        "to": date_format(ends_on, "DATE_FORMAT")}))
    return absence


@transaction.atomic
def cancel_absence(*, actor, absence: Absence) -> None:
    """Cancel an absence (the advisor, or an administrator of the entity): the relay's rows go."""
    a = Absence.objects.select_for_update(of=("self",)).select_related("advisor", "relay", "entity").get(pk=absence.pk)
    require(actor, "advising.declare_absence", a.entity)
    if a.advisor_id != actor.pk and a.entity_id not in permissions.scope_for(actor).admin_entities:
        raise PermissionDenied(_("You are not allowed to do this."))
    RoleAssignment.objects.filter(pk__in=a.relay_assignments.values("pk")).delete()
    permissions.forget_scope(a.relay)
    record(actor=actor, action="advising.absence_cancelled", obj=a, entity=a.entity,
           message=gettext_noop("Absence of %(advisor)s from %(from)s to %(to)s cancelled"),
           params={"advisor": str(a.advisor), "from": a.starts_on, "to": a.ends_on})
    relay, advisor = a.relay, str(a.advisor)
    a.delete()
    transaction.on_commit(lambda: notify(relay, title=lambda: _(
        "You no longer stand in for %(advisor)s") % {"advisor": advisor}))
