"""Litigation cases, worked by the collections service: status, assignment, notes and files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.core.services import require

from .base import (
    _audit,
    _case_event,
    _sha,
    holders_by_activity,
    notifications_installed,
)
from .models import (
    CaseFile,
    CaseNote,
    CaseStatus,
    CollectionCase,
)

CASE_TRANSITIONS = {
    CaseStatus.NEW: [CaseStatus.IN_PROGRESS, CaseStatus.SETTLED, CaseStatus.CLOSED],
    CaseStatus.IN_PROGRESS: [CaseStatus.SETTLED, CaseStatus.CLOSED],
    CaseStatus.SETTLED: [CaseStatus.IN_PROGRESS, CaseStatus.CLOSED],
    CaseStatus.CLOSED: [CaseStatus.IN_PROGRESS],
}


def _lock_case(case) -> CollectionCase:
    return (CollectionCase.objects.select_for_update(of=("self",))
            .select_related("activity", "client", "entity").get(pk=case.pk))


def _notify_case_members(case, title, body, key) -> None:
    if not notifications_installed():
        return
    from compagnon.notifications.services import Message, notify_many

    members = holders_by_activity([case.activity_id]).get(case.activity_id, [])
    url = reverse("collections-case", args=[case.pk])
    notify_many([Message(user=u, url=url, key=key, title=title, body=body) for u in members])


@transaction.atomic
def change_case_status(*, actor, case: CollectionCase, status: str) -> CollectionCase:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if status not in CASE_TRANSITIONS.get(CaseStatus(case.status), []):
        raise ValidationError({"status": _("A case that is %(current)s cannot become %(target)s.")
                               % {"current": case.get_status_display(),
                                  "target": CaseStatus(status).label if status in CaseStatus.values else status}})
    previous = case.get_status_display()
    case.status = status
    case.closed_at = timezone.now() if status in (CaseStatus.SETTLED, CaseStatus.CLOSED) else None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    label = CaseStatus(status).label
    event = _case_event(case, "status", gettext_noop("Status: %(from)s → %(to)s"), actor=actor,
                        **{"from": previous, "to": str(label)})
    _audit(actor, case, "case_status", gettext_noop("Case %(case)s: %(to)s"), activity=case.activity,
           entity=case.entity, case=str(case), to=label)
    _notify_case_members(case, lambda: _("Case %(case)s (%(client)s): %(status)s")
                         % {"case": str(case), "client": case.client.name, "status": CaseStatus(status).label},
                         "", f"dunning:case-status:{event.pk}")
    return case


@transaction.atomic
def assign_case(*, actor, case: CollectionCase, agent) -> CollectionCase:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if agent is not None and case.entity_id not in permissions.collections_entities(agent):
        raise ValidationError({"assigned_to": _("This person does not work for the collections service of this entity.")})
    case.assigned_to = agent
    case.save(update_fields=["assigned_to", "updated_at"])
    _case_event(case, "assigned", gettext_noop("Assigned to %(agent)s") if agent else gettext_noop("Unassigned"),
                actor=actor, for_member=False, agent=str(agent or ""))
    return case


@transaction.atomic
def add_case_note(*, actor, case: CollectionCase, body: str, for_member: bool = False) -> CaseNote:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, body=body[:5000], for_member=for_member)
    case.save(update_fields=["updated_at"])
    if for_member:
        _notify_case_members(case, lambda: _("New note on case %(case)s (%(client)s)")
                             % {"case": str(case), "client": case.client.name}, body[:300], f"dunning:case-note:{note.pk}")
    return note


MAX_CASE_FILE = 10 * 1024 * 1024


@transaction.atomic
def add_case_file(*, actor, case: CollectionCase, upload, for_member: bool = False) -> CaseFile:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if upload is None or not upload.size:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > MAX_CASE_FILE:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    data = upload.read()
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    item = CaseFile(case=case, name=name, sha256=_sha(data), uploaded_by=actor, for_member=for_member)
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    _case_event(case, "file", gettext_noop("File added: %(name)s"), actor=actor, for_member=for_member, name=name)
    return item
