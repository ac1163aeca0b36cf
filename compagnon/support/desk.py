"""What the desks keep for themselves: canned answers per service, and each entity's office hours,
reopening delay and response targets (its administrators). Saving new hours or targets moves the
due time of every request whose clock runs, so the queue's "late" stays true."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.accounts.models import SupportService
from compagnon.audit.services import record
from compagnon.core.services import require

from . import clock, selectors
from .models import CannedAnswer, Priority, ResponseTarget, State, SupportRequest, SupportSettings
from .rules import Desk


def _canned_fields(title: str, body: str) -> tuple[str, str]:
    title, body = " ".join((title or "").split()), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the answer a short title.")
    if not body:
        errors["body"] = _("Write the answer.")
    elif len(body) > 5000:
        errors["body"] = _("Keep it under 5,000 characters.")
    if errors:
        raise ValidationError(errors)
    return title[:120], body


@transaction.atomic
def save_canned(*, actor, entity, service: str, title: str, body: str, canned: CannedAnswer | None = None) -> CannedAnswer:
    if service not in SupportService.values:
        raise ValidationError({"service": _("Choose a service.")})
    require(actor, "support.manage_canned", Desk(entity.pk, service))
    if canned is not None:
        require(actor, "support.manage_canned", canned)
    title, body = _canned_fields(title, body)
    if canned is None:
        canned = CannedAnswer(entity=entity, created_by=actor)
    canned.service, canned.title, canned.body = service, title, body
    canned.save()
    record(actor=actor, action="support.canned_saved", obj=canned, entity=entity,
           message=gettext_noop("Canned answer %(title)s saved"), params={"title": title})
    return canned


@transaction.atomic
def delete_canned(*, actor, canned: CannedAnswer) -> None:
    require(actor, "support.manage_canned", canned)
    record(actor=actor, action="support.canned_deleted", obj=canned, entity=canned.entity,
           message=gettext_noop("Canned answer %(title)s deleted"), params={"title": canned.title})
    canned.delete()


def fill(canned: CannedAnswer, *, request=None, agent=None) -> str:
    """The text of a canned answer for one request: ``{first_name}`` and ``{agent}`` replaced."""
    first = ""
    if request is not None:
        user = request.member.user if request.member_id else request.author
        first = (user.first_name if user else "") or ""
    name = (agent.get_full_name() or agent.email) if agent is not None else ""
    return canned.body.replace("{first_name}", first).replace("{agent}", name)


@transaction.atomic
def save_settings(*, actor, entity, day_starts: datetime.time, day_ends: datetime.time, reopen_days: int,
                  targets: dict) -> SupportSettings:
    """``targets``: {(service, priority): working hours}; a value equal to the default is stored
    anyway (what the administrator saw is what applies)."""
    require(actor, "support.change_settings", entity)
    errors = {}
    if day_ends <= day_starts:
        errors["day_ends"] = _("Office hours end after they start.")
    if not 0 <= int(reopen_days) <= 365:
        errors["reopen_days"] = _("Between 0 and 365 days.")
    for (service, priority), hours in targets.items():
        if service not in SupportService.values or priority not in Priority.values:
            errors["targets"] = _("Unknown service or priority.")
        elif hours is None or not 1 <= int(hours) <= 2000:
            errors[f"target_{service}_{priority}"] = _("Between 1 and 2,000 working hours.")
    if errors:
        raise ValidationError(errors)
    row, _created = SupportSettings.objects.select_for_update().get_or_create(entity=entity)
    row.day_starts, row.day_ends, row.reopen_days = day_starts, day_ends, int(reopen_days)
    row.save()
    for (service, priority), hours in targets.items():
        ResponseTarget.objects.update_or_create(entity=entity, service=service, priority=priority,
                                                defaults={"hours": int(hours)})
    moved = reprice_entity(entity.pk)
    record(actor=actor, action="support.settings_saved", obj=row, entity=entity,
           message=gettext_noop("Support settings saved (%(moved)s running clocks moved)"), params={"moved": moved})
    return row


def reprice_entity(entity_id: int, *, chunk: int = 2000) -> int:
    """Recompute the due time (or what is left) of every running or paused clock of the entity."""
    policy = selectors.policy(entity_id)
    qs = (SupportRequest.objects.filter(entity_id=entity_id, state__in=[State.NEW, State.OPEN, State.WAITING],
                                        clock_started_at__isnull=False)
          .only("id", "state", "service", "priority", "clock_started_at", "paused_at", "paused_for",
                "paused_remaining", "due_at", "answered_at", "closed_at").order_by("id"))
    changed, batch = 0, []
    for request in qs.iterator(chunk_size=chunk):
        clock.reprice(request, policy)
        request.sync_queue_at()
        batch.append(request)
        if len(batch) >= chunk:
            SupportRequest.objects.bulk_update(batch, ["due_at", "paused_remaining", "queue_at"])
            changed += len(batch)
            batch = []
    if batch:
        SupportRequest.objects.bulk_update(batch, ["due_at", "paused_remaining", "queue_at"])
        changed += len(batch)
    return changed
